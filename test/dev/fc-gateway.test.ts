import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import { FcHttpEventSchema, type FcContext } from '../../lib/fc/types';

let gateway: FcGateway;
const seen: Array<{ event: Record<string, any>; context: FcContext }> = [];
let reply: (event: Record<string, any>) => unknown = () => ({ statusCode: 200, headers: {}, body: 'ok' });

/** Raw HTTP, so a test can repeat headers and send binary bodies. */
function send(method: string, path: string, headerList: Array<[string, string]>, body?: Buffer) {
  // An array value makes Node send the header once per value.
  const headers: Record<string, string[]> = {};
  for (const [name, value] of headerList) (headers[name] ??= []).push(value);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${gateway.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'fn',
    accountId: '1111222233334444',
    region: 'cn-shanghai',
    functions: {
      fn: {
        timeoutSeconds: 1,
        credentials: { accessKeyId: 'STS.k', accessKeySecret: 's', securityToken: 't' },
        handler: async (event, context) => {
          const parsed = JSON.parse(event.toString()) as Record<string, any>;
          seen.push({ event: parsed, context });
          return reply(parsed);
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway.close();
});

describe('local FC gateway', () => {
  it('builds the FC 3.0 HTTP trigger event: comma-joined headers and query, encoded rawPath', async () => {
    await send(
      'POST',
      '/a%20b/c?x=1&x=2&y=z',
      [
        ['Content-Type', 'application/json'],
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
      ],
      Buffer.from('{"k":1}'),
    );
    const { event, context } = seen.at(-1) ?? { event: {}, context: {} as FcContext };
    expect(FcHttpEventSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      version: 'v1',
      rawPath: '/a%20b/c',
      body: '{"k":1}',
      isBase64Encoded: false,
      queryParameters: { x: '1,2', y: 'z' },
      requestContext: { accountId: '1111222233334444', http: { method: 'POST', path: '/a b/c', protocol: 'HTTP/1.1' }, domainName: 'local-http.cn-shanghai.fcapp.run' },
    });
    expect(event['headers']['X-Multi']).toBe('one,two');
    expect(event['requestContext']['timeEpoch']).toMatch(/^\d{13}$/);
    expect(context).toMatchObject({
      credentials: { accessKeyId: 'STS.k', accessKeySecret: 's', securityToken: 't' },
      function: { timeout: 1, handler: 'index.handler' },
      region: 'cn-shanghai',
    });
    expect(context.requestId).toBe(event['requestContext']['requestId']);
  });

  it('base64-encodes a binary body', async () => {
    const binary = Buffer.from([0, 255, 1, 254]);
    await send('POST', '/', [['Content-Type', 'application/octet-stream']], binary);
    const { event } = seen.at(-1) ?? { event: {} };
    expect(event).toMatchObject({ isBase64Encoded: true, body: binary.toString('base64') });
  });

  it('maps the handler result back to HTTP, decoding a base64 body', async () => {
    reply = () => ({ statusCode: 418, headers: { 'X-Thing': 'yes' }, body: Buffer.from('teapot').toString('base64'), isBase64Encoded: true });
    const response = await send('GET', '/', []);
    expect(response.status).toBe(418);
    expect(response.headers['x-thing']).toBe('yes');
    expect(response.body.toString()).toBe('teapot');
    expect(response.headers['x-fc-request-id']).toMatch(/^1-[0-9a-f]+-/);
  });

  it('answers 502 with X-Fc-Error-Type when the function throws or times out', async () => {
    reply = () => {
      throw new Error('boom');
    };
    const thrown = await send('GET', '/', []);
    expect(thrown.status).toBe(502);
    expect(thrown.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    reply = () => new Promise(() => {});
    const timedOut = await send('GET', '/', []);
    expect(timedOut.status).toBe(502);
    expect(JSON.parse(timedOut.body.toString())).toMatchObject({ errorType: 'FunctionTimeoutError' });
    reply = () => ({ statusCode: 200, headers: {}, body: 'ok' });
  });

  it('counts invocations per function', () => {
    expect(gateway.invocations['fn']).toBe(seen.length);
    expect(seen.length).toBe(5);
  });
});
