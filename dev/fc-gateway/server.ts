import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NonceCache } from '../aiccs/nonce-cache';
import { verifyAcs3Request } from './acs3-signature';
import type { AccessKey } from './access-keys';
import { createAsyncInvocations, type AsyncInvocationRecord } from './async-invocations';
import { newRequestId, toHttpTriggerEvent } from './http-trigger-event';
import { MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES, createInvokeApi, matchInvokePath } from './invoke-api';
import { readBody, runFunction, type GatewayFunction, type InvocationEnv } from './invocation';

export type { FcEventHandler, GatewayFunction } from './invocation';

export interface FcGatewayOptions {
  host?: string;
  /** 9000 for `npm start`; 0 (any free port) in tests. */
  port?: number;
  /** The function behind the HTTP trigger. */
  httpFunction: string;
  /** The HTTP trigger's authType: `anonymous` (default locally) or `function` (ACS3-signed requests only, as on FC). */
  httpAuthType?: 'anonymous' | 'function';
  functions: Record<string, GatewayFunction>;
  accountId?: string;
  region?: string;
  /** Largest HTTP trigger request body accepted, like FC's own limit. */
  maxBodyBytes?: number;
  now?: () => number;
  /**
   * Keys the invoke APIs accept. Default: the credentials configured on
   * `functions` (so one local function can invoke another with its own
   * context.credentials). An STS key must present its token.
   */
  credentials?: ReadonlyArray<{ accessKeyId: string; accessKeySecret: string; securityToken?: string | undefined }>;
  /** FC 2.0 addressing: service → fc2 function name → gateway function name. `service$function` gateway names also work. */
  fc2Services?: Record<string, Record<string, string>>;
  /** Retries of a failed async invocation (FC: 0–8, default 3); default 0 locally. */
  maxAsyncRetryAttempts?: number;
  /** Pause before each async retry; default 1000 ms. */
  asyncRetryDelayMs?: number;
  /** Allowed clock difference of signed requests (x-acs-date / Date); default 15 minutes. */
  maxClockSkewMs?: number;
}

export interface FcGateway {
  url: string;
  port: number;
  /** Invocations so far per function name (each async attempt counts). */
  readonly invocations: Readonly<Record<string, number>>;
  /** Every async invocation accepted so far (the most recent 1000), oldest first. */
  asyncInvocations(): AsyncInvocationRecord[];
  /** Resolves when no async invocation is running. */
  waitForAsyncIdle(): Promise<void>;
  /** Stops listening; running async invocations are not awaited (call waitForAsyncIdle first). */
  close(): Promise<void>;
}

/**
 * A local Function Compute 3.0 front end: each HTTP request becomes the
 * exact HTTP trigger event, the handler runs in-process with a context
 * carrying the function's credentials, and its `{statusCode, headers, body,
 * isBase64Encoded}` result becomes the HTTP response.
 *
 * The FC 3.0 and 2.0 invoke API paths (see invoke-api.ts) are served as
 * signed API calls instead: the raw body is the event, the return value the
 * response body, async invocations answer 202 and run in the background.
 */
export async function startFcGateway(options: FcGatewayOptions): Promise<FcGateway> {
  const now = options.now ?? Date.now;
  const accountId = options.accountId ?? '1234567890123456';
  const region = options.region ?? 'cn-hangzhou';
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const env: InvocationEnv = { accountId, region, invocations: {} };
  const target = options.functions[options.httpFunction];
  if (!target) throw new Error(`httpFunction \`${options.httpFunction}\` is not among the gateway's functions`);

  const keys = new Map<string, AccessKey>();
  for (const key of options.credentials ?? Object.values(options.functions).map((fn) => fn.credentials ?? {})) {
    if (key.accessKeyId && key.accessKeySecret)
      keys.set(key.accessKeyId, { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret, securityToken: key.securityToken || undefined });
  }
  const maxClockSkewMs = options.maxClockSkewMs ?? 15 * 60 * 1000;
  const asyncInvocations = createAsyncInvocations({ maxRetryAttempts: options.maxAsyncRetryAttempts ?? 0, retryDelayMs: options.asyncRetryDelayMs ?? 1000 });
  const serveInvokeApi = createInvokeApi({
    env,
    functions: options.functions,
    fc2Services: options.fc2Services ?? {},
    lookup: (accessKeyId) => keys.get(accessKeyId),
    nonces: new NonceCache(2 * maxClockSkewMs),
    maxClockSkewMs,
    now,
    asyncInvocations,
    maxSyncPayloadBytes: MAX_SYNC_PAYLOAD_BYTES,
    maxAsyncPayloadBytes: MAX_ASYNC_PAYLOAD_BYTES,
  });

  const server = createServer((request, response) => {
    const invokeTarget = matchInvokePath(request.url ?? '/');
    const serve = invokeTarget ? serveInvokeApi(request, response, invokeTarget) : serveHttpTrigger(request, response);
    void serve.catch((error: unknown) => {
      if (!response.headersSent) sendFcError(response, error);
      else response.destroy();
    });
  });

  const triggerNonces = new NonceCache(2 * maxClockSkewMs);
  const serveHttpTrigger = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      response
        .writeHead(413, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ErrorCode: 'PayloadTooLarge', ErrorMessage: `body exceeds ${maxBodyBytes} bytes` }));
      return;
    }
    if (options.httpAuthType === 'function') {
      const check = verifyAcs3Request(
        { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body },
        { lookup: (accessKeyId) => keys.get(accessKeyId), now: now(), maxSkewMs: maxClockSkewMs, nonces: triggerNonces },
      );
      if (!check.ok) {
        response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ ErrorCode: check.code, ErrorMessage: check.message }));
        return;
      }
    }
    const started = now();
    const requestId = newRequestId(started);
    const event = toHttpTriggerEvent(request, body, { accountId, region, triggerId: 'local-http', requestId, now: started });
    const result = await runFunction(env, options.httpFunction, target, Buffer.from(JSON.stringify(event)), requestId);
    writeTriggerResult(response, result, requestId);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    invocations: env.invocations,
    asyncInvocations: () => asyncInvocations.records(),
    waitForAsyncIdle: () => asyncInvocations.waitForIdle(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface TriggerResult {
  statusCode?: unknown;
  headers?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
}

function writeTriggerResult(response: ServerResponse, result: unknown, requestId: string): void {
  const headers: Record<string, string> = { 'x-fc-request-id': requestId };
  if (Buffer.isBuffer(result)) {
    response.writeHead(200, headers).end(result);
    return;
  }
  const shaped = (typeof result === 'object' && result !== null ? result : {}) as TriggerResult;
  if (typeof shaped.statusCode !== 'number') {
    // Not a response struct: FC sends the value itself (objects as JSON).
    const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, headers).end(text);
    return;
  }
  if (typeof shaped.headers === 'object' && shaped.headers !== null) {
    for (const [name, value] of Object.entries(shaped.headers)) headers[name] = String(value);
  }
  const body = typeof shaped.body === 'string' ? shaped.body : shaped.body === undefined ? '' : JSON.stringify(shaped.body);
  response.writeHead(shaped.statusCode, headers).end(shaped.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'));
}

function sendFcError(response: ServerResponse, error: unknown): void {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  // Like FC: an unhandled function error is an HTTP 200-or-502 with X-Fc-Error-Type; for triggers we use 502.
  response
    .writeHead(502, { 'content-type': 'application/json', 'x-fc-error-type': 'UnhandledInvocationError' })
    .end(JSON.stringify({ errorMessage: message, errorType: name }));
}
