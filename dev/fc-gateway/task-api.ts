/**
 * The FC 3.0 async-task APIs (2023-03-30), ACS3-signed like InvokeFunction,
 * as @alicloud/fc20230330 calls them:
 *
 *   GET /2023-03-30/functions/{name}/async-tasks/{taskId}        GetAsyncTask   → AsyncTask
 *   GET /2023-03-30/functions/{name}/async-tasks?prefix&status&limit&nextToken&startedTimeBegin&startedTimeEnd&sortOrderByTime&includePayload
 *                                                                 ListAsyncTasks → { tasks, nextToken? }
 *   PUT /2023-03-30/functions/{name}/async-tasks/{taskId}/stop   StopAsyncTask  → 200, empty body
 *
 * Error codes for an unknown task and a finished one are UNCONFIRMED.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from '../shared/request-body';
import type { AccessKeyLookup } from './access-keys';
import { verifyAcs3Request } from './acs3-signature';
import type { AsyncTaskScheduler, AsyncTaskStatus, ListAsyncTasksQuery } from './async-tasks';
import { asFcApi, FcApiError } from './fc-api-error';
import type { NonceCache } from '../shared/nonce-cache';

export type TaskTarget =
  | { action: 'GetAsyncTask'; functionName: string; taskId: string }
  | { action: 'ListAsyncTasks'; functionName: string }
  | { action: 'StopAsyncTask'; functionName: string; taskId: string };

const TASK_PATH = /^\/2023-03-30\/functions\/([^/]+)\/async-tasks(?:\/([^/]+)(\/stop)?)?\/?$/;
const STATUSES: readonly AsyncTaskStatus[] = ['Enqueued', 'Running', 'Retrying', 'Succeeded', 'Failed', 'Stopping', 'Stopped'];

/** The task API a request line addresses, or undefined. */
export function matchTaskPath(url: string): TaskTarget | undefined {
  const match = TASK_PATH.exec(new URL(url, 'http://gateway.local').pathname);
  if (!match) return undefined;
  const functionName = safeDecode(match[1] ?? '');
  if (match[2] === undefined) return { action: 'ListAsyncTasks', functionName };
  const taskId = safeDecode(match[2]);
  return match[3] ? { action: 'StopAsyncTask', functionName, taskId } : { action: 'GetAsyncTask', functionName, taskId };
}

export interface TaskApiDeps {
  functionExists: (name: string) => boolean;
  tasks: AsyncTaskScheduler;
  lookup: AccessKeyLookup;
  nonces: NonceCache;
  maxClockSkewMs: number;
  now: () => number;
}

/** Serves one task API request; never rejects for anything the client did. */
export function createTaskApi(deps: TaskApiDeps) {
  return asFcApi<TaskTarget>(
    deps.now,
    () => 'fc3',
    (request, response, target, requestId) => serve(deps, request, response, target, requestId),
  );
}

async function serve(deps: TaskApiDeps, request: IncomingMessage, response: ServerResponse, target: TaskTarget, requestId: string): Promise<void> {
  const expected = target.action === 'StopAsyncTask' ? 'PUT' : 'GET';
  const read = await readRequestBody(request, 64 * 1024);
  if (read.kind === 'aborted') return;
  if (request.method !== expected) throw new FcApiError(405, 'MethodNotAllowed', `${request.method ?? '?'} is not allowed for ${target.action}; use ${expected}`);
  if (read.kind === 'too-large') throw new FcApiError(413, 'PayloadTooLarge', `${target.action} takes no body`);
  const check = verifyAcs3Request(
    { method: expected, url: request.url ?? '/', headers: request.headers, body: read.body },
    { lookup: deps.lookup, now: deps.now(), maxSkewMs: deps.maxClockSkewMs, nonces: deps.nonces },
  );
  if (!check.ok) throw new FcApiError(403, check.code, check.message);
  if (!deps.functionExists(target.functionName)) throw new FcApiError(404, 'FunctionNotFound', `Function \`${target.functionName}\` does not exist`);
  const query = new URL(request.url ?? '/', 'http://gateway.local').searchParams;
  const qualifier = query.get('qualifier');
  if (qualifier !== null && qualifier !== 'LATEST')
    throw new FcApiError(404, 'AliasNotFound', `Alias or version \`${qualifier}\` does not exist; the local gateway only has LATEST`);

  const json = (body: unknown): void => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId }).end(JSON.stringify(body));
  };
  if (target.action === 'GetAsyncTask') {
    const task = deps.tasks.get(target.functionName, target.taskId);
    if (!task) throw taskNotFound(target.functionName, target.taskId);
    return json(task);
  }
  if (target.action === 'ListAsyncTasks') return json(deps.tasks.list(target.functionName, listQuery(query)));
  const outcome = deps.tasks.stop(target.functionName, target.taskId);
  if (!outcome.ok && outcome.reason === 'not-found') throw taskNotFound(target.functionName, target.taskId);
  if (!outcome.ok) {
    throw new FcApiError(
      400,
      'AsyncTaskFinished',
      `Async task \`${target.taskId}\` is already ${outcome.reason === 'finished' ? outcome.status : 'finished'}; only Enqueued, Running or Retrying tasks can be stopped`,
    );
  }
  response.writeHead(200, { 'x-fc-request-id': requestId }).end();
}

/**
 * ListAsyncTasks query parameters.
 *
 * @throws FcApiError 400 InvalidArgument naming the parameter and its allowed values.
 */
function listQuery(query: URLSearchParams): ListAsyncTasksQuery {
  const invalid = (name: string, allowed: string) => new FcApiError(400, 'InvalidArgument', `${name} \`${(query.get(name) ?? '').slice(0, 50)}\` is invalid: ${allowed}`);
  const integer = (name: string, min: number, max: number): number | undefined => {
    const text = query.get(name);
    if (text === null || text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw invalid(name, `an integer from ${min} to ${max}`);
    return value;
  };
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !STATUSES.includes(status as AsyncTaskStatus)) throw invalid('status', `one of ${STATUSES.join(', ')}`);
  const order = query.get('sortOrderByTime') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalid('sortOrderByTime', '`asc` or `desc`');
  const includePayload = query.get('includePayload') ?? 'false';
  if (includePayload !== 'true' && includePayload !== 'false') throw invalid('includePayload', '`true` or `false`');
  const nextToken = query.get('nextToken') ?? undefined;
  if (nextToken !== undefined && !/^\d{1,9}$/.test(nextToken)) throw invalid('nextToken', 'a token from a previous ListAsyncTasks answer');
  return {
    prefix: query.get('prefix') ?? undefined,
    status: status as AsyncTaskStatus | undefined,
    startedTimeBegin: integer('startedTimeBegin', 0, Number.MAX_SAFE_INTEGER),
    startedTimeEnd: integer('startedTimeEnd', 0, Number.MAX_SAFE_INTEGER),
    sortOrderByTime: order,
    includePayload: includePayload === 'true',
    limit: integer('limit', 1, 100) ?? 20,
    nextToken,
  };
}

function taskNotFound(functionName: string, taskId: string): FcApiError {
  return new FcApiError(404, 'AsyncTaskNotFound', `Async task \`${taskId}\` of function \`${functionName}\` does not exist`);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
