import type { CallStats, HotlinePage, HotlineSessionApi } from '../clients/aiccs';
import type { RateLimiter } from '../rate-limiter';
import type { NormalizedCallRecord } from '../records/call-record';
import { MAX_PAGE_NO, MAX_PAGE_SIZE, toWireParams } from '../records/filter';
import { normalizeRecords, type Anomalies } from '../records/normalize';
import { createDataFileWriter, type DataFile, type FileLimits } from './data-files';
import type { ExportFormat } from './object-keys';
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
  format: ExportFormat;
  fileLimits: FileLimits;
  /** The export line of a record. */
  serialize: (record: NormalizedCallRecord) => string;
  onRefetch?: (info: { range: TimeRange; expected: number; unique: number; recount: number }) => void;
}

export type SliceFetch =
  | { kind: 'complete'; files: DataFile[]; records: number; totalCount: number; pages: number; refetches: number }
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
 * Reads every record of `[from, to)` into gzip data files: the first page
 * gives TotalCount, the rest are fetched concurrently under the shared
 * limiter. Pages are normalized as they arrive and written strictly in page
 * order (the API's order, so reruns give identical files), de-duplicated by
 * id; only compressed bytes are kept. The count must then equal TotalCount
 * taken again at the end. Offset pages shift when records arrive mid-read
 * (one record seen twice, another never), so a mismatch means a full re-read.
 */
export async function fetchSlice(range: TimeRange, deps: SliceFetchDeps): Promise<SliceFetch> {
  const cap = deps.maxRecordsPerFilter ?? MAX_RECORDS_PER_FILTER;
  let pagesRead = 0;
  let last = { expected: 0, unique: 0, recount: 0 };
  for (let pass = 0; pass <= deps.maxRefetches; pass++) {
    const first = await fetchPage(range, 1, MAX_PAGE_SIZE, deps);
    pagesRead++;
    if (first.totalCount > cap) return { kind: 'too-large', totalCount: first.totalCount, pages: pagesRead };

    const writer = createDataFileWriter(deps.format, deps.fileLimits);
    const seen = new Set<string>();
    const consume = async (page: HotlinePage) => {
      for (const record of normalizeRecords(page.records, { instanceId: deps.instanceId, sourceTimeZone: deps.sourceTimeZone }, deps.anomalies)) {
        if (record.id !== null) {
          if (seen.has(record.id)) continue;
          seen.add(record.id);
        }
        await writer.add(deps.serialize(record));
      }
    };
    await consume(first);
    const pageCount = Math.ceil(first.totalCount / MAX_PAGE_SIZE);
    await fetchInOrder(2, pageCount, (pageNo) => fetchPage(range, pageNo, MAX_PAGE_SIZE, deps), consume, deps.concurrency);
    pagesRead += Math.max(0, pageCount - 1);
    const files = await writer.finish();

    // PageSize 1: the cheapest way to read TotalCount again.
    const recount = (await fetchPage(range, 1, 1, deps)).totalCount;
    pagesRead++;
    if (writer.records === first.totalCount && recount === first.totalCount) {
      return { kind: 'complete', files, records: writer.records, totalCount: first.totalCount, pages: pagesRead, refetches: pass };
    }
    last = { expected: first.totalCount, unique: writer.records, recount };
    if (recount > cap) return { kind: 'too-large', totalCount: recount, pages: pagesRead };
    deps.onRefetch?.({ range, ...last });
  }
  throw new IncompleteSliceError(range, last.expected, last.unique, last.recount, deps.maxRefetches + 1);
}

/**
 * Fetches pages `from..to` with at most `concurrency` in flight and hands
 * them to `consume` strictly in order. A page that finishes early waits;
 * no page more than 4× concurrency ahead of the oldest unconsumed one is
 * started, so a stalled page cannot make the buffer grow without bound.
 */
async function fetchInOrder(
  from: number,
  to: number,
  fetch: (pageNo: number) => Promise<HotlinePage>,
  consume: (page: HotlinePage) => Promise<void>,
  concurrency: number,
): Promise<void> {
  if (to < from) return;
  const window = Math.max(1, concurrency) * 4;
  const done = new Map<number, HotlinePage>();
  let nextToStart = from;
  let nextToConsume = from;
  let failure: unknown;
  // Workers and the consumer all wait on "something changed"; every change wakes everyone.
  const waiters: Array<() => void> = [];
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  const signal = () => {
    for (const resolve of waiters.splice(0)) resolve();
  };
  const worker = async () => {
    while (failure === undefined && nextToStart <= to) {
      if (nextToStart - nextToConsume >= window) {
        await changed();
        continue;
      }
      const pageNo = nextToStart++;
      try {
        done.set(pageNo, await fetch(pageNo));
      } catch (error) {
        failure ??= error;
      }
      signal();
    }
  };
  const consumer = async () => {
    while (nextToConsume <= to) {
      if (failure !== undefined) return;
      const page = done.get(nextToConsume);
      if (!page) {
        await changed();
        continue;
      }
      done.delete(nextToConsume);
      nextToConsume++;
      signal();
      try {
        await consume(page);
      } catch (error) {
        failure ??= error;
        signal();
        return;
      }
    }
  };
  await Promise.all([...Array.from({ length: Math.min(concurrency, to - from + 1) }, worker), consumer()]);
  if (failure !== undefined) throw failure;
}

function fetchPage(range: TimeRange, pageNo: number, pageSize: number, deps: SliceFetchDeps): Promise<HotlinePage> {
  const params = toWireParams({ instanceId: deps.instanceId, startTime: range.from, endTime: range.to }, { pageNo, pageSize }, { timeUnit: deps.timeUnit });
  return deps.api.queryPage(params, { deadline: deps.deadline, stats: deps.stats, limiter: deps.limiter });
}
