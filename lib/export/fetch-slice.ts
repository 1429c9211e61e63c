import { pMapIterable } from 'p-map';
import type { CallStats, HotlinePage, HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { toWireParams } from '../adapters/aiccs/wire-params';
import { MAX_PAGE_NO, MAX_PAGE_SIZE } from '../contracts/query-filter';
import { IncompleteSliceError, toUpstreamAppError } from '../errors';
import type { RateLimiter } from '../flow/rate-limiter';
import { normalizeRecords, type Anomalies } from '../records/normalize';
import type { DataFile } from './data-files';
import type { RecordFileWriter } from './output-formats';
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
  /** Epoch ms: no AICCS attempt starts after it. */
  deadline: number;
  /** Aborts the AICCS calls in flight at the deadline. */
  signal?: AbortSignal | undefined;
  stats: CallStats;
  anomalies: Anomalies;
  /** Extra full passes when records moved during paging. */
  maxRefetches: number;
  /** Largest TotalCount one filter may have (tests lower it to exercise splitting). */
  maxRecordsPerFilter?: number;
  /** A fresh writer for one pass over the slice (the output format's). */
  newWriter: () => RecordFileWriter;
  onRefetch?: (info: { range: TimeRange; expected: number; unique: number; recount: number }) => void;
}

export type SliceFetch =
  | { kind: 'complete'; files: DataFile[]; records: number; totalCount: number; pages: number; refetches: number }
  | { kind: 'too-large'; totalCount: number; pages: number };

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

    const writer = deps.newWriter();
    const seen = new Set<string>();
    const consume = async (page: HotlinePage) => {
      for (const record of normalizeRecords(page.records, { instanceId: deps.instanceId, sourceTimeZone: deps.sourceTimeZone }, deps.anomalies)) {
        if (record.id !== null) {
          if (seen.has(record.id)) continue;
          seen.add(record.id);
        }
        await writer.add(record);
      }
    };
    await consume(first);
    const pageCount = Math.ceil(first.totalCount / MAX_PAGE_SIZE);
    // In page order, at most `concurrency` in flight, and never more than 4× concurrency pages fetched ahead of the one being
    // written: a stalled page cannot make the buffer grow without bound.
    const rest = pMapIterable(pageNumbers(2, pageCount), (pageNo) => fetchPage(range, pageNo, MAX_PAGE_SIZE, deps), {
      concurrency: deps.concurrency,
      backpressure: deps.concurrency * 4,
    });
    for await (const page of rest) await consume(page);
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
  throw new IncompleteSliceError({ range: { from: isoUtc(range.from), to: isoUtc(range.to) }, ...last, passes: deps.maxRefetches + 1 });
}

function* pageNumbers(from: number, to: number): Generator<number> {
  for (let pageNo = from; pageNo <= to; pageNo++) yield pageNo;
}

/** One page; a failure (after the adapter's retries) becomes an upstream AppError whose advice names the export function. */
async function fetchPage(range: TimeRange, pageNo: number, pageSize: number, deps: SliceFetchDeps): Promise<HotlinePage> {
  const params = toWireParams({ instanceId: deps.instanceId, startTime: range.from, endTime: range.to }, { pageNo, pageSize }, { timeUnit: deps.timeUnit });
  try {
    return await deps.api.queryPage(params, { deadline: deps.deadline, signal: deps.signal, stats: deps.stats, limiter: deps.limiter });
  } catch (error) {
    throw toUpstreamAppError(error, { instanceId: deps.instanceId, caller: 'export' });
  }
}
