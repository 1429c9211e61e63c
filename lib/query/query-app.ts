import { newCallStats, type HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import type { Credentials } from '../credentials/credentials';
import type { QueryConfig } from './config';
import { AppError, InstanceNotAllowedError, MethodNotAllowedError, RouteNotFoundError, ValidationError, toError } from '../errors';
import type { HttpApp } from '../fc/http-adapter';
import { readJsonBody } from '../http/json-body';
import { CONTENT_TYPES, negotiateRecordFormat, type RecordFormat } from '../http/negotiate';
import { toProblemResponse } from '../http/problem';
import type { HttpRequest, HttpResponse, Invocation } from '../http/types';
import type { Logger } from '../log/logger';
import { RECORD_SCHEMA_VERSION, type NormalizedCallRecord } from '../contracts/call-record';
import { createPhoneMasker } from '../records/phone-masking';
import { parseQueryFilter, type QueryFilter } from '../contracts/query-filter';
import type { Anomalies } from '../records/normalize';
import { toCsv, toNdjson } from '../records/serialize';
import { buildOpenApiDocument } from './openapi';
import { runQuery, type QueryResult } from './run-query';
import type { QueryResponse } from '../contracts/query-response';

export interface QueryAppDeps {
  config: QueryConfig;
  /** The AICCS client for the invocation's credentials (cached by the caller). */
  apiFor: (credentials: Credentials | undefined) => HotlineSessionApi;
  logger: Logger;
  now?: () => number;
}

interface RequestMetrics {
  route: string;
  stats: ReturnType<typeof newCallStats>;
  anomalies: Anomalies;
  records?: number;
}

let openApiText: string | undefined;

/**
 * The query function's HTTP app: `POST /` queries, `GET /openapi.json`
 * describes. Every response, error or not, is logged as one line.
 */
export function createQueryApp(deps: QueryAppDeps): HttpApp {
  const now = deps.now ?? Date.now;
  const mask = deps.config.phoneMasking.mode === 'none' ? undefined : createPhoneMasker(deps.config.phoneMasking);
  return async (request, invocation) => {
    const started = now();
    const metrics: RequestMetrics = { route: 'unknown', stats: newCallStats(), anomalies: {} };
    const correlationId = request.headers['x-correlation-id']?.slice(0, 128) || invocation.requestId;
    let response: HttpResponse;
    let failure: unknown;
    try {
      response = await route(request, invocation, deps, metrics, mask);
    } catch (error) {
      failure = error;
      response = toProblemResponse(error, invocation.requestId);
    }
    response.headers['X-Request-Id'] = invocation.requestId;
    if (correlationId !== invocation.requestId) response.headers['X-Correlation-Id'] = correlationId;
    logRequest(deps.logger, request, invocation, response, metrics, failure, now() - started, correlationId);
    return response;
  };
}

type Masker = ((record: NormalizedCallRecord) => NormalizedCallRecord) | undefined;

async function route(request: HttpRequest, invocation: Invocation, deps: QueryAppDeps, metrics: RequestMetrics, mask: Masker): Promise<HttpResponse> {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  if (path === '/' || path === '') {
    metrics.route = 'POST /';
    if (request.method !== 'POST') throw new MethodNotAllowedError(request.method, '/', ['POST']);
    return handleQuery(request, invocation, deps, metrics, mask);
  }
  if (path === '/openapi.json') {
    metrics.route = 'GET /openapi.json';
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new MethodNotAllowedError(request.method, path, ['GET', 'HEAD']);
    openApiText ??= JSON.stringify(buildOpenApiDocument());
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
      body: request.method === 'HEAD' ? '' : openApiText,
    };
  }
  throw new RouteNotFoundError(path.slice(0, 200));
}

async function handleQuery(request: HttpRequest, invocation: Invocation, deps: QueryAppDeps, metrics: RequestMetrics, mask: Masker): Promise<HttpResponse> {
  // Everything a caller can get wrong is checked before AICCS is called.
  const format = negotiateRecordFormat(request.headers['accept']);
  const parsed = parseQueryFilter(readJsonBody(request));
  if (!parsed.ok) throw new ValidationError(parsed.issues, 'Query filter failed validation');
  const filter = withInstance(parsed.filter, deps.config.instanceIds);

  const result = await runQuery(filter, {
    api: deps.apiFor(invocation.credentials),
    sourceTimeZone: deps.config.sourceTimeZone,
    timeUnit: deps.config.timeUnit,
    concurrency: deps.config.concurrency,
    deadline: invocation.deadline,
    signal: invocation.signal,
    stats: metrics.stats,
    anomalies: metrics.anomalies,
    ...(mask ? { mask } : {}),
  });
  metrics.records = result.records.length;
  return render(result, format);
}

/** Resolves the instance: given and allowed, or implied when the function serves exactly one. */
function withInstance(filter: QueryFilter, allowed: readonly string[]): QueryFilter & { instanceId: string } {
  const instanceId = filter.instanceId ?? (allowed.length === 1 ? allowed[0] : undefined);
  if (instanceId === undefined) {
    throw new ValidationError([{ path: 'instanceId', code: 'required', message: `instanceId is required; this function serves ${allowed.length} instances` }]);
  }
  if (!allowed.includes(instanceId)) throw new InstanceNotAllowedError(instanceId);
  return { ...filter, instanceId };
}

function render(result: QueryResult, format: RecordFormat): HttpResponse {
  const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPES[format], 'Cache-Control': 'no-store' };
  if (format === 'json') {
    const body: QueryResponse = { schemaVersion: RECORD_SCHEMA_VERSION, records: result.records, page: result.page, requestId: result.requestId ?? null };
    return { status: 200, headers, body: JSON.stringify(body) };
  }
  headers['X-Total-Count'] = String(result.page.totalCount);
  headers['X-Has-More'] = String(result.page.hasMore);
  headers['X-Page-No'] = String(result.page.pageNo);
  headers['X-Page-Size'] = String(result.page.pageSize);
  headers['X-Schema-Version'] = String(RECORD_SCHEMA_VERSION);
  return { status: 200, headers, body: format === 'csv' ? toCsv(result.records) : toNdjson(result.records) };
}

function logRequest(
  logger: Logger,
  request: HttpRequest,
  invocation: Invocation,
  response: HttpResponse,
  metrics: RequestMetrics,
  failure: unknown,
  durationMs: number,
  correlationId: string,
): void {
  const fields: Record<string, unknown> = {
    request_id: invocation.requestId,
    correlation_id: correlationId,
    source: invocation.source,
    method: request.method,
    route: metrics.route,
    status: response.status,
    duration_ms: durationMs,
    upstream_calls: metrics.stats.calls,
    retries: metrics.stats.retries,
    throttled: metrics.stats.throttled,
  };
  if (metrics.records !== undefined) fields['records'] = metrics.records;
  if (Object.keys(metrics.anomalies).length > 0) fields['anomalies'] = metrics.anomalies;
  if (failure !== undefined) {
    fields['code'] = failure instanceof AppError ? failure.code : 'INTERNAL_ERROR';
    // Client errors are the caller's business; upstream faults and bugs get the full (redacted) chain.
    if (response.status >= 500) fields['error'] = toError(failure);
  }
  const level = response.status >= 500 ? 'error' : response.status >= 400 ? 'warn' : 'info';
  logger[level]('request', fields);
}
