import type { FcContext, FcHttpEvent } from '../../lib/fc/types';

/** STS-shaped credentials that are obviously fake and easy to grep for in leak tests. */
export const TEST_CREDENTIALS: { accessKeyId: string; accessKeySecret: string; securityToken: string } = {
  accessKeyId: 'STS.TestAccessKeyId0001',
  accessKeySecret: 'TestSecretMustNeverBeLogged0001',
  securityToken: 'CAISTestSecurityTokenMustNeverBeLogged0001',
};

/** An FC 3.0 context like the runtime passes, with the role's STS triple. */
export function aContext(overrides: Partial<FcContext> = {}): FcContext {
  return {
    requestId: 'c0ffee00-0000-4000-8000-000000000001',
    credentials: { ...TEST_CREDENTIALS },
    function: { name: 'aiccs-query', handler: 'index.handler', memory: 512, timeout: 30 },
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    retryCount: 0,
    ...overrides,
  };
}

export interface HttpEventOptions {
  method?: string;
  path?: string;
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  base64?: boolean;
}

/** An FC 3.0 HTTP trigger event (as a Buffer), shaped like the documented one. */
export function anHttpEvent(options: HttpEventOptions = {}): Buffer {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/';
  const rawBody =
    options.body === undefined ? '' : Buffer.isBuffer(options.body) ? options.body : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const bodyBuffer = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8');
  const event: FcHttpEvent = {
    version: 'v1',
    rawPath: encodeURI(path),
    body: options.base64 ? bodyBuffer.toString('base64') : bodyBuffer.toString('utf8'),
    isBase64Encoded: options.base64 ?? false,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'vitest', ...options.headers },
    queryParameters: options.query ?? {},
    requestContext: {
      accountId: '1234567890123456',
      domainName: 'test-trigger.cn-hangzhou.fcapp.run',
      domainPrefix: 'test-trigger',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'vitest' },
      requestId: '1-6743a1b2-c0ffee0000000000000001',
      time: '2026-11-24T08:00:00Z',
      timeEpoch: '1795507200000',
    },
  };
  return Buffer.from(JSON.stringify(event));
}

/** The handler's result, with the body parsed as JSON. */
export function parseResult(result: { statusCode: number; headers: Record<string, string>; body: string }) {
  return { status: result.statusCode, headers: result.headers, json: JSON.parse(result.body) as Record<string, unknown> };
}
