/**
 * In-memory call records per AICCS instance, sorted newest first so a time
 * window is two binary searches and a page is a slice.
 */
import type { RawCallRecord } from './dataset';
import { buildPostingLists, countPostings, lookupPostings } from './posting-lists';
import type { PostingLists } from './posting-lists';
import { compileConditions, filterCacheKey } from './record-filter';
import type { Condition, FilterField, RecordFilter, TimeBounds } from './record-filter';
import { lowerBound, mergeShelves, sortNewestFirst, timeWindow } from './shelf';
import type { Shelf } from './shelf';

/** A filter plus offset paging (both 1-based, positive integers). */
export interface RecordQuery extends RecordFilter {
  PageNo: number;
  PageSize: number;
}

/** Options of {@link RecordStore.query}. */
export interface RecordQueryOptions {
  /** Default `inclusive`: both QueryStartTime and QueryEndTime include their instant. */
  timeBounds?: TimeBounds;
}

/** Fields to set on existing records; Id and CreateTime identify a record and never change. */
export type RecordChanges = { readonly [K in Exclude<keyof RawCallRecord, 'Id' | 'CreateTime'>]?: RawCallRecord[K] | undefined };

/** Matching record count and the requested page. */
export interface RecordQueryResult {
  total: number;
  page: RawCallRecord[];
}

/**
 * Match positions are cached per instance and non-time filter, so a client
 * paging through one filter, or splitting a long range into many windows
 * with the same filter, scans the store once. The budget bounds memory at
 * 4 bytes per cached position.
 */
const POSITION_CACHE_BUDGET = 16_000_000;
const POSITION_CACHE_ENTRIES = 64;

/**
 * Records per instance id. Safe to {@link add} to while the emulator serves
 * requests (everything is synchronous), which tests use to simulate records
 * arriving between two pages.
 */
export class RecordStore {
  readonly #shelves = new Map<string, Shelf>();
  /** Ascending positions (into the shelf) of records matching a filter; LRU order. */
  readonly #positionCache = new Map<string, Uint32Array>();
  #cachedPositions = 0;

  /**
   * Add records to an instance, creating the instance if needed (an empty
   * array just registers it, so it exists but holds nothing). Ids are assumed
   * unique; the store does not deduplicate.
   *
   * @throws RangeError when a record's CreateTime is not `yyyy-MM-dd HH:mm:ss`.
   */
  add(instanceId: string, records: readonly RawCallRecord[]): void {
    const incoming = sortNewestFirst(records);
    const existing = this.#shelves.get(instanceId);
    this.#shelves.set(instanceId, existing === undefined ? incoming : mergeShelves(existing, incoming));
    // Positions of this instance shifted: its cached indexes are stale.
    this.#forgetPositions(instanceId);
  }

  /**
   * Records of an instance with CreateTime in [from, to) (epoch ms), newest first.
   * Empty when the instance is unknown.
   */
  between(instanceId: string, from: number, to: number): RawCallRecord[] {
    const shelf = this.#shelves.get(instanceId);
    if (shelf === undefined) return [];
    const [lo, hi] = timeWindow(shelf.times, { QueryStartTime: from, QueryEndTime: to }, 'exclusive-end');
    return shelf.records.slice(lo, hi);
  }

  /**
   * Replace fields of the records whose Id is in `ids` (a record changed after
   * the call, e.g. its satisfaction score). Id and CreateTime cannot change,
   * so the records keep their place; indexes over the changed fields are rebuilt
   * on next use.
   *
   * @returns how many records were changed.
   */
  update(instanceId: string, ids: ReadonlySet<string>, changes: RecordChanges): number {
    const shelf = this.#shelves.get(instanceId);
    if (shelf === undefined || ids.size === 0) return 0;
    // An absent field and one given as undefined both mean "leave as is".
    const fields = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<RawCallRecord>;
    let changed = 0;
    for (let i = 0; i < shelf.records.length; i++) {
      const record = shelf.records[i] as RawCallRecord;
      if (!ids.has(record.Id)) continue;
      // A new object: pages already served keep the values they were served with.
      shelf.records[i] = { ...record, ...fields, Id: record.Id, CreateTime: record.CreateTime };
      changed++;
    }
    for (const field of Object.keys(fields)) shelf.postings.delete(field as FilterField);
    this.#forgetPositions(instanceId);
    return changed;
  }

  /** Whether the instance exists (was ever passed to {@link add}). */
  has(instanceId: string): boolean {
    return this.#shelves.has(instanceId);
  }

  /** Number of records of an instance; 0 when it does not exist. */
  count(instanceId: string): number {
    return this.#shelves.get(instanceId)?.records.length ?? 0;
  }

  /** Instance ids in insertion order. */
  instanceIds(): string[] {
    return [...this.#shelves.keys()];
  }

  /** A copy of an instance's records, newest first; empty when unknown. */
  all(instanceId: string): RawCallRecord[] {
    return this.#shelves.get(instanceId)?.records.slice() ?? [];
  }

  /**
   * Filter, order (CreateTime desc, Id desc) and page an instance's records.
   * Unknown instances yield an empty result; the server reports NoTenantFound
   * before calling this.
   *
   * @throws RangeError when PageNo or PageSize is not a positive integer.
   */
  query(instanceId: string, query: RecordQuery, options: RecordQueryOptions = {}): RecordQueryResult {
    const { PageNo: pageNo, PageSize: pageSize } = query;
    if (!Number.isInteger(pageNo) || pageNo < 1) throw new RangeError(`Expected PageNo to be a positive integer, got ${String(pageNo)}`);
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`Expected PageSize to be a positive integer, got ${String(pageSize)}`);
    const shelf = this.#shelves.get(instanceId);
    if (shelf === undefined) return { total: 0, page: [] };

    const timeBounds = options.timeBounds ?? 'inclusive';
    const [lo, hi] = timeWindow(shelf.times, query, timeBounds);
    const offset = (pageNo - 1) * pageSize;
    const conditions = compileConditions(query);
    if (conditions.length === 0) {
      const start = Math.min(hi, lo + offset);
      return { total: hi - lo, page: shelf.records.slice(start, Math.min(hi, start + pageSize)) };
    }

    const key = `${instanceId}\u0000${filterCacheKey(query)}`;
    let positions = this.#positionCache.get(key);
    let first = 0;
    let end = 0;
    if (positions !== undefined) {
      this.#touch(key, positions);
    } else {
      // Start from the condition with the fewest candidates (via posting lists)…
      let best: Condition | undefined;
      let bestCount = Number.POSITIVE_INFINITY;
      for (const condition of conditions) {
        const count = countPostings(postingsOf(shelf, condition.field), condition.values);
        if (count < bestCount) [best, bestCount] = [condition, count];
      }
      if (best !== undefined && bestCount <= hi - lo) {
        const candidates = lookupPostings(postingsOf(shelf, best.field), best.values);
        const others = conditions.filter((condition) => condition !== best);
        positions = this.#remember(key, matchPositions(shelf.records, candidates, others));
      } else {
        // …unless the time window itself is smaller: scan just the window, uncached.
        positions = matchPositions(shelf.records, range(lo, hi), conditions);
      }
    }
    if (positions.length === 0 || ((positions[0] as number) >= lo && (positions[positions.length - 1] as number) < hi)) {
      end = positions.length;
    } else {
      first = lowerBound(positions, lo);
      end = lowerBound(positions, hi);
    }
    const page: RawCallRecord[] = [];
    for (let i = first + offset; i < end && page.length < pageSize; i++) {
      page.push(shelf.records[positions[i] as number] as RawCallRecord);
    }
    return { total: end - first, page };
  }

  /** Drop the cached match positions of one instance (its records moved or changed). */
  #forgetPositions(instanceId: string): void {
    for (const [key, positions] of this.#positionCache) {
      if (key.startsWith(`${instanceId}\u0000`)) {
        this.#positionCache.delete(key);
        this.#cachedPositions -= positions.length;
      }
    }
  }

  /** Cache an index, evicting least recently used ones beyond the budget. */
  #remember(key: string, positions: Uint32Array): Uint32Array {
    if (positions.length > POSITION_CACHE_BUDGET) return positions;
    while (this.#positionCache.size > 0 && (this.#cachedPositions + positions.length > POSITION_CACHE_BUDGET || this.#positionCache.size >= POSITION_CACHE_ENTRIES)) {
      const [oldestKey, oldest] = this.#positionCache.entries().next().value as [string, Uint32Array];
      this.#positionCache.delete(oldestKey);
      this.#cachedPositions -= oldest.length;
    }
    this.#positionCache.set(key, positions);
    this.#cachedPositions += positions.length;
    return positions;
  }

  /** Mark an index as most recently used (Map iteration order is LRU order). */
  #touch(key: string, positions: Uint32Array): void {
    if (this.#positionCache.get(key) !== positions) return;
    this.#positionCache.delete(key);
    this.#positionCache.set(key, positions);
  }
}

/** Posting lists of a field, built and kept on the shelf on first use. */
function postingsOf(shelf: Shelf, field: FilterField): PostingLists {
  let lists = shelf.postings.get(field);
  if (lists === undefined) {
    lists = buildPostingLists(shelf.records, field);
    shelf.postings.set(field, lists);
  }
  return lists;
}

/** Positions lo, lo+1, …, hi-1 without materializing an array. */
function* range(lo: number, hi: number): Iterable<number> {
  for (let i = lo; i < hi; i++) yield i;
}

/**
 * Candidate positions (ascending) whose record passes every condition.
 * Conditions run one at a time over the shrinking survivor list, which keeps
 * each loop simple and cheap.
 */
function matchPositions(records: readonly RawCallRecord[], candidates: Iterable<number>, conditions: readonly Condition[]): Uint32Array {
  let survivors: Iterable<number> = candidates;
  for (const { test } of conditions) {
    const next: number[] = [];
    for (const position of survivors) {
      if (test(records[position] as RawCallRecord)) next.push(position);
    }
    survivors = next;
  }
  return Uint32Array.from(survivors);
}
