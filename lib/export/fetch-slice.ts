import type { CallStats, HotlinePage, HotlineSessionApi } from '../clients/aiccs';
import { mapBounded } from '../concurrency';
import type { RateLimiter } from '../rate-limiter';
import type { NormalizedCallRecord } from '../records/call-record';
import { MAX_PAGE_NO, MAX_PAGE_SIZE, toWireParams } from '../records/filter';
import { normalizeRecords, type Anomalies } from '../records/normalize';
import { isoUtc, type TimeRange } from './windows';

/** HotlineSessionQuery reaches 1,000 pages × 50 records per filter; beyond that a slice must be split. */
export const MAX_RECORDS_PER_FILTER = MAX_PAGE_NO * MAX_PAGE_SIZE;

export interface SliceFetchDeps {
  api: HotlineSessionApi;
  instanceId: string;
  sourceTimeZone: string;
  timeUnit: 'ms' | 's';
  limiter: RateLimiter;
  concurrency: number;
  deadline: number;
  stats: CallStats;
  anomalies: Anomalies;
  /** Extra full passes when records moved during paging. */
  maxRefetches: number;
  /** Largest TotalCount one filter may have (tests lower it to exercise splitting). */
  maxRecordsPerFilter?: number;
  onRefetch?: (info: { range: TimeRange; expected: number; unique: number; recount: number }) => void;
}

export type SliceFetch =
  | { kind: 'complete'; records: NormalizedCallRecord[]; totalCount: number; pages: number; refetches: number }
  | { kind: 'too-large'; totalCount: number; pages: number };

/** The slice could not be read consistently: records kept moving between pages. */
export class IncompleteSliceError extends Error {
  override name = 'IncompleteSliceError';
  constructor(
    readonly range: TimeRange,
    readonly expected: number,
    readonly unique: number,
    readonly recount: number,
    readonly passes: number,
  ) {
    super(
      `Slice [${isoUtc(range.from)}, ${isoUtc(range.to)}) did not read consistently in ${passes} passes: TotalCount ${expected} at the start, ${recount} at the end, ${unique} unique records read`,
    );
  }
}

/**
 * Reads every record of `[from, to)`: the first page gives TotalCount, the
 * rest are fetched concurrently under the shared limiter, then records are
 * de-duplicated by id and the count is checked against TotalCount taken
 * again at the end. Offset pages shift when records arrive mid-read (one
 * record seen twice, another never), so a mismatch triggers a full re-read.
 */
export async function fetchSlice(range: TimeRange, deps: SliceFetchDeps): Promise<SliceFetch> {
  const cap = deps.maxRecordsPerFilter ?? MAX_RECORDS_PER_FILTER;
  let pagesRead = 0;
  let last = { expected: 0, unique: 0, recount: 0 };
  for (let pass = 0; pass <= deps.maxRefetches; pass++) {
    const first = await fetchPage(range, 1, MAX_PAGE_SIZE, deps);
    pagesRead++;
    if (first.totalCount > cap) return { kind: 'too-large', totalCount: first.totalCount, pages: pagesRead };

    const pageCount = Math.ceil(first.totalCount / MAX_PAGE_SIZE);
    const rest = Array.from({ length: Math.max(0, pageCount - 1) }, (_, i) => i + 2);
    const pages = [first, ...(await mapBounded(rest, deps.concurrency, (pageNo) => fetchPage(range, pageNo, MAX_PAGE_SIZE, deps)))];
    pagesRead += rest.length;

    const records = uniqueRecords(pages, deps);
    // PageSize 1: the cheapest way to read TotalCount again.
    const recount = (await fetchPage(range, 1, 1, deps)).totalCount;
    pagesRead++;
    if (records.length === first.totalCount && recount === first.totalCount) {
      return { kind: 'complete', records, totalCount: first.totalCount, pages: pagesRead, refetches: pass };
    }
    last = { expected: first.totalCount, unique: records.length, recount };
    if (recount > cap) return { kind: 'too-large', totalCount: recount, pages: pagesRead };
    deps.onRefetch?.({ range, ...last });
  }
  throw new IncompleteSliceError(range, last.expected, last.unique, last.recount, deps.maxRefetches + 1);
}

function fetchPage(range: TimeRange, pageNo: number, pageSize: number, deps: SliceFetchDeps): Promise<HotlinePage> {
  const params = toWireParams({ instanceId: deps.instanceId, startTime: range.from, endTime: range.to }, { pageNo, pageSize }, { timeUnit: deps.timeUnit });
  return deps.api.queryPage(params, { deadline: deps.deadline, stats: deps.stats, limiter: deps.limiter });
}

function uniqueRecords(pages: readonly HotlinePage[], deps: SliceFetchDeps): NormalizedCallRecord[] {
  const seen = new Set<string>();
  const records: NormalizedCallRecord[] = [];
  const options = { instanceId: deps.instanceId, sourceTimeZone: deps.sourceTimeZone };
  for (const page of pages) {
    for (const record of normalizeRecords(page.records, options, deps.anomalies)) {
      if (record.id !== null) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
      }
      records.push(record);
    }
  }
  return records;
}
