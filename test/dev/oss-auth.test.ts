import { request as httpRequest } from 'node:http';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';

const BUCKET = 'cdr-export';
const HOST = `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`;
const LONG_TERM = { accessKeyId: 'LTAI-long-term', accessKeySecret: 'long-term-secret-value' };
const STS = {
  accessKeyId: 'STS.NUgYrLnoZQX',
  accessKeySecret: 'sts-secret-value-9f8e',
  securityToken: 'CAIS-token-value-0123456789abcdef',
};

let server: OssServer;

type Credentials = { accessKeyId: string; accessKeySecret: string; stsToken?: string };

function clientFor(credentials: Credentials, authorizationV4 = true, extra: Partial<OSS.Options> = {}): OSS {
  const base: OSS.Options = {
    endpoint: server.url,
    region: 'oss-cn-hangzhou',
    bucket: BUCKET,
    authorizationV4,
    ...credentials,
    ...extra,
  };
  if (credentials.stsToken === undefined) return new OSS(base);
  // ali-oss warns about an stsToken without a refresher; hand it one that returns the same values.
  const stsToken = credentials.stsToken;
  return new OSS({
    ...base,
    refreshSTSToken: () => Promise.resolve({ accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret, stsToken }),
  });
}

function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function v4Date(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function xmlField(body: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body)?.[1];
}

beforeAll(async () => {
  server = await startOssServer({ credentials: [LONG_TERM, STS] });
});

afterAll(async () => {
  await server.close();
});

describe('accepted signatures', () => {
  it.each([true, false])('accepts ali-oss with a long-term key (V4 = %s)', async (authorizationV4) => {
    const before = server.stats.signatureVersions;
    const client = clientFor(LONG_TERM, authorizationV4);
    await client.put(`auth/long-${String(authorizationV4)}.txt`, Buffer.from('ok'));
    const after = server.stats.signatureVersions;
    expect(authorizationV4 ? after.v4 - before.v4 : after.v1 - before.v1).toBe(1);
  });

  it.each([true, false])('accepts ali-oss with an STS key and its signed token (V4 = %s)', async (authorizationV4) => {
    const client = clientFor({ ...STS, stsToken: STS.securityToken }, authorizationV4);
    const put = await client.put(`auth/sts-${String(authorizationV4)}.txt`, Buffer.from('sts'));
    expect(put.res.status).toBe(200);
    expect((await client.listV2({ prefix: 'auth/sts-' })).objects.length).toBeGreaterThanOrEqual(1);
  });
});

describe('rejected credentials', () => {
  it.each([true, false])('answers 403 SignatureDoesNotMatch for a wrong secret (V4 = %s)', async (authorizationV4) => {
    const client = clientFor({ ...LONG_TERM, accessKeySecret: 'not-the-secret' }, authorizationV4);
    await expect(client.put('auth/wrong.txt', Buffer.from('x'))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatchError',
      code: 'SignatureDoesNotMatch',
      status: 403,
      ecCode: '0002-00000040',
    });
    // HEAD has no body: the code travels in x-oss-err and ali-oss decodes it.
    await expect(client.head('auth/wrong.txt')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(server.getObject(BUCKET, 'auth/wrong.txt')).toBeUndefined();
  });

  it('answers 403 InvalidAccessKeyId for an unknown key', async () => {
    const client = clientFor({ accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' });
    await expect(client.get('auth/anything.txt')).rejects.toMatchObject({
      name: 'InvalidAccessKeyIdError',
      code: 'InvalidAccessKeyId',
      status: 403,
    });
  });

  it('rejects an STS key without its token as InvalidAccessKeyId, as OSS does', async () => {
    const client = clientFor({ accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret });
    await expect(client.put('auth/no-token.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
  });

  it.each([true, false])('rejects a wrong STS token with 403 InvalidSecurityToken (V4 = %s)', async (authorizationV4) => {
    const client = clientFor({ ...STS, stsToken: 'CAIS-some-other-token' }, authorizationV4);
    await expect(client.put('auth/bad-token.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'InvalidSecurityToken',
      status: 403,
    });
    expect(server.getObject(BUCKET, 'auth/bad-token.txt')).toBeUndefined();
  });

  it('rejects a long-term key sent with a security token', async () => {
    const client = clientFor({ ...LONG_TERM, stsToken: STS.securityToken });
    await expect(client.get('auth/x.txt')).rejects.toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
  });
});

describe('clock skew', () => {
  it('answers 403 RequestTimeTooSkewed beyond the window and accepts requests inside it', async () => {
    const skewed = await startOssServer({
      credentials: [LONG_TERM],
      maxClockSkewMs: 15 * 60_000,
      clock: () => Date.now() + 16 * 60_000,
    });
    const close = await startOssServer({ credentials: [LONG_TERM], clock: () => Date.now() - 14 * 60_000 });
    try {
      for (const authorizationV4 of [true, false]) {
        const client = new OSS({ ...LONG_TERM, endpoint: skewed.url, region: 'oss-cn-hangzhou', bucket: BUCKET, authorizationV4 });
        await expect(client.put('skew.txt', Buffer.from('x'))).rejects.toMatchObject({
          code: 'RequestTimeTooSkewed',
          status: 403,
          ecCode: '0002-00000504',
        });
        const fine = new OSS({ ...LONG_TERM, endpoint: close.url, region: 'oss-cn-hangzhou', bucket: BUCKET, authorizationV4 });
        expect((await fine.put('skew.txt', Buffer.from('x'))).res.status).toBe(200);
      }
    } finally {
      await skewed.close();
      await close.close();
    }
  });
});

describe('V4 credential scope', () => {
  it.each([
    ['product', `${LONG_TERM.accessKeyId}/DATE/cn-hangzhou/ecs/aliyun_v4_request`],
    ['terminator', `${LONG_TERM.accessKeyId}/DATE/cn-hangzhou/oss/aws4_request`],
    ['region', `${LONG_TERM.accessKeyId}/DATE/cn-shanghai/oss/aliyun_v4_request`],
    ['shape', `${LONG_TERM.accessKeyId}/DATE/cn-hangzhou`],
  ])('answers 400 AuthorizationHeaderMalformed for a bad %s', async (_what, credential) => {
    const date = v4Date(Date.now());
    const response = await raw('GET', '/x.txt', {
      Host: HOST,
      'x-oss-date': date,
      'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      Authorization: `OSS4-HMAC-SHA256 Credential=${credential.replace('DATE', date.slice(0, 8))},Signature=00ff`,
    });
    expect(response.status).toBe(400);
    expect(xmlField(response.body, 'Code')).toBe('AuthorizationHeaderMalformed');
  });

  it('fails the V4 undefined-query-value pitfall (oss.md §3.3) with SignatureDoesNotMatch', async () => {
    const client = clientFor(LONG_TERM);
    const query = { 'max-keys': 5, marker: undefined } as unknown as OSS.ListObjectsQuery;
    await expect(client.list(query, {})).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    await expect(client.list({ 'max-keys': 5 }, {})).resolves.toMatchObject({ res: { status: 200 } });
  });

  it('signs an empty query value as the bare name, so ali-oss V4 with prefix "" fails too (UNCONFIRMED on OSS)', async () => {
    // ali-oss signs `prefix=`; the server (like the official OSS C# v2 signer) canonicalises
    // the received `prefix=` to `prefix`. Callers should strip empty values as well as undefined.
    await expect(clientFor(LONG_TERM).listV2({ prefix: '' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(clientFor(LONG_TERM, false).listV2({ prefix: '' })).resolves.toMatchObject({ res: { status: 200 } });
  });
});

describe('malformed authentication', () => {
  const now = (): { v4: string; v1: string; day: string } => {
    const v4 = v4Date(Date.now());
    return { v4, v1: new Date().toUTCString(), day: v4.slice(0, 8) };
  };
  const scope = (day: string): string => `${LONG_TERM.accessKeyId}/${day}/cn-hangzhou/oss/aliyun_v4_request`;

  it.each([
    ['V1 without a colon', () => ({ Authorization: `OSS ${LONG_TERM.accessKeyId}`, 'x-oss-date': now().v1 }), 400, 'InvalidArgument'],
    ['V1 without any date', () => ({ Authorization: `OSS ${LONG_TERM.accessKeyId}:c2ln` }), 403, 'AccessDenied'],
    ['V1 with an unparseable date', () => ({ Authorization: `OSS ${LONG_TERM.accessKeyId}:c2ln`, Date: 'yesterday' }), 403, 'AccessDenied'],
    ['V4 without Signature', () => ({ Authorization: `OSS4-HMAC-SHA256 Credential=${scope(now().day)}`, 'x-oss-date': now().v4 }), 400, 'AuthorizationHeaderMalformed'],
    [
      'V4 with an RFC 1123 x-oss-date',
      () => ({ Authorization: `OSS4-HMAC-SHA256 Credential=${scope(now().day)},Signature=00`, 'x-oss-date': now().v1 }),
      403,
      'AccessDenied',
    ],
    [
      'V4 with a scope date other than x-oss-date',
      () => ({ Authorization: `OSS4-HMAC-SHA256 Credential=${scope('20200101')},Signature=00`, 'x-oss-date': now().v4, 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD' }),
      400,
      'AuthorizationHeaderMalformed',
    ],
    [
      'V4 without x-oss-content-sha256',
      () => ({ Authorization: `OSS4-HMAC-SHA256 Credential=${scope(now().day)},Signature=00`, 'x-oss-date': now().v4 }),
      400,
      'InvalidArgument',
    ],
    [
      'V4 naming an absent additional header',
      () => ({
        Authorization: `OSS4-HMAC-SHA256 Credential=${scope(now().day)},AdditionalHeaders=range,Signature=00`,
        'x-oss-date': now().v4,
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      }),
      400,
      'AuthorizationHeaderMalformed',
    ],
    ['an S3 signature', () => ({ Authorization: 'AWS AKIA:c2ln', 'x-oss-date': now().v1 }), 400, 'InvalidArgument'],
  ])('rejects %s', async (_what, headers, status, code) => {
    const response = await raw('GET', '/x.txt', { Host: HOST, ...headers() });
    expect(response.status).toBe(status);
    expect(xmlField(response.body, 'Code')).toBe(code);
  });

  it('answers 501 for presigned-URL (query) signatures instead of pretending to check them', async () => {
    const response = await raw('GET', `/x.txt?OSSAccessKeyId=${LONG_TERM.accessKeyId}&Expires=1&Signature=abc`, { Host: HOST });
    expect(response.status).toBe(501);
    expect(xmlField(response.body, 'Code')).toBe('NotImplemented');
  });

  it('verifies V4 AdditionalHeaders sent by ali-oss', async () => {
    const client = clientFor(LONG_TERM);
    const put = await client.put('auth/additional.txt', Buffer.from('x'), {
      additionalHeaders: ['content-length'],
    } as OSS.PutObjectOptions);
    expect(put.res.status).toBe(200);
  });
});

describe('SignatureDoesNotMatch debug body', () => {
  it('shows the V1 StringToSign with the security token redacted and never the secret', async () => {
    const date = new Date().toUTCString();
    const response = await raw('PUT', '/debug/v1.txt?uploadId=ABC&partNumber=3&prefix=ignored', {
      Host: HOST,
      'Content-Type': 'text/plain',
      'x-oss-date': date,
      'x-oss-security-token': STS.securityToken,
      'x-oss-meta-run': ' 7 ',
      Authorization: `OSS ${STS.accessKeyId}:bm90LXRoZS1zaWduYXR1cmU=`,
    });

    expect(response.status).toBe(403);
    expect(xmlField(response.body, 'Code')).toBe('SignatureDoesNotMatch');
    expect(xmlField(response.body, 'OSSAccessKeyId')).toBe(STS.accessKeyId);
    expect(xmlField(response.body, 'SignatureProvided')).toBe('bm90LXRoZS1zaWduYXR1cmU=');
    expect(xmlField(response.body, 'StringToSign')).toBe(
      `PUT\n\ntext/plain\n${date}\nx-oss-date:${date}\nx-oss-meta-run:7\n` +
        'x-oss-security-token:&lt;redacted&gt;\n/cdr-export/debug/v1.txt?partNumber=3&amp;uploadId=ABC',
    );
    expect(response.body).not.toContain(STS.securityToken);
    expect(response.body).not.toContain(STS.accessKeySecret);
  });

  it('shows the V4 CanonicalRequest built from the query as received', async () => {
    const date = v4Date(Date.now());
    const response = await raw('GET', '/debug/%E4%B8%AD%20a%2Bb.txt?uploads=&b=2&a=1&empty=', {
      Host: HOST,
      'x-oss-date': date,
      'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-oss-security-token': STS.securityToken,
      Authorization: `OSS4-HMAC-SHA256 Credential=${STS.accessKeyId}/${date.slice(0, 8)}/cn-hangzhou/oss/aliyun_v4_request,Signature=00ff`,
    });

    expect(response.status).toBe(403);
    expect(xmlField(response.body, 'CanonicalRequest')).toBe(
      'GET\n/cdr-export/debug/%E4%B8%AD%20a%2Bb.txt\na=1&amp;b=2&amp;empty&amp;uploads\n' +
        `x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:${date}\nx-oss-security-token:&lt;redacted&gt;\n\n\nUNSIGNED-PAYLOAD`,
    );
    expect(xmlField(response.body, 'StringToSign')).toMatch(
      new RegExp(`^OSS4-HMAC-SHA256\\n${date}\\n${date.slice(0, 8)}/cn-hangzhou/oss/aliyun_v4_request\\n[0-9a-f]{64}$`),
    );
    expect(response.body).not.toContain(STS.securityToken);
    expect(response.body).not.toContain(STS.accessKeySecret);
  });
});

describe('anonymous access', () => {
  it('is refused by default and allowed with allowAnonymous', async () => {
    const open = await startOssServer({ allowAnonymous: true });
    try {
      open.putObject(BUCKET, 'public.txt', 'hello');
      const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: open.port, path: '/public.txt', headers: { Host: HOST } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(response).toEqual({ status: 200, body: 'hello' });
      expect(open.stats.signatureVersions.anonymous).toBe(1);
    } finally {
      await open.close();
    }
    const refused = await raw('GET', '/public.txt', { Host: HOST });
    expect(refused.status).toBe(403);
    expect(xmlField(refused.body, 'Code')).toBe('AccessDenied');
  });
});
