import pMap from 'p-map';
import type { CallStats, HotlinePage, HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { toWireParams } from '../adapters/aiccs/wire-params';
import type { NormalizedCallRecord } from '../contracts/call-record';
import { MAX_AUTO_PAGINATION_RECORDS, MAX_PAGE_NO, MAX_PAGE_SIZE, type QueryFilter } from '../contracts/query-filter';
import { toUpstreamAppError } from '../errors';
import { normalizeRecords, type Anomalies } from '../records/normalize';

export const DEFAULT_PAGE_SIZE = 20;

export interface QueryResult {
  records: NormalizedCallRecord[];
  page: { pageNo: number; pageSize: number; totalCount: number; hasMore: boolean };
  requestId: string | undefined;
}

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
  /** PHONE_MASKING applied to every record returned. */
  mask?: (record: NormalizedCallRecord) => NormalizedCallRecord;
}

/**
 * Runs a validated filter against HotlineSessionQuery: one page, or with
 * `all` every page from `pageNo` on (concurrently, bounded) up to `limit`
 * records, in order, de-duplicated by id.
 * @throws AppError (upstream failures mapped by toUpstreamAppError)
 */
export async function runQuery(filter: QueryFilter & { instanceId: string }, deps: RunQueryDeps): Promise<QueryResult> {
  let result: QueryResult;
  try {
    result = filter.all ? await queryAllPages(filter, deps) : await queryOnePage(filter, deps);
  } catch (error) {
    throw toUpstreamAppError(error, { instanceId: filter.instanceId, caller: 'query' });
  }
  return deps.mask ? { ...result, records: result.records.map(deps.mask) } : result;
}

async function fetchPage(filter: QueryFilter & { instanceId: string }, pageNo: number, pageSize: number, deps: RunQueryDeps): Promise<HotlinePage> {
  const params = toWireParams(filter, { pageNo, pageSize }, { timeUnit: deps.timeUnit });
  return deps.api.queryPage(params, { deadline: deps.deadline, signal: deps.signal, stats: deps.stats });
}

async function queryOnePage(filter: QueryFilter & { instanceId: string }, deps: RunQueryDeps): Promise<QueryResult> {
  const pageNo = filter.pageNo ?? 1;
  const pageSize = filter.pageSize ?? DEFAULT_PAGE_SIZE;
  const page = await fetchPage(filter, pageNo, pageSize, deps);
  const records = normalizeRecords(page.records, { instanceId: filter.instanceId, sourceTimeZone: deps.sourceTimeZone }, deps.anomalies);
  const hasMore = pageNo * pageSize < page.totalCount && pageNo < MAX_PAGE_NO;
  return { records, page: { pageNo, pageSize, totalCount: page.totalCount, hasMore }, requestId: page.requestId };
}

async function queryAllPages(filter: QueryFilter & { instanceId: string }, deps: RunQueryDeps): Promise<QueryResult> {
  const firstPageNo = filter.pageNo ?? 1;
  const pageSize = filter.pageSize ?? MAX_PAGE_SIZE;
  const limit = filter.limit ?? MAX_AUTO_PAGINATION_RECORDS;
  const first = await fetchPage(filter, firstPageNo, pageSize, deps);
  const available = Math.max(0, first.totalCount - (firstPageNo - 1) * pageSize);
  const wanted = Math.min(available, limit);
  const lastPageNo = Math.min(MAX_PAGE_NO, firstPageNo + Math.ceil(wanted / pageSize) - 1);
  const rest: number[] = [];
  for (let pageNo = firstPageNo + 1; pageNo <= lastPageNo && first.records.length > 0; pageNo++) rest.push(pageNo);
  const pages = [first, ...(await pMap(rest, (pageNo) => fetchPage(filter, pageNo, pageSize, deps), { concurrency: deps.concurrency }))];

  const seen = new Set<string>();
  const records: NormalizedCallRecord[] = [];
  const options = { instanceId: filter.instanceId, sourceTimeZone: deps.sourceTimeZone };
  for (const page of pages) {
    for (const record of normalizeRecords(page.records, options, deps.anomalies)) {
      // Offset pages shift when calls arrive mid-read; the same record can show up on two pages.
      if (record.id !== null) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
      }
      if (records.length < limit) records.push(record);
    }
  }
  const consumed = (firstPageNo - 1) * pageSize + records.length;
  // True when truncated by `limit` or by the API's 1,000-page depth: narrow the time range to reach the rest.
  const hasMore = consumed < first.totalCount;
  return { records, page: { pageNo: firstPageNo, pageSize, totalCount: first.totalCount, hasMore }, requestId: first.requestId };
}
