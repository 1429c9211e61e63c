/**
 * Posting lists (field value → ascending record positions), the inverted
 * index that lets a selective filter skip the full scan. A full scan of a
 * million records is memory-bound at about 20 ms, which would cap a store
 * of that size far below the API's 80 calls/s.
 */
import type { RawCallRecord } from './dataset';
import type { FilterField } from './record-filter';

/** Value (in its text form) → ascending positions of records holding it. */
export type PostingLists = ReadonlyMap<string, readonly number[]>;

/** Index one field of records sorted in store order. Null values are not indexed. */
export function buildPostingLists(records: readonly RawCallRecord[], field: FilterField): PostingLists {
  const lists = new Map<string, number[]>();
  for (let i = 0; i < records.length; i++) {
    const value = (records[i] as RawCallRecord)[field];
    if (value === null) continue;
    const key = typeof value === 'string' ? value : String(value);
    const list = lists.get(key);
    if (list === undefined) lists.set(key, [i]);
    else list.push(i);
  }
  return lists;
}

/** How many records hold any of `values` (values are distinct alternatives). */
export function countPostings(lists: PostingLists, values: readonly string[]): number {
  let total = 0;
  for (const value of new Set(values)) total += lists.get(value)?.length ?? 0;
  return total;
}

/** Ascending positions of records holding any of `values`. */
export function lookupPostings(lists: PostingLists, values: readonly string[]): readonly number[] {
  const distinct = [...new Set(values)];
  if (distinct.length === 1) return lists.get(distinct[0] as string) ?? [];
  const merged: number[] = [];
  for (const value of distinct) {
    const list = lists.get(value);
    if (list !== undefined) for (const position of list) merged.push(position);
  }
  // A record has one value per field, so the union has no duplicates.
  return merged.sort((a, b) => a - b);
}
