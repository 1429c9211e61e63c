import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../shared/http-server';
import { NonceCache } from '../shared/nonce-cache';
import { readRequestBody } from '../shared/request-body';
import { verifyAcs3Request } from './acs3-signature';
import type { AccessKey } from './access-keys';
import { createAsyncTaskScheduler, type AsyncInvocationRecord, type AsyncTask } from './async-tasks';
import { FcApiError } from './fc-api-error';
import { newRequestId, toHttpTriggerEvent } from './http-trigger-event';
import { MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES, createInvokeApi, matchInvokePath, takeSyncSlot } from './invoke-api';
import { createTaskApi, matchTaskPath } from './task-api';
import { runFunction, type GatewayFunction, type InvocationEnv } from './invocation';

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
  /** Retries of a failed async invocation for functions that do not set their own (FC: 0–8, default 3); default 0 locally. */
  maxAsyncRetryAttempts?: number;
  /** Pause before the first async retry, doubling for each further one (FC's own back-off doubles too); default 1000 ms. */
  asyncRetryDelayMs?: number;
  /** Longest pause between async retries; default 60,000 ms. */
  asyncRetryMaxDelayMs?: number;
  /**
   * A synchronous call (InvokeFunction Sync or the HTTP trigger) to a function
   * already at its reservedConcurrency: `throttle` answers 429 ResourceThrottled
   * as FC does (default); `run` runs it anyway.
   */
  syncBeyondReservedConcurrency?: 'throttle' | 'run';
  /** Waits for async start delays and retry back-off; default: a timer. Tests pass a fake to control time. */
  sleep?: (ms: number) => Promise<void>;
  /** Allowed clock difference of signed requests (x-acs-date / Date); default 15 minutes. */
  maxClockSkewMs?: number;
}

export interface FcGateway {
  url: string;
  port: number;
  /** Invocations so far per function name (each async attempt counts). */
  readonly invocations: Readonly<Record<string, number>>;
  /** Every async invocation accepted so far (the newest 10,000), oldest first, in short form. */
  asyncInvocations(): AsyncInvocationRecord[];
  /** One async task as GetAsyncTask answers it, or undefined. */
  asyncTask(functionName: string, taskId: string): AsyncTask | undefined;
  /** Runs of a function under way right now (sync and async). */
  running(functionName: string): number;
  /** Resolves when no async invocation is delayed, queued, running or waiting to retry. */
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
  const defaultRetries = options.maxAsyncRetryAttempts ?? 0;
  for (const [name, fn] of Object.entries(options.functions)) validateFunctionConfig(name, fn);
  const tasks = createAsyncTaskScheduler({
    now,
    sleep: options.sleep ?? sleepWithTimer,
    backoff: { initialDelayMs: options.asyncRetryDelayMs ?? 1000, maxDelayMs: options.asyncRetryMaxDelayMs ?? 60_000 },
    policyOf: (name) => ({
      reservedConcurrency: options.functions[name]?.reservedConcurrency,
      maxAsyncRetryAttempts: options.functions[name]?.maxAsyncRetryAttempts ?? defaultRetries,
    }),
    functionArn: (name) => `acs:fc:${region}:${accountId}:functions/${name}`,
  });
  const syncBeyondReservedConcurrency = options.syncBeyondReservedConcurrency ?? 'throttle';
  const lookup = (accessKeyId: string) => keys.get(accessKeyId);
  const apiNonces = new NonceCache(2 * maxClockSkewMs);
  const serveTaskApi = createTaskApi({ functionExists: (name) => options.functions[name] !== undefined, tasks, lookup, nonces: apiNonces, maxClockSkewMs, now });
  const serveInvokeApi = createInvokeApi({
    env,
    functions: options.functions,
    fc2Services: options.fc2Services ?? {},
    lookup,
    nonces: apiNonces,
    maxClockSkewMs,
    now,
    tasks,
    syncBeyondReservedConcurrency,
    maxSyncPayloadBytes: MAX_SYNC_PAYLOAD_BYTES,
    maxAsyncPayloadBytes: MAX_ASYNC_PAYLOAD_BYTES,
  });

  const server = createServer((request, response) => {
    const invokeTarget = matchInvokePath(request.url ?? '/');
    const taskTarget = invokeTarget ? undefined : matchTaskPath(request.url ?? '/');
    const serve = invokeTarget
      ? serveInvokeApi(request, response, invokeTarget)
      : taskTarget
        ? serveTaskApi(request, response, taskTarget)
        : serveHttpTrigger(request, response);
    void serve.catch((error: unknown) => {
      if (!response.headersSent) sendFcError(response, error);
      else response.destroy();
    });
  });

  const triggerNonces = new NonceCache(2 * maxClockSkewMs);
  const serveHttpTrigger = async (request: IncomingMessage, response: ServerResponse) => {
    const read = await readRequestBody(request, maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      response
        .writeHead(413, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ErrorCode: 'PayloadTooLarge', ErrorMessage: `body exceeds ${maxBodyBytes} bytes` }));
      return;
    }
    const { body } = read;
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
    let release: () => void;
    try {
      release = takeSyncSlot({ tasks, syncBeyondReservedConcurrency }, options.httpFunction);
    } catch (error) {
      if (!(error instanceof FcApiError)) throw error;
      response
        .writeHead(error.status, { 'content-type': 'application/json', 'x-fc-request-id': requestId })
        .end(JSON.stringify({ ErrorCode: error.code, ErrorMessage: error.message }));
      return;
    }
    try {
      const event = toHttpTriggerEvent(request, body, { accountId, region, triggerId: 'local-http', requestId, now: started });
      const result = await runFunction(env, options.httpFunction, target, Buffer.from(JSON.stringify(event)), requestId);
      writeTriggerResult(response, result, requestId);
    } finally {
      release();
    }
  };

  const { port, url } = await listen(server, options.port ?? 9000, options.host ?? '127.0.0.1');
  return {
    url,
    port,
    invocations: env.invocations,
    asyncInvocations: () => tasks.records(),
    asyncTask: (name, taskId) => tasks.get(name, taskId),
    running: (name) => tasks.running(name),
    waitForAsyncIdle: () => tasks.waitForIdle(),
    close: () => closeServer(server),
  };
}

/**
 * Checks one function's run settings up front.
 *
 * @throws RangeError naming the function and the setting.
 */
function validateFunctionConfig(name: string, fn: GatewayFunction): void {
  if (fn.reservedConcurrency !== undefined && !(Number.isInteger(fn.reservedConcurrency) && fn.reservedConcurrency >= 1)) {
    throw new RangeError(`Expected reservedConcurrency of function \`${name}\` to be an integer from 1, got ${String(fn.reservedConcurrency)}`);
  }
  if (fn.maxAsyncRetryAttempts !== undefined && !(Number.isInteger(fn.maxAsyncRetryAttempts) && fn.maxAsyncRetryAttempts >= 0 && fn.maxAsyncRetryAttempts <= 8)) {
    throw new RangeError(`Expected maxAsyncRetryAttempts of function \`${name}\` to be an integer from 0 to 8, got ${String(fn.maxAsyncRetryAttempts)}`);
  }
}

/** A timer that does not keep the process alive on its own. */
function sleepWithTimer(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
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
