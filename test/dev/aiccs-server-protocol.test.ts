import { request as httpRequest } from 'node:http';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCallRecord, DEMO_CREDENTIALS, encodeRpcParams, formatRpcTimestamp, RecordStore, signRpcRequest, startAiccsEmulator } from '../../dev/aiccs/index';
import type { AiccsEmulator, AiccsEmulatorOptions } from '../../dev/aiccs/index';

const INSTANCE = 'ccc_xp_pre-cn-proto';
const PLAIN_KEY = { accessKeyId: 'LTAI5tPlainKey0001', accessKeySecret: 'plain-secret-0001' };
const HEX_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

interface PopError {
  name: string;
  code?: string;
  message: string;
  data?: Record<string, unknown>;
  entry?: { response: { statusCode: number } };
}

interface QueryBody {
  RequestId: string;
  Success: boolean;
  Code: string;
  Message: string;
  Data: { PageNumber: number; PageSize: number; TotalCount: number; CallDetailRecord: Record<string, unknown>[] };
}

interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** pop-core's typings omit the constructor's second `verbose` argument. */
const VerboseRPCClient = RPCClient as unknown as new (config: RPCClient.Config, verbose: true) => RPCClient;

function popClient(url: string, credentials: Credentials = DEMO_CREDENTIALS, apiVersion = '2019-10-15'): RPCClient {
  return new RPCClient({
    endpoint: url,
    apiVersion,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<PopError> {
  try {
    await promise;
  } catch (error) {
    return error as PopError;
  }
  throw new Error('Expected the request to fail, but it succeeded');
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Plain node:http request, for things pop-core cannot be made to send. */
function raw(url: string, method: string, options: { query?: string; body?: string; contentType?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/${options.query === undefined ? '' : `?${options.query}`}`);
    const req = httpRequest(target, { method, headers: options.contentType === undefined ? {} : { 'content-type': options.contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function signed(overrides: Partial<Parameters<typeof signRpcRequest>[0]> = {}): Record<string, string> {
  return signRpcRequest({
    method: 'POST',
    action: 'HotlineSessionQuery',
    version: '2019-10-15',
    ...DEMO_CREDENTIALS,
    params: { InstanceId: INSTANCE, PageSize: '5' },
    ...overrides,
  });
}

function postForm(url: string, params: Record<string, string>): Promise<RawResponse> {
  return raw(url, 'POST', { body: encodeRpcParams(params), contentType: 'application/x-www-form-urlencoded' });
}

function storeWithOneInstance(): RecordStore {
  const store = new RecordStore();
  store.add(INSTANCE, [aCallRecord({ Id: 'p1' }), aCallRecord({ Id: 'p2', CreateTime: '2024-03-01 09:00:00' })]);
  return store;
}

const started: AiccsEmulator[] = [];
async function emulator(options: AiccsEmulatorOptions = {}): Promise<AiccsEmulator> {
  const instance = await startAiccsEmulator({ store: storeWithOneInstance(), qps: Number.POSITIVE_INFINITY, credentials: [DEMO_CREDENTIALS, PLAIN_KEY], ...options });
  started.push(instance);
  return instance;
}

let strict: AiccsEmulator;
beforeAll(async () => {
  strict = await emulator({ requireSecurityToken: true });
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

describe('successful calls through the real pop-core', () => {
  it('POST with an STS token returns the documented envelope', async () => {
    const [body, entry] = await new VerboseRPCClient({ endpoint: strict.url, apiVersion: '2019-10-15', ...DEMO_CREDENTIALS }, true).request<
      [QueryBody, { response: { statusCode: number; headers: Record<string, string> } }]
    >('HotlineSessionQuery', { InstanceId: INSTANCE, PageSize: 1 }, { method: 'POST' });

    expect(entry.response.statusCode).toBe(200);
    expect(entry.response.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(entry.response.headers['x-acs-request-id']).toBe(body.RequestId);
    expect(body.RequestId).toMatch(HEX_UUID);
    expect(body).toMatchObject({ Success: true, Code: 'Success', Message: 'Success', Data: { PageNumber: 1, PageSize: 1, TotalCount: 2 } });
    expect(body.Data.CallDetailRecord.map((r) => r['Id'])).toEqual(['p1']);
    expect(strict.stats.lastParams?.['SecurityToken']).toBe(DEMO_CREDENTIALS.securityToken);
    expect(strict.stats.lastParams?.['Action']).toBe('HotlineSessionQuery');
  });

  it('GET (params in the query string) verifies too', async () => {
    const body = await popClient(strict.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: INSTANCE, PageNo: 2, PageSize: 1 }, {});
    expect(body.Data.CallDetailRecord.map((r) => r['Id'])).toEqual(['p2']);
  });

  it("lower-case 'post' (signed POST, params in the query, no body) verifies", async () => {
    const body = await popClient(strict.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'post' });
    expect(body.Data.TotalCount).toBe(2);
  });

  it('accepts Tea-SDK style POST with every param in the query and Format=json', async () => {
    const params = signed({ params: { InstanceId: INSTANCE, Format: 'json' } });
    const response = await raw(strict.url, 'POST', { query: encodeRpcParams(params) });
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as QueryBody).Data.TotalCount).toBe(2);
  });

  it('accepts a key without a token when requireSecurityToken is off, and a plain AK always', async () => {
    const relaxed = await emulator();
    const { securityToken: _token, ...withoutToken } = DEMO_CREDENTIALS;
    await expect(popClient(relaxed.url, withoutToken).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' })).resolves.toMatchObject({
      Success: true,
    });
    await expect(popClient(strict.url, PLAIN_KEY).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' })).resolves.toMatchObject({ Success: true });
  });
});

describe('authentication failures', () => {
  it('wrong secret → 400 SignatureDoesNotMatch with the gateway body and no string-to-sign', async () => {
    const error = await rejectionOf(
      popClient(strict.url, { ...DEMO_CREDENTIALS, accessKeySecret: 'wrong' }).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }),
    );
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.name).toBe('SignatureDoesNotMatchError');
    expect(error.entry?.response.statusCode).toBe(400);
    expect(Object.keys(error.data ?? {}).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(error.data?.['HostId']).toBe('aiccs.aliyuncs.com');
    expect(error.data?.['Recommend']).toBe(`https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=aiccs&requestId=${String(error.data?.['RequestId'])}`);
    expect(error.message).toBe(`Specified signature is not matched with our calculation., URL: ${strict.url}/`);
    expect(JSON.stringify(error.data)).not.toContain(DEMO_CREDENTIALS.securityToken.slice(0, 20));
    expect(strict.stats.errorsByCode['SignatureDoesNotMatch']).toBeGreaterThanOrEqual(1);
  });

  it('echoStringToSign puts the server string-to-sign in the message (debug option)', async () => {
    const debug = await emulator({ echoStringToSign: true });
    const error = await rejectionOf(
      popClient(debug.url, { ...PLAIN_KEY, accessKeySecret: 'wrong' }).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }),
    );
    expect(error.message).toMatch(/server string to sign is:POST&%2F&AccessKeyId%3DLTAI5tPlainKey0001%26Action%3DHotlineSessionQuery/);
  });

  it('unknown access key → 404 InvalidAccessKeyId.NotFound', async () => {
    const error = await rejectionOf(
      popClient(strict.url, { accessKeyId: 'LTAI-unknown', accessKeySecret: 'x' }).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }),
    );
    expect([error.code, error.entry?.response.statusCode]).toEqual(['InvalidAccessKeyId.NotFound', 404]);
  });

  it('missing SecurityToken when required → MissingSecurityToken', async () => {
    const { securityToken: _token, ...withoutToken } = DEMO_CREDENTIALS;
    const error = await rejectionOf(popClient(strict.url, withoutToken).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['MissingSecurityToken', 400]);
  });

  it('mismatched SecurityToken when required → InvalidSecurityToken.MismatchWithAccessKey', async () => {
    const error = await rejectionOf(
      popClient(strict.url, { ...DEMO_CREDENTIALS, securityToken: 'CAISsomeoneElse' }).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }),
    );
    expect(error.code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
  });
});

describe('timestamps and nonces', () => {
  it('server clock 16 min ahead → InvalidTimeStamp.Expired; 14 min ahead is still fine', async () => {
    const ahead = await emulator({ clock: () => Date.now() + 16 * 60_000 });
    const error = await rejectionOf(popClient(ahead.url).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['InvalidTimeStamp.Expired', 400]);

    const slightlyAhead = await emulator({ clock: () => Date.now() + 14 * 60_000 });
    await expect(popClient(slightlyAhead.url).request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' })).resolves.toMatchObject({ Success: true });
  });

  it.each(['2024-01-02 03:04:05', '2024-02-30T00:00:00Z', '1704164645'])('malformed Timestamp %j → InvalidTimeStamp.Format', async (timestamp) => {
    const response = await postForm(strict.url, signed({ timestamp }));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ Code: 'InvalidTimeStamp.Format' });
  });

  it('accepts a Timestamp with milliseconds', async () => {
    const response = await postForm(strict.url, signed({ timestamp: new Date().toISOString() }));
    expect(response.status).toBe(200);
  });

  it('replaying a signed request → SignatureNonceUsed; a failed attempt does not burn its nonce', async () => {
    const nonce = `replay-${Date.now()}`;
    const bad = { ...signed({ nonce }), Signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' };
    expect(JSON.parse((await postForm(strict.url, bad)).body)).toMatchObject({ Code: 'SignatureDoesNotMatch' });

    const params = signed({ nonce, timestamp: formatRpcTimestamp(Date.now()) });
    const first = await postForm(strict.url, params);
    const second = await postForm(strict.url, params);
    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(JSON.parse(second.body)).toMatchObject({ Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already.' });
  });
});

describe('routing and common parameters', () => {
  it('unknown Action → 404 InvalidApi.NotFound', async () => {
    const error = await rejectionOf(popClient(strict.url).request('DescribeRegions', {}, { method: 'POST' }));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['InvalidApi.NotFound', 404]);
  });

  it('wrong Version → InvalidVersion', async () => {
    const error = await rejectionOf(popClient(strict.url, DEMO_CREDENTIALS, '2020-07-02').request('HotlineSessionQuery', { InstanceId: INSTANCE }, { method: 'POST' }));
    expect(error.code).toBe('InvalidVersion');
  });

  it.each(['Signature', 'SignatureNonce', 'Timestamp', 'AccessKeyId', 'Action'])('missing %s → Missing%s', async (name) => {
    const params = signed();
    delete params[name];
    const response = await postForm(strict.url, params);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ Code: `Missing${name}`, Message: `${name} is mandatory for this action.` });
  });

  it('HMAC-SHA256 → InvalidSignatureMethod; Format=XML → InvalidParameter', async () => {
    const method = await postForm(strict.url, signed({ params: { InstanceId: INSTANCE, SignatureMethod: 'HMAC-SHA256' } }));
    expect(JSON.parse(method.body)).toMatchObject({ Code: 'InvalidSignatureMethod' });
    const format = await postForm(strict.url, signed({ params: { InstanceId: INSTANCE, Format: 'XML' } }));
    expect(JSON.parse(format.body)).toMatchObject({ Code: 'InvalidParameter' });
  });

  it('other HTTP methods → 404 InvalidApi.NotFound', async () => {
    const response = await raw(strict.url, 'PUT', { query: encodeRpcParams(signed()) });
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ Code: 'InvalidApi.NotFound' });
  });

  it('business errors use the {RequestId, Success:false, Code, Message} shape', async () => {
    const error = await rejectionOf(popClient(strict.url).request('HotlineSessionQuery', { InstanceId: 'ccc_xp_pre-cn-missing' }, { method: 'POST' }));
    expect(error.entry?.response.statusCode).toBe(500);
    expect(error.data).toEqual({ RequestId: expect.stringMatching(HEX_UUID), Success: false, Code: 'NoTenantFound', Message: 'The specified tenant does not exist.' });
  });
});
