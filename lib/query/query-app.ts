import { newCallStats, type HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { RECORD_SCHEMA_VERSION, type NormalizedCallRecord } from '../contracts/call-record';
import { parseQueryFilter } from '../contracts/query-filter';
import type { Credentials } from '../credentials/credentials';
import { AppError, MethodNotAllowedError, RouteNotFoundError, ValidationError, toError } from '../errors';
import type { HttpApp } from '../fc/http-adapter';
import { readJsonBody } from '../http/json-body';
import { CONTENT_TYPES, negotiateRecordFormat } from '../http/negotiate';
import { toProblemResponse } from '../http/problem';
import type { HttpRequest, HttpResponse, Invocation } from '../http/types';
import type { Logger } from '../log/logger';
import { createPhoneMasker } from '../records/phone-masking';
import type { Anomalies } from '../records/normalize';
import type { QueryConfig } from './config';
import { buildOpenApiDocument } from './openapi';
import { planQuery } from './query-plan';
import { runQuery, type QueryOutcome } from './run-query';

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
  responseBytes?: number;
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
  // Everything a caller can get wrong (cursor and allowlist included) is checked before AICCS is called.
  const format = negotiateRecordFormat(request.headers['accept']);
  const parsed = parseQueryFilter(readJsonBody(request));
  if (!parsed.ok) throw new ValidationError(parsed.issues, 'Query filter failed validation');
  const plan = planQuery(parsed.filter, deps.config.instanceIds);

  const outcome = await runQuery(plan, format, {
    api: deps.apiFor(invocation.credentials),
    sourceTimeZone: deps.config.sourceTimeZone,
    timeUnit: deps.config.timeUnit,
    concurrency: deps.config.concurrency,
    deadline: invocation.deadline,
    signal: invocation.signal,
    stats: metrics.stats,
    anomalies: metrics.anomalies,
    maxResponseBytes: deps.config.maxResponseBytes,
    maxUpstreamCalls: deps.config.maxUpstreamCalls,
    now: deps.now ?? Date.now,
    ...(mask ? { mask } : {}),
  });
  metrics.records = outcome.records;
  metrics.responseBytes = outcome.bytes;
  return { status: 200, headers: headersFor(outcome, format), body: outcome.body };
}

/** JSON carries the page facts in the body; NDJSON and CSV in headers. */
function headersFor(outcome: QueryOutcome, format: keyof typeof CONTENT_TYPES): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPES[format], 'Cache-Control': 'no-store' };
  if (format === 'json') return headers;
  headers['X-Total-Count'] = String(outcome.page.totalCount);
  headers['X-Has-More'] = String(outcome.page.hasMore);
  headers['X-Page-No'] = String(outcome.page.pageNo);
  headers['X-Page-Size'] = String(outcome.page.pageSize);
  headers['X-Schema-Version'] = String(RECORD_SCHEMA_VERSION);
  if (outcome.page.nextCursor !== null) headers['X-Next-Cursor'] = outcome.page.nextCursor;
  return headers;
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
  if (metrics.responseBytes !== undefined) fields['response_bytes'] = metrics.responseBytes;
  if (Object.keys(metrics.anomalies).length > 0) fields['anomalies'] = metrics.anomalies;
  if (failure !== undefined) {
    fields['code'] = failure instanceof AppError ? failure.code : 'INTERNAL_ERROR';
    // Client errors are the caller's business; upstream faults and bugs get the full (redacted) chain.
    if (response.status >= 500) fields['error'] = toError(failure);
  }
  const level = response.status >= 500 ? 'error' : response.status >= 400 ? 'warn' : 'info';
  logger[level]('request', fields);
}
