import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Fc2Client from '@alicloud/fc2';
import Fc3Client, { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@alicloud/tea-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonceCache } from '../../dev/shared/nonce-cache';
import type { AccessKey } from '../../dev/fc-gateway/access-keys';
import { canonicalQuery, verifyAcs3Request } from '../../dev/fc-gateway/acs3-signature';
import { verifyFc2Request } from '../../dev/fc-gateway/fc2-signature';
import { interopDefault } from '../../lib/sdk/invoker';

// Requests are built by the real SDKs against a capturing server, then checked offline.
interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const STS_KEY: AccessKey = { accessKeyId: 'STS.CallerKey001', accessKeySecret: 'caller-secret-1', securityToken: 'caller-token-xyz' };
const PLAIN_KEY: AccessKey = { accessKeyId: 'LTAIplainkey0001', accessKeySecret: 'plain-secret-2' };
const keys = new Map([STS_KEY, PLAIN_KEY].map((key) => [key.accessKeyId, key]));
const lookup = (id: string) => keys.get(id);
const SKEW = 15 * 60 * 1000;

let server: Server;
let origin: string;
const captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      captured.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function captureFc3(key: AccessKey, functionName: string, body: string): Promise<Captured> {
  const Client = interopDefault(Fc3Client);
  const client = new Client(
    new $OpenApiUtil.Config({
      accessKeyId: key.accessKeyId,
      accessKeySecret: key.accessKeySecret,
      securityToken: key.securityToken ?? '',
      endpoint: origin,
      protocol: 'http',
    }),
  );
  await client.invokeFunctionWithOptions(
    functionName,
    new InvokeFunctionRequest({ qualifier: 'LATEST', body: Readable.from([Buffer.from(body)]) }),
    new InvokeFunctionHeaders({ xFcInvocationType: 'Sync' }),
    new RuntimeOptions({}),
  );
  const request = captured.at(-1);
  if (!request) throw new Error('nothing captured');
  return request;
}

async function captureFc2(key: AccessKey, body: string): Promise<Captured> {
  const Client = interopDefault(Fc2Client);
  const client = new Client('1234567890', {
    accessKeyID: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    ...(key.securityToken ? { securityToken: key.securityToken } : {}),
    region: 'cn-hangzhou',
    endpoint: `http://${origin}`,
  });
  await client.invokeFunction('svc', 'fn', Buffer.from(body), { 'x-fc-invocation-type': 'Async' }, 'LATEST', { rawBuf: true });
  const request = captured.at(-1);
  if (!request) throw new Error('nothing captured');
  return request;
}

const acs3 = (request: Captured, overrides: { now?: number; nonces?: NonceCache; lookup?: typeof lookup } = {}) =>
  verifyAcs3Request(request, { lookup: overrides.lookup ?? lookup, now: overrides.now ?? Date.now(), maxSkewMs: SKEW, nonces: overrides.nonces ?? new NonceCache() });

const fc2 = (request: Captured, overrides: { now?: number; lookup?: typeof lookup } = {}) =>
  verifyFc2Request(
    { method: request.method, path: decodeURIComponent(request.url.split('?')[0] ?? ''), headers: request.headers, body: request.body },
    { lookup: overrides.lookup ?? lookup, now: overrides.now ?? Date.now(), maxSkewMs: SKEW },
  );

describe('ACS3-HMAC-SHA256 (FC 3.0 invoke API, as @alicloud/fc20230330 signs)', () => {
  it('accepts requests signed by the SDK, STS and plain keys, with an encoded function name', async () => {
    // Arrange
    const sts = await captureFc3(STS_KEY, 'svc$query', '{"pageSize":5}');
    const plain = await captureFc3(PLAIN_KEY, 'query', '');
    // Act / Assert
    expect(sts.url).toBe('/2023-03-30/functions/svc%24query/invocations?qualifier=LATEST');
    expect(acs3(sts)).toMatchObject({ ok: true, key: { accessKeyId: STS_KEY.accessKeyId } });
    expect(acs3(plain)).toMatchObject({ ok: true });
  });

  it.each([
    ['a tampered body', (r: Captured) => ({ ...r, body: Buffer.from('{"pageSize":6}') }), 'SignatureNotMatch'],
    ['a tampered path', (r: Captured) => ({ ...r, url: r.url.replace('query', 'other') }), 'SignatureNotMatch'],
    ['a tampered query', (r: Captured) => ({ ...r, url: r.url.replace('LATEST', 'prod') }), 'SignatureNotMatch'],
    [
      'a tampered signed header',
      (r: Captured) => ({ ...r, headers: { ...r.headers, 'x-fc-invocation-type': 'Sync', 'x-acs-action': 'DeleteFunction' } }),
      'SignatureNotMatch',
    ],
    ['a missing security token', (r: Captured) => ({ ...r, headers: { ...r.headers, 'x-acs-security-token': undefined } }), 'InvalidSecurityToken'],
    ['another security token', (r: Captured) => ({ ...r, headers: { ...r.headers, 'x-acs-security-token': 'forged' } }), 'InvalidSecurityToken'],
    ['an unsigned x-acs header', (r: Captured) => ({ ...r, headers: { ...r.headers, 'x-acs-extra': '1' } }), 'IncompleteSignature'],
    ['no Authorization', (r: Captured) => ({ ...r, headers: { ...r.headers, authorization: undefined } }), 'MissingAuthorization'],
  ])('rejects %s', async (_label, tamper, code) => {
    const request = await captureFc3(STS_KEY, 'query', '{"pageSize":5}');
    expect(acs3(tamper(request))).toMatchObject({ ok: false, code });
  });

  it('rejects a wrong secret and an unknown key', async () => {
    const request = await captureFc3({ ...STS_KEY, accessKeySecret: 'not-the-secret' }, 'query', '{}');
    expect(acs3(request)).toMatchObject({ ok: false, code: 'SignatureNotMatch' });
    const unknown = await captureFc3({ accessKeyId: 'LTAInobody', accessKeySecret: 'x' }, 'query', '{}');
    expect(acs3(unknown)).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
  });

  it('rejects a stale or future x-acs-date', async () => {
    const request = await captureFc3(STS_KEY, 'query', '{}');
    expect(acs3(request, { now: Date.now() + SKEW + 60_000 })).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
    expect(acs3(request, { now: Date.now() - SKEW - 60_000 })).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
  });

  it('rejects a replayed nonce, but only once the first use was valid', async () => {
    const request = await captureFc3(STS_KEY, 'query', '{}');
    const nonces = new NonceCache();
    expect(acs3({ ...request, body: Buffer.from('x') }, { nonces })).toMatchObject({ ok: false, code: 'SignatureNotMatch' });
    expect(acs3(request, { nonces })).toMatchObject({ ok: true });
    expect(acs3(request, { nonces })).toMatchObject({ ok: false, code: 'SignatureNonceUsed' });
  });

  it('builds the canonical query from decoded, RFC 3986-encoded, sorted pairs', () => {
    expect(canonicalQuery('b=2&a=x%20y&c=%2A&a=1')).toBe('a=1&a=x%20y&b=2&c=%2A');
    expect(canonicalQuery('q=a+b&k')).toBe('k=&q=a%20b');
  });
});

describe('FC 2.0 signature (2016-08-15 invoke API, as @alicloud/fc2 signs)', () => {
  it('accepts requests signed by the SDK, STS and plain keys', async () => {
    const sts = await captureFc2(STS_KEY, '{"a":1}');
    const plain = await captureFc2(PLAIN_KEY, '');
    expect(sts.url).toBe('/2016-08-15/services/svc.LATEST/functions/fn/invocations');
    expect(fc2(sts)).toMatchObject({ ok: true, key: { accessKeyId: STS_KEY.accessKeyId } });
    expect(fc2(plain)).toMatchObject({ ok: true });
  });

  it.each([
    ['a tampered body (Content-MD5 kept)', (r: Captured) => ({ ...r, body: Buffer.from('{"a":2}') }), 'SignatureNotMatch'],
    ['a tampered x-fc header', (r: Captured) => ({ ...r, headers: { ...r.headers, 'x-fc-invocation-type': 'Sync' } }), 'SignatureNotMatch'],
    ['a tampered path', (r: Captured) => ({ ...r, url: r.url.replace('/fn/', '/other/') }), 'SignatureNotMatch'],
    ['a missing security token', (r: Captured) => ({ ...r, headers: { ...r.headers, 'x-fc-security-token': undefined } }), 'InvalidSecurityToken'],
    ['no Authorization', (r: Captured) => ({ ...r, headers: { ...r.headers, authorization: undefined } }), 'MissingAuthorization'],
  ])('rejects %s', async (_label, tamper, code) => {
    const request = await captureFc2(STS_KEY, '{"a":1}');
    expect(fc2(tamper(request))).toMatchObject({ ok: false, code });
  });

  it('rejects a wrong secret, an unknown key and a stale Date', async () => {
    expect(fc2(await captureFc2({ ...STS_KEY, accessKeySecret: 'wrong' }, '{}'))).toMatchObject({ ok: false, code: 'SignatureNotMatch' });
    expect(fc2(await captureFc2({ accessKeyId: 'LTAInobody', accessKeySecret: 'x' }, '{}'))).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    expect(fc2(await captureFc2(STS_KEY, '{}'), { now: Date.now() + SKEW + 60_000 })).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
  });
});
