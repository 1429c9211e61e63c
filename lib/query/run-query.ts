import type { CallStats, HotlinePage, HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { toWireParams } from '../adapters/aiccs/wire-params';
import { RECORD_SCHEMA_VERSION, type NormalizedCallRecord } from '../contracts/call-record';
import { MAX_AUTO_PAGINATION_RECORDS, MAX_PAGE_NO } from '../contracts/query-filter';
import { toUpstreamAppError } from '../errors';
import type { RecordFormat } from '../http/negotiate';
import { normalizeRecords, type Anomalies } from '../records/normalize';
import { CallBudgetExhaustedError, createCallBudget, type CallBudget } from './call-budget';
import { encodePageCursor, encodeWalkCursor, type CursorFilter } from './cursor';
import type { QueryPlan } from './query-plan';
import { createResponseBudget, recordTooLargeError, type BodyFrame, type ResponseBudget } from './response-budget';
import { OPEN_END, WALK_PAGE_SIZE, walkWindow } from './window-walk';

export interface RunQueryDeps {
  api: HotlineSessionApi;
  sourceTimeZone: string;
  timeUnit: 'ms' | 's';
  concurrency: number;
  deadline: number;
  /** Aborts the AICCS calls in flight at the deadline. */
  signal?: AbortSignal | undefined;
  stats: CallStats;
  anomalies: Anomalies;
  /** QUERY_MAX_RESPONSE_BYTES: no body is longer, in any format. */
  maxResponseBytes: number;
  /** QUERY_MAX_UPSTREAM_CALLS: attempts (retries included) one request may make. */
  maxUpstreamCalls: number;
  now: () => number;
  /** PHONE_MASKING applied to every record returned. */
  mask?: (record: NormalizedCallRecord) => NormalizedCallRecord;
  /** Largest TotalCount one upstream filter may have (tests lower it to exercise splitting). */
  maxRecordsPerFilter?: number;
}

/** Page facts of a 200; `nextCursor` is null when the result is complete. */
export interface PageFacts {
  pageNo: number;
  pageSize: number;
  totalCount: number;
  hasMore: boolean;
  nextCursor: string | null;
}

export interface QueryOutcome {
  /** The response body, at most maxResponseBytes. */
  body: string;
  bytes: number;
  records: number;
  page: PageFacts;
  requestId: string | undefined;
}

/**
 * Runs a plan against HotlineSessionQuery and renders the body in `format`
 * within the response bounds:
 * - a page: one upstream page (pageNo, pageSize), from `skip` on;
 * - a walk: the window read completely across requests (window-walk.ts).
 * When the body is full, or the request's upstream calls are used up, the
 * body ends there and `page.nextCursor` continues the result.
 * @throws AppError (upstream failures mapped by toUpstreamAppError)
 */
export async function runQuery(plan: QueryPlan, format: RecordFormat, deps: RunQueryDeps): Promise<QueryOutcome> {
  const calls = createCallBudget(deps.maxUpstreamCalls);
  try {
    return plan.kind === 'walk' ? await runWalk(plan, format, calls, deps) : await runPage(plan, format, calls, deps);
  } catch (error) {
    throw toUpstreamAppError(error, { instanceId: plan.filter.instanceId, caller: 'query' });
  }
}

/** Frame facts known once the first page arrives. */
interface Framing {
  pageNo: number;
  pageSize: number;
  totalCount: number;
  requestId: string | undefined;
}

function budgetFor(format: RecordFormat, maxBytes: number, maxRecords: number, framing: Framing): ResponseBudget {
  const frame: BodyFrame | undefined =
    format === 'json'
      ? {
          head: `{"schemaVersion":${RECORD_SCHEMA_VERSION},"records":[`,
          tail: (cursor) => `],"page":${JSON.stringify(pageFacts(framing, cursor))},"requestId":${JSON.stringify(framing.requestId ?? null)}}`,
        }
      : undefined;
  return createResponseBudget({ format, maxBytes, maxRecords, ...(frame ? { frame } : {}) });
}

const pageFacts = (framing: Framing, cursor: string | null): PageFacts => ({
  pageNo: framing.pageNo,
  pageSize: framing.pageSize,
  totalCount: framing.totalCount,
  hasMore: cursor !== null,
  nextCursor: cursor,
});

function normalizerFor(filter: CursorFilter, deps: RunQueryDeps) {
  const options = { instanceId: filter.instanceId, sourceTimeZone: deps.sourceTimeZone };
  return (page: HotlinePage) => {
    const records = normalizeRecords(page.records, options, deps.anomalies);
    return deps.mask ? records.map(deps.mask) : records;
  };
}

async function runPage(plan: Extract<QueryPlan, { kind: 'page' }>, format: RecordFormat, calls: CallBudget, deps: RunQueryDeps): Promise<QueryOutcome> {
  const { filter, pageNo, pageSize, skip } = plan;
  const framing: Framing = { pageNo, pageSize, totalCount: 0, requestId: undefined };
  const budget = budgetFor(format, deps.maxResponseBytes, Number.MAX_SAFE_INTEGER, framing);
  let page: HotlinePage;
  try {
    page = await deps.api.queryPage(toWireParams(filter, { pageNo, pageSize }, { timeUnit: deps.timeUnit }), {
      deadline: deps.deadline,
      signal: deps.signal,
      stats: deps.stats,
      limiter: calls,
    });
  } catch (error) {
    if (!(error instanceof CallBudgetExhaustedError)) throw error;
    // Nothing read: the same position again.
    return finish(budget, framing, encodePageCursor(filter, pageNo, pageSize, skip), undefined);
  }
  framing.totalCount = page.totalCount;
  framing.requestId = page.requestId;
  const records = normalizerFor(filter, deps)(page);
  const hasNextPage = pageNo * pageSize < page.totalCount && pageNo < MAX_PAGE_NO && records.length > 0;
  const cursorAfter = (consumed: number) =>
    consumed < records.length ? encodePageCursor(filter, pageNo, pageSize, consumed) : hasNextPage ? encodePageCursor(filter, pageNo + 1, pageSize, 0) : null;

  let consumed = Math.min(skip, records.length);
  while (consumed < records.length) {
    const record = records[consumed] as NormalizedCallRecord;
    if (!budget.tryAdd([record], cursorAfter(consumed + 1))) {
      if (budget.count === 0) throw recordTooLargeError(budget.measure(record), deps.maxResponseBytes);
      break;
    }
    consumed++;
  }
  return finish(budget, framing, cursorAfter(consumed), page.requestId);
}

async function runWalk(plan: Extract<QueryPlan, { kind: 'walk' }>, format: RecordFormat, calls: CallBudget, deps: RunQueryDeps): Promise<QueryOutcome> {
  const { filter, window } = plan;
  const framing: Framing = { pageNo: plan.sequence, pageSize: WALK_PAGE_SIZE, totalCount: plan.totalCount ?? 0, requestId: undefined };
  const budget = budgetFor(format, deps.maxResponseBytes, plan.limit ?? MAX_AUTO_PAGINATION_RECORDS, framing);
  const cursorFor = (position: Parameters<typeof encodeWalkCursor>[1]) => encodeWalkCursor(filter, position, framing.totalCount, plan.sequence + 1);

  const outcome = await walkWindow(window, plan.position, {
    fetchPage: (range, pageNo) => {
      // An open end stays open on the wire: no QueryStartTime / QueryEndTime.
      const bounded: CursorFilter = { ...filter };
      delete bounded.startTime;
      delete bounded.endTime;
      if (range.from > 0) bounded.startTime = range.from;
      if (range.to < OPEN_END) bounded.endTime = range.to;
      const params = toWireParams(bounded, { pageNo, pageSize: WALK_PAGE_SIZE }, { timeUnit: deps.timeUnit });
      return deps.api.queryPage(params, { deadline: deps.deadline, signal: deps.signal, stats: deps.stats, limiter: calls });
    },
    normalize: normalizerFor(filter, deps),
    calls,
    budget,
    cursorFor,
    concurrency: deps.concurrency,
    now: deps.now,
    deadline: deps.deadline,
    ...(deps.maxRecordsPerFilter !== undefined ? { maxRecordsPerFilter: deps.maxRecordsPerFilter } : {}),
    onFirstPage: (page) => {
      framing.requestId = page.requestId;
      // A new walk's first slice is the whole window: its TotalCount is the walk's.
      if (plan.totalCount === undefined) framing.totalCount = page.totalCount;
    },
  });
  return finish(budget, framing, outcome.position ? cursorFor(outcome.position) : null, framing.requestId);
}

function finish(budget: ResponseBudget, framing: Framing, cursor: string | null, requestId: string | undefined): QueryOutcome {
  const { body, bytes } = budget.finish(cursor);
  return { body, bytes, records: budget.count, page: pageFacts(framing, cursor), requestId };
}
