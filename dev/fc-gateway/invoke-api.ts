/**
 * The two Function Compute invoke APIs in front of in-process handlers:
 * FC 3.0 `POST /2023-03-30/functions/{name}/invocations[?qualifier=]`
 * (ACS3-signed, @alicloud/fc20230330) and FC 2.0
 * `POST /2016-08-15/services/{service}[.{qualifier}]/functions/{name}/invocations`
 * (FC-signed, @alicloud/fc2).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NonceCache } from '../shared/nonce-cache';
import { readRequestBody } from '../shared/request-body';
import type { AccessKeyLookup, SignatureCheck } from './access-keys';
import { verifyAcs3Request } from './acs3-signature';
import type { AsyncTaskScheduler } from './async-tasks';
import { asFcApi, FcApiError } from './fc-api-error';
import { describeFunctionError, encodeResult } from './function-result';
import { verifyFc2Request } from './fc2-signature';
import { runFunction, type GatewayFunction, type InvocationEnv } from './invocation';

/** FC's payload limits: 32 MB sync, 128 KB async. */
export const MAX_SYNC_PAYLOAD_BYTES = 32 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD_BYTES = 128 * 1024;

export type InvokeTarget =
  | { api: 'fc3'; functionName: string; qualifier: string | undefined }
  | { api: 'fc2'; serviceName: string; functionName: string; qualifier: string | undefined };

const FC3_PATH = /^\/2023-03-30\/functions\/([^/]+)\/invocations\/?$/;
const FC2_PATH = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations\/?$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The invoke API a request line addresses, or undefined for any other path (an HTTP trigger request). */
export function matchInvokePath(url: string): InvokeTarget | undefined {
  const parsed = new URL(url, 'http://gateway.local');
  const fc3 = FC3_PATH.exec(parsed.pathname);
  if (fc3) return { api: 'fc3', functionName: decode(fc3[1] ?? ''), qualifier: parsed.searchParams.get('qualifier') ?? undefined };
  const fc2 = FC2_PATH.exec(parsed.pathname);
  if (!fc2) return undefined;
  const service = decode(fc2[1] ?? '');
  const dot = service.indexOf('.');
  return {
    api: 'fc2',
    serviceName: dot < 0 ? service : service.slice(0, dot),
    functionName: decode(fc2[2] ?? ''),
    qualifier: dot < 0 ? undefined : service.slice(dot + 1),
  };
}

export interface InvokeApiDeps {
  env: InvocationEnv;
  functions: Readonly<Record<string, GatewayFunction>>;
  /** FC 2.0 addressing: service → fc2 function name → gateway function name. */
  fc2Services: Readonly<Record<string, Readonly<Record<string, string>>>>;
  lookup: AccessKeyLookup;
  nonces: NonceCache;
  maxClockSkewMs: number;
  now: () => number;
  tasks: AsyncTaskScheduler;
  /** What a synchronous call meets when the function is at its reservedConcurrency: `throttle` (429, as FC) or `run` anyway. */
  syncBeyondReservedConcurrency: 'throttle' | 'run';
  maxSyncPayloadBytes: number;
  maxAsyncPayloadBytes: number;
}

/** Serves one invoke API request; never rejects for anything the client did. */
export function createInvokeApi(deps: InvokeApiDeps) {
  return asFcApi<InvokeTarget>(
    deps.now,
    (target) => target.api,
    (request, response, target, requestId) => serve(deps, request, response, target, requestId),
  );
}

async function serve(deps: InvokeApiDeps, request: IncomingMessage, response: ServerResponse, target: InvokeTarget, requestId: string) {
  if (request.method !== 'POST') {
    request.resume();
    throw new FcApiError(405, 'MethodNotAllowed', `${request.method ?? '?'} is not allowed on an invocations path; use POST`);
  }
  const isAsync = (request.headers['x-fc-invocation-type'] ?? '').toString().toLowerCase() === 'async';
  const limit = isAsync ? deps.maxAsyncPayloadBytes : deps.maxSyncPayloadBytes;
  const read = await readRequestBody(request, limit);
  if (read.kind === 'aborted') return;
  if (read.kind === 'too-large') {
    throw new FcApiError(413, 'PayloadTooLarge', `${isAsync ? 'Async' : 'Sync'} invocation payload exceeds the ${limit} byte limit`);
  }
  const { body } = read;

  const check = authenticate(deps, request, target, body);
  if (!check.ok) throw new FcApiError(403, check.code, check.message);

  const { name, fn } = resolveFunction(deps, target);
  if (target.qualifier !== undefined && target.qualifier !== 'LATEST') {
    // The gateway has no versions or aliases: only LATEST exists.
    throw new FcApiError(404, 'AliasNotFound', `Alias or version \`${target.qualifier}\` of function \`${name}\` does not exist; the local gateway only has LATEST`);
  }

  if (isAsync) {
    const { taskId, delaySeconds } = asyncHeaders(request, requestId);
    const accepted = deps.tasks.submit({
      taskId,
      requestId,
      functionName: name,
      payload: body,
      delaySeconds,
      run: (retryCount) => runFunction(deps.env, name, fn, body, requestId, retryCount),
    });
    // FC answers a repeated task id 409 (documented); the error code is not documented.
    if (!accepted) throw new FcApiError(409, 'AsyncTaskAlreadyExists', `Async task \`${taskId}\` of function \`${name}\` already exists`);
    response.writeHead(202, { 'x-fc-request-id': requestId, 'x-fc-async-task-id': taskId }).end();
    return;
  }
  const release = takeSyncSlot(deps, name);
  try {
    const result = await runFunction(deps.env, name, fn, body, requestId);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-fc-request-id': requestId }).end(encodeResult(result));
  } catch (error) {
    // Function errors are never non-2xx: 200 plus X-Fc-Error-Type.
    response
      .writeHead(200, { 'content-type': 'application/json', 'x-fc-error-type': 'UnhandledInvocationError', 'x-fc-request-id': requestId })
      .end(JSON.stringify(describeFunctionError(error)));
  } finally {
    release();
  }
}

/** FC's rules for the task id (letters, digits, `_`, `-`; ≤ 128; starting with a letter or `_`). */
const TASK_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

/**
 * `x-fc-async-task-id` (default: the request id, as FC does) and
 * `x-fc-async-delay` (whole seconds, 0–3600).
 *
 * @throws FcApiError 400 InvalidArgument naming the header and the allowed values.
 */
export function asyncHeaders(request: IncomingMessage, requestId: string): { taskId: string; delaySeconds: number } {
  const taskId = headerText(request, 'x-fc-async-task-id') ?? headerText(request, 'x-fc-stateful-async-invocation-id') ?? requestId;
  if (!TASK_ID.test(taskId) && taskId !== requestId) {
    throw new FcApiError(
      400,
      'InvalidArgument',
      `x-fc-async-task-id \`${taskId.slice(0, 200)}\` is invalid: 1–128 letters, digits, \`_\` or \`-\`, starting with a letter or \`_\``,
    );
  }
  const delayText = headerText(request, 'x-fc-async-delay');
  const delaySeconds = delayText === undefined ? 0 : Number(delayText);
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 3600) {
    throw new FcApiError(400, 'InvalidArgument', `x-fc-async-delay \`${String(delayText).slice(0, 50)}\` is invalid: whole seconds from 0 to 3600`);
  }
  return { taskId, delaySeconds };
}

/**
 * A run slot for a synchronous call; FC throttles sync calls over the
 * reserved concurrency (429, not retried). The error code is UNCONFIRMED.
 */
export function takeSyncSlot(deps: Pick<InvokeApiDeps, 'tasks' | 'syncBeyondReservedConcurrency'>, functionName: string): () => void {
  const release = deps.tasks.tryTakeSync(functionName);
  if (release) return release;
  if (deps.syncBeyondReservedConcurrency === 'run') return () => undefined;
  throw new FcApiError(
    429,
    'ResourceThrottled',
    `Function \`${functionName}\` is running at its reservedConcurrency (${deps.tasks.running(functionName)}): the synchronous call is throttled; retry later`,
  );
}

function headerText(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function authenticate(deps: InvokeApiDeps, request: IncomingMessage, target: InvokeTarget, body: Buffer): SignatureCheck {
  const now = deps.now();
  if (target.api === 'fc3') {
    return verifyAcs3Request(
      { method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers, body },
      { lookup: deps.lookup, now, maxSkewMs: deps.maxClockSkewMs, nonces: deps.nonces },
    );
  }
  const path = decode(new URL(request.url ?? '/', 'http://gateway.local').pathname);
  return verifyFc2Request({ method: request.method ?? 'POST', path, headers: request.headers, body }, { lookup: deps.lookup, now, maxSkewMs: deps.maxClockSkewMs });
}

function resolveFunction(deps: InvokeApiDeps, target: InvokeTarget): { name: string; fn: GatewayFunction } {
  if (target.api === 'fc3') {
    const fn = deps.functions[target.functionName];
    if (!fn) throw new FcApiError(404, 'FunctionNotFound', `Function \`${target.functionName}\` does not exist`);
    return { name: target.functionName, fn };
  }
  const mapped = deps.fc2Services[target.serviceName];
  // FC 3.0 shows 2.0 functions as `service$function`; the gateway accepts that naming too.
  const name = mapped?.[target.functionName] ?? `${target.serviceName}$${target.functionName}`;
  const fn = deps.functions[name];
  if (fn) return { name, fn };
  const serviceKnown = mapped !== undefined || Object.keys(deps.functions).some((key) => key.startsWith(`${target.serviceName}$`));
  if (!serviceKnown) throw new FcApiError(404, 'ServiceNotFound', `Service \`${target.serviceName}\` does not exist`);
  throw new FcApiError(404, 'FunctionNotFound', `Function \`${target.functionName}\` does not exist in service \`${target.serviceName}\``);
}
