/**
 * Newest-first record arrays ("shelves") and the binary searches over them.
 * Order: CreateTime descending, then Id descending, so every page is
 * deterministic even when many calls share a second.
 */
import type { RawCallRecord } from './dataset';
import type { PostingLists } from './posting-lists';
import type { FilterField, RecordFilter, TimeBounds } from './record-filter';
import { parseShanghaiTime } from './time';

/** One instance's records in store order, with parallel CreateTime values. */
export interface Shelf {
  /** Sorted by CreateTime descending, then Id descending. */
  records: RawCallRecord[];
  /** CreateTime in epoch ms, parallel to `records`. */
  times: Float64Array;
  /** Posting lists per field, built on first use; a new shelf starts without any. */
  postings: Map<FilterField, PostingLists>;
}

/** First index of an ascending array whose value is >= target. */
export function lowerBound(sorted: Uint32Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index range [lo, hi) of records inside the query's time window, given
 * `times` sorted descending.
 */
export function timeWindow(times: Float64Array, filter: RecordFilter, bounds: TimeBounds): [number, number] {
  const { QueryStartTime: start, QueryEndTime: end } = filter;
  // Newest records come first, so the end bound sets `lo` and the start `hi`.
  const lo = end === undefined ? 0 : bounds === 'inclusive' ? firstIndex(times, (t) => t <= end) : firstIndex(times, (t) => t < end);
  const hi = start === undefined ? times.length : firstIndex(times, (t) => t < start);
  return [lo, Math.max(lo, hi)];
}

/** First index whose time satisfies `test`, which must be monotone (false… then true…). */
function firstIndex(times: Float64Array, test: (time: number) => boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(times[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** True when record a sorts before record b (newer, or same second and greater Id). */
function comesBefore(timeA: number, idA: string, timeB: number, idB: string): boolean {
  return timeA > timeB || (timeA === timeB && idA > idB);
}

/**
 * Sort records into a new shelf.
 *
 * @throws RangeError naming the record whose CreateTime is malformed.
 */
export function sortNewestFirst(records: readonly RawCallRecord[]): Shelf {
  const times = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as RawCallRecord;
    try {
      times[i] = parseShanghaiTime(record.CreateTime);
    } catch (error) {
      throw new RangeError(`Record ${JSON.stringify(record.Id)} has an invalid CreateTime`, { cause: error });
    }
  }
  const order = Array.from({ length: records.length }, (_, i) => i);
  order.sort((a, b) => {
    const ta = times[a] as number;
    const tb = times[b] as number;
    if (ta !== tb) return tb - ta;
    const ia = (records[a] as RawCallRecord).Id;
    const ib = (records[b] as RawCallRecord).Id;
    return ia < ib ? 1 : ia > ib ? -1 : 0;
  });
  const sortedTimes = new Float64Array(records.length);
  const sortedRecords = new Array<RawCallRecord>(records.length);
  for (let i = 0; i < order.length; i++) {
    const from = order[i] as number;
    sortedTimes[i] = times[from] as number;
    sortedRecords[i] = records[from] as RawCallRecord;
  }
  return { records: sortedRecords, times: sortedTimes, postings: new Map() };
}

/** Linear merge of two newest-first shelves. */
export function mergeShelves(left: Shelf, right: Shelf): Shelf {
  const total = left.records.length + right.records.length;
  const records = new Array<RawCallRecord>(total);
  const times = new Float64Array(total);
  let i = 0;
  let j = 0;
  for (let k = 0; k < total; k++) {
    const takeLeft =
      j >= right.records.length ||
      (i < left.records.length &&
        comesBefore(left.times[i] as number, (left.records[i] as RawCallRecord).Id, right.times[j] as number, (right.records[j] as RawCallRecord).Id));
    if (takeLeft) {
      records[k] = left.records[i] as RawCallRecord;
      times[k] = left.times[i] as number;
      i++;
    } else {
      records[k] = right.records[j] as RawCallRecord;
      times[k] = right.times[j] as number;
      j++;
    }
  }
  return { records, times, postings: new Map() };
}
