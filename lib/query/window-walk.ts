import pMap from 'p-map';
import type { HotlinePage } from '../adapters/aiccs/hotline-api';
import type { NormalizedCallRecord } from '../contracts/call-record';
import { MAX_PAGE_NO, MAX_PAGE_SIZE } from '../contracts/query-filter';
import { CallBudgetExhaustedError, type CallBudget } from './call-budget';
import type { RecordKey, WalkBand, WalkPosition } from './cursor';
import { WindowTooDenseError } from '../errors';
import { recordTooLargeError, type ResponseBudget } from './response-budget';

const SECOND_MS = 1_000;

/** Half-open `[from, to)` in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

const isoUtc = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');

/**
 * Reads a time window completely across as many requests as it takes,
 * every record exactly once, without relying on the order HotlineSessionQuery
 * returns records in (UNCONFIRMED) and without a depth limit.
 *
 * How: the window is cut into time slices, newest first, each small enough
 * to be read whole (every page) within one request: at most 50,000 records
 * (the API's 1,000 pages × 50) and no more pages than the request's call
 * budget has left. A slice is read, de-duplicated by id, and sorted by our
 * own key (createTime, id), descending. Records are emitted in that order
 * until the response is full.
 *
 * The position between requests is where emission stopped:
 * - `to`: everything the API places at or after `to` has been returned;
 * - `bands`: when a response ended inside a slice `[from, to)`, a band
 *   `{from, key}` says that of the records the API places in `[from, to)`,
 *   those with a key ≥ `key` were returned. The next request reads the same
 *   slice again and keeps only keys below. Bands nest when a resumed slice
 *   itself had to be split; the innermost applies.
 * So no record is returned twice, whatever order the API pages in, and a
 * record present for the whole walk is returned once. Records that arrive
 * while a walk runs are returned when they land in the part of the window
 * not yet read (below `to`, or below the band key), and not otherwise.
 *
 * Slices are cut at whole seconds (record times are whole seconds), the
 * same splitting the export uses. A slice that changes while its pages are
 * read (TotalCount moves) is read again.
 */

/** The upper bound of a window without endTime: 10000-01-01, past any accepted time. */
export const OPEN_END = 253_402_300_800_000;
/** Records a slice aims at: big enough to keep probes rare, small enough that cutting one wastes little. */
export const STANDARD_SLICE_RECORDS = 1_500;
/** Upstream page size of a walk. */
export const WALK_PAGE_SIZE = MAX_PAGE_SIZE;
/** Reads of one slice before its result is taken as is (records keep arriving into it). */
const MAX_SLICE_READS = 3;
/** No new slice is started this close to the function's deadline. */
const DEADLINE_RESERVE_MS = 1_500;

export interface WalkWindow {
  /** Inclusive lower bound, epoch ms (0 = unbounded). */
  from: number;
  /** Exclusive upper bound, epoch ms ({@link OPEN_END} = unbounded). */
  to: number;
}

export interface WalkDeps {
  /** Page `pageNo` (PageSize 50) of the filter restricted to `range`. */
  fetchPage(range: TimeRange, pageNo: number): Promise<HotlinePage>;
  /** Raw page records, normalized (and masked) as they are returned. */
  normalize(page: HotlinePage): NormalizedCallRecord[];
  calls: CallBudget;
  budget: ResponseBudget;
  /** The cursor that resumes at `position`. */
  cursorFor(position: WalkPosition): string;
  concurrency: number;
  now: () => number;
  /** Epoch ms; no slice starts this close to it. */
  deadline: number;
  /** Largest TotalCount one filter may have (tests lower it). */
  maxRecordsPerFilter?: number;
  /** Sees the first page this request reads (its TotalCount and RequestId frame the response). */
  onFirstPage?: (page: HotlinePage) => void;
}

export interface WalkOutcome {
  /** Where to resume; undefined when the window is done. */
  position: WalkPosition | undefined;
  slicesRead: number;
  /** Why the response ended before the window did. */
  stoppedBy?: 'records' | 'bytes' | 'calls' | 'deadline';
}

/** The position of a walk that has not started. */
export function startPosition(window: WalkWindow): WalkPosition {
  return { to: window.to, bands: [], width: Math.max(SECOND_MS, window.to - window.from) };
}

/**
 * Emits records of `window` from `start` on into `deps.budget` until the
 * window is done or the response is full (records, bytes, upstream calls or
 * time).
 * @throws WindowTooDenseError when one second holds more records than a request can read
 * @throws AppError/upstream errors from fetchPage, except call-budget exhaustion (which ends the response)
 */
export async function walkWindow(window: WalkWindow, start: WalkPosition, deps: WalkDeps): Promise<WalkOutcome> {
  let position = start;
  let slicesRead = 0;
  let firstSeen = false;
  let known: KnownCount | undefined;
  const fetch = async (range: TimeRange, pageNo: number) => {
    const page = await deps.fetchPage(range, pageNo);
    if (!firstSeen) {
      firstSeen = true;
      deps.onFirstPage?.(page);
    }
    return page;
  };
  const outcome = (stoppedBy?: WalkOutcome['stoppedBy']): WalkOutcome => ({
    position: position.to > window.from ? position : undefined,
    slicesRead,
    ...(stoppedBy && position.to > window.from ? { stoppedBy } : {}),
  });

  try {
    while (position.to > window.from) {
      if (deps.now() >= deps.deadline - DEADLINE_RESERVE_MS) return outcome('deadline');
      const slice = await chooseAndReadSlice(window, position, known, deps, fetch);
      if ('stop' in slice) {
        position = { ...position, width: slice.width };
        return outcome(deps.calls.remaining() < 1 ? 'calls' : 'bytes');
      }
      slicesRead++;
      // What is left of the last too-big probe below this slice, e.g. [from, slice.from) after [from, to) held too many.
      known = slice.tooBig && slice.tooBig.from < slice.range.from ? { from: slice.tooBig.from, count: slice.tooBig.count - slice.totalCount } : undefined;

      const innermost = position.bands.at(-1);
      const fresh =
        innermost !== undefined && slice.range.from >= innermost.from ? slice.records.filter((record) => compareKeys(keyOf(record), innermost.key) < 0) : slice.records;
      const outer = position.bands.filter((band) => band.from < slice.range.from);
      const completed: WalkPosition = { to: slice.range.from, bands: outer, width: nextWidth(slice.range, slice.totalCount) };
      const groups = groupByKey(fresh);
      for (let i = 0; i < groups.length; i++) {
        const group = groups[i] as NormalizedCallRecord[];
        const isLast = i === groups.length - 1;
        const after: WalkPosition = isLast
          ? completed
          : {
              to: slice.range.to,
              bands: [...outer, { from: slice.range.from, key: keyOf(group[0] as NormalizedCallRecord) }],
              width: Math.max(SECOND_MS, slice.range.to - slice.range.from),
            };
        const done = isLast && after.to <= window.from;
        if (!deps.budget.tryAdd(group, done ? null : deps.cursorFor(after))) {
          if (deps.budget.count === 0) throw recordTooLargeError(deps.budget.measure(group[0] as NormalizedCallRecord), deps.budget.roomBytes());
          return outcome(deps.budget.roomRecords() < group.length ? 'records' : 'bytes');
        }
        position = after;
      }
      if (groups.length === 0) position = completed;
    }
  } catch (error) {
    if (error instanceof CallBudgetExhaustedError) return outcome('calls');
    throw error;
  }
  return outcome();
}

interface SliceRead {
  range: TimeRange;
  totalCount: number;
  /** De-duplicated by id, sorted by key descending. */
  records: NormalizedCallRecord[];
  /** The smallest range probed before `range` that held too many records (same `to`), if any. */
  tooBig?: KnownCount;
}

/** A range `[from, to)` below the walk's position whose record count is known from a probe. */
interface KnownCount {
  from: number;
  count: number;
}

/**
 * Picks the next slice below `position.to` (never across the innermost band's
 * lower bound), shrinks it until it fits what this request can still read,
 * and reads it whole. `stop` when the request should end here instead.
 * `known` is what earlier probes of this request say about the records below
 * `position.to`; it spares probes.
 */
async function chooseAndReadSlice(
  window: WalkWindow,
  position: WalkPosition,
  known: KnownCount | undefined,
  deps: WalkDeps,
  fetch: (range: TimeRange, pageNo: number) => Promise<HotlinePage>,
): Promise<SliceRead | { stop: true; width: number }> {
  const cap = deps.maxRecordsPerFilter ?? MAX_PAGE_NO * MAX_PAGE_SIZE;
  const floor = Math.max(window.from, position.bands.at(-1)?.from ?? window.from);
  const to = position.to;
  let range: TimeRange = { from: Math.max(floor, to - position.width), to };
  let tooBig: KnownCount | undefined;
  if (known !== undefined && known.from >= floor && known.from < to && known.count > 0) {
    const target = targetRecords(deps, cap, recordsRoom(deps.budget, []));
    if (known.count <= target) range = { from: known.from, to };
    else {
      range = { from: cutBelow(known.from, to, to, target, known.count), to };
      tooBig = known;
    }
  }
  // Every range tried keeps `to`; stopping hands its width to the next request, so probes are not repeated.
  const stop = () => ({ stop: true as const, width: Math.max(SECOND_MS, range.to - range.from) });
  for (let reads = 0; ; ) {
    if (deps.calls.remaining() < 1) return stop();
    if (deps.budget.count > 0 && recordsRoom(deps.budget, []) < 1) return stop();
    const first = await fetch(range, 1);
    const firstRecords = deps.normalize(first);
    const total = first.totalCount;
    const pages = Math.ceil(total / WALK_PAGE_SIZE);
    const callsLeft = deps.calls.remaining();
    const room = recordsRoom(deps.budget, firstRecords);
    const fitsApi = total <= cap;
    const fitsCalls = pages - 1 <= callsLeft;
    const fitsRoom = total <= Math.max(WALK_PAGE_SIZE, Math.ceil(room * 1.25));
    const canShrink = range.to - range.from > SECOND_MS;

    if (fitsApi && fitsCalls && (fitsRoom || !canShrink)) {
      const read = await readRest(range, first, firstRecords, pages, deps, fetch);
      reads++;
      if (read.consistent || reads >= MAX_SLICE_READS) {
        return { range, totalCount: total, records: sortByKeyDescending(dedupeById(read.records)), ...(tooBig ? { tooBig } : {}) };
      }
      continue;
    }
    if (!canShrink) {
      // One second cannot be split. A request that starts with it (one probe, then its pages) can read it if the budget allows.
      const budgetTotal = deps.calls.used + callsLeft;
      if (fitsApi && pages <= budgetTotal) return stop();
      throw new WindowTooDenseError(isoUtc(range.from), total, fitsApi ? WALK_PAGE_SIZE * budgetTotal : cap);
    }
    if (callsLeft < 1) return stop();
    tooBig = { from: range.from, count: total };
    // Records sit at or below the newest one the probe saw: the estimate starts there, not at `to`.
    const newest = Math.max(range.from, ...firstRecords.map((record) => keyOf(record)[0] ?? range.from));
    const top = Math.min(range.to, ceilToSecond(newest + 1));
    range = { from: cutBelow(range.from, range.to, top, targetRecords(deps, cap, room), total), to: range.to };
  }
}

/** Records the next slice should hold: what fits this response and its remaining calls, at most STANDARD_SLICE_RECORDS. */
function targetRecords(deps: WalkDeps, cap: number, room: number): number {
  return Math.max(WALK_PAGE_SIZE, Math.min(STANDARD_SLICE_RECORDS, room, WALK_PAGE_SIZE * Math.max(1, deps.calls.remaining()), cap));
}

/**
 * A whole-second cut `m` in `(from, to)` such that `[m, to)` should hold
 * about `target` of the `count` records in `[from, top)` (assuming an even
 * spread below `top`, the newest record seen), with a margin.
 */
function cutBelow(from: number, to: number, top: number, target: number, count: number): number {
  const estimate = top - ((top - from) * target * 0.8) / Math.max(count, 1);
  const lowest = ceilToSecond(from + 1);
  const highest = ceilToSecond(to - SECOND_MS);
  return Math.min(Math.max(ceilToSecond(estimate), lowest), Math.max(highest, lowest));
}

/** Reads pages 2..pages of a slice; inconsistent when TotalCount moved meanwhile or records are missing. */
async function readRest(
  range: TimeRange,
  first: HotlinePage,
  firstRecords: NormalizedCallRecord[],
  pages: number,
  deps: WalkDeps,
  fetch: (range: TimeRange, pageNo: number) => Promise<HotlinePage>,
): Promise<{ records: NormalizedCallRecord[]; consistent: boolean }> {
  const pageNos = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => i + 2);
  const rest = await pMap(pageNos, (pageNo) => fetch(range, pageNo), { concurrency: deps.concurrency });
  const records = [...firstRecords];
  let consistent = true;
  for (const page of rest) {
    if (page.totalCount !== first.totalCount) consistent = false;
    records.push(...deps.normalize(page));
  }
  if (consistent && countDistinct(records) < first.totalCount) consistent = false;
  return { records, consistent };
}

/** Records this response can still take, estimated from the sizes seen so far (or of the probe page). */
function recordsRoom(budget: ResponseBudget, sample: readonly NormalizedCallRecord[]): number {
  let average = budget.count > 0 ? budget.recordBytes / budget.count : 0;
  if (average === 0 && sample.length > 0) average = sample.reduce((sum, record) => sum + budget.measure(record), 0) / sample.length;
  const byBytes = average > 0 ? Math.floor(budget.roomBytes() / average) : Number.MAX_SAFE_INTEGER;
  return Math.min(budget.roomRecords(), byBytes);
}

/** The width to try next: what would have held STANDARD_SLICE_RECORDS at this slice's density, within 4× either way. */
function nextWidth(range: TimeRange, total: number): number {
  const width = range.to - range.from;
  if (total === 0) return Math.max(SECOND_MS, width * 4);
  const wanted = (width * STANDARD_SLICE_RECORDS) / total;
  return Math.max(SECOND_MS, Math.round(Math.min(width * 4, Math.max(width / 4, wanted))));
}

const ceilToSecond = (epochMs: number) => Math.ceil(epochMs / SECOND_MS) * SECOND_MS;

/** The walk's own record order: createTime (missing = oldest), then id (missing = lowest). */
export function keyOf(record: NormalizedCallRecord): RecordKey {
  const time = record.createTime === null ? Number.NaN : Date.parse(record.createTime);
  return [Number.isNaN(time) ? null : time, record.id];
}

export function compareKeys(a: RecordKey, b: RecordKey): number {
  const [timeA, idA] = a;
  const [timeB, idB] = b;
  if (timeA !== timeB) return timeA === null ? -1 : timeB === null ? 1 : timeA - timeB;
  if (idA === idB) return 0;
  if (idA === null) return -1;
  if (idB === null) return 1;
  return idA < idB ? -1 : 1;
}

function sortByKeyDescending(records: NormalizedCallRecord[]): NormalizedCallRecord[] {
  const keyed = records.map((record) => ({ record, key: keyOf(record) }));
  keyed.sort((a, b) => compareKeys(b.key, a.key));
  return keyed.map((entry) => entry.record);
}

/** Pages shift when records arrive mid-read: one record may come twice. Records without an id cannot be matched and are kept. */
function dedupeById(records: readonly NormalizedCallRecord[]): NormalizedCallRecord[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    if (record.id === null) return true;
    if (seen.has(record.id)) return false;
    seen.add(record.id);
    return true;
  });
}

function countDistinct(records: readonly NormalizedCallRecord[]): number {
  const ids = new Set<string>();
  let anonymous = 0;
  for (const record of records) {
    if (record.id === null) anonymous++;
    else ids.add(record.id);
  }
  return ids.size + anonymous;
}

/** Runs of equal keys (only records without an id can tie): a response never ends inside one. */
function groupByKey(records: readonly NormalizedCallRecord[]): NormalizedCallRecord[][] {
  const groups: NormalizedCallRecord[][] = [];
  let previous: RecordKey | undefined;
  for (const record of records) {
    const key = keyOf(record);
    const last = groups.at(-1);
    if (last !== undefined && previous !== undefined && compareKeys(key, previous) === 0) last.push(record);
    else groups.push([record]);
    previous = key;
  }
  return groups;
}

export type { WalkBand };
