import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import { sendSignedRequest } from '../../lib/sdk/signed-request';
import { TEST_CREDENTIALS } from '../builders/fc';

let gateway: FcGateway;
const seen: string[] = [];

beforeAll(async () => {
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'query',
    httpAuthType: 'function',
    functions: {
      query: {
        credentials: { ...TEST_CREDENTIALS },
        handler: async (event) => {
          seen.push((JSON.parse(event.toString()) as { body: string }).body);
          return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway.close();
});

describe('signed requests to an HTTP trigger with authType function', () => {
  it('are accepted when signed with ACS3-HMAC-SHA256, STS token included', async () => {
    const response = await sendSignedRequest(`${gateway.url}/?trace=1`, { instanceId: 'ccc_xp_pre-cn-a1', pageSize: 5 }, { ...TEST_CREDENTIALS });
    expect(response.status).toBe(200);
    expect(seen.at(-1)).toBe('{"instanceId":"ccc_xp_pre-cn-a1","pageSize":5}');
    expect((await sendSignedRequest(`${gateway.url}/openapi.json`, undefined, { ...TEST_CREDENTIALS }, 'GET')).status).toBe(200);
  });

  it('are refused unsigned, with a wrong secret, or with the body changed after signing', async () => {
    expect((await fetch(`${gateway.url}/`, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await sendSignedRequest(`${gateway.url}/`, { a: 1 }, { ...TEST_CREDENTIALS, accessKeySecret: 'wrong' })).status).toBe(403);
    const { signAcs3 } = await import('../../lib/sdk/acs3-signer');
    const headers = signAcs3({
      method: 'POST',
      url: new URL(`${gateway.url}/`),
      body: Buffer.from('{"a":1}'),
      credentials: { ...TEST_CREDENTIALS },
      headers: { 'content-type': 'application/json' },
    });
    const { host: _host, ...sendable } = headers;
    expect((await fetch(`${gateway.url}/`, { method: 'POST', headers: sendable, body: '{"a":2}' })).status).toBe(403);
  });
});
