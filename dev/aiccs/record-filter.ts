/**
 * HotlineSessionQuery filter semantics, kept apart from storage so they can be
 * read (and tested) on their own: AND across fields, OR within a list, and a
 * field given both singly and as a list must satisfy both.
 */
import type { RawCallRecord } from './dataset';

/**
 * Record filter using the request's wire names. Lists are already rebuilt
 * from `XxxList.N` keys; an empty list is treated as "not given" because the
 * wire cannot express an empty repeat-list.
 */
export interface RecordFilter {
  Id?: string;
  Acid?: string;
  AcidList?: readonly string[];
  CallType?: number;
  CallTypeList?: readonly number[];
  CalledNumber?: string;
  CalledNumberList?: readonly string[];
  CallingNumber?: string;
  CallingNumberList?: readonly string[];
  /** Decimal integer string (int64 may exceed 2^53). */
  GroupId?: string;
  GroupIdList?: readonly string[];
  GroupName?: string;
  MemberId?: string;
  MemberIdList?: readonly string[];
  MemberName?: string;
  ServicerId?: string;
  ServicerIdList?: readonly string[];
  ServicerName?: string;
  CallResult?: string;
  CallResultList?: readonly string[];
  /** Epoch ms, compared with CreateTime; inclusive. */
  QueryStartTime?: number;
  /** Epoch ms, compared with CreateTime; inclusive unless `exclusive-end`. */
  QueryEndTime?: number;
}

/** Whether `QueryEndTime` includes records created exactly at that instant. */
export type TimeBounds = 'inclusive' | 'exclusive-end';

/** Record fields a HotlineSessionQuery filter can constrain (besides CreateTime). */
export type FilterField =
  | 'Id'
  | 'Acid'
  | 'CallType'
  | 'CallResult'
  | 'CallingNumber'
  | 'CalledNumber'
  | 'GroupId'
  | 'GroupName'
  | 'MemberId'
  | 'MemberName'
  | 'ServicerId'
  | 'ServicerName';

/**
 * One condition "record[field] is one of values". Values are the field's
 * text form (CallType as `"2"`, GroupId canonical), which is also the key of
 * the store's posting lists; `test` checks a record directly.
 */
export interface Condition {
  field: FilterField;
  values: readonly string[];
  test: (record: RawCallRecord) => boolean;
}

/** Single-value and list filters of string fields, with the field each matches. */
const STRING_FILTERS = [
  ['Id', 'Id'],
  ['Acid', 'Acid'],
  ['AcidList', 'Acid'],
  ['CallResult', 'CallResult'],
  ['CallResultList', 'CallResult'],
  ['CallingNumber', 'CallingNumber'],
  ['CallingNumberList', 'CallingNumber'],
  ['CalledNumber', 'CalledNumber'],
  ['CalledNumberList', 'CalledNumber'],
  ['GroupName', 'GroupName'],
  ['MemberId', 'MemberId'],
  ['MemberIdList', 'MemberId'],
  ['MemberName', 'MemberName'],
  ['ServicerId', 'ServicerId'],
  ['ServicerIdList', 'ServicerId'],
  ['ServicerName', 'ServicerName'],
] as const satisfies readonly (readonly [keyof RecordFilter, FilterField])[];

/** Filter keys in a fixed order, used to build stable cache keys. */
const NON_TIME_KEYS = [...STRING_FILTERS.map(([key]) => key), 'CallType', 'CallTypeList', 'GroupId', 'GroupIdList'] as const satisfies readonly (keyof RecordFilter)[];

/**
 * Compile the non-time part of a filter into conditions that must all hold
 * (AND). A list is one condition whose values are alternatives (OR); a
 * field given both singly and as a list yields two conditions. Empty lists
 * are dropped.
 *
 * @returns an empty array when only the time window constrains the query.
 */
export function compileConditions(filter: RecordFilter): Condition[] {
  const conditions: Condition[] = [];
  for (const [key, field] of STRING_FILTERS) {
    const given = filter[key];
    if (given === undefined) continue;
    const values: readonly string[] = typeof given === 'string' ? [given] : given;
    if (values.length === 0) continue;
    if (values.length === 1) {
      const wanted = values[0];
      conditions.push({ field, values, test: (r) => r[field] === wanted });
    } else {
      const allowed = new Set(values);
      conditions.push({ field, values, test: (r) => r[field] !== null && allowed.has(r[field]) });
    }
  }
  for (const callTypes of [filter.CallType === undefined ? undefined : [filter.CallType], filter.CallTypeList]) {
    if (callTypes === undefined || callTypes.length === 0) continue;
    const allowed = new Set(callTypes);
    conditions.push({ field: 'CallType', values: callTypes.map(String), test: (r) => allowed.has(r.CallType) });
  }
  for (const groupIds of [filter.GroupId === undefined ? undefined : [filter.GroupId], filter.GroupIdList]) {
    if (groupIds === undefined || groupIds.length === 0) continue;
    const values = groupIds.map(canonicalInteger);
    const allowed = new Set(values);
    conditions.push({ field: 'GroupId', values, test: (r) => r.GroupId !== null && allowed.has(r.GroupId) });
  }
  return conditions;
}

/** Stable text identifying the non-time part of a filter (for caching). */
export function filterCacheKey(filter: RecordFilter): string {
  return JSON.stringify(NON_TIME_KEYS.map((key) => filter[key] ?? null));
}

/**
 * Canonical decimal form of an integer string (`"007"` → `"7"`), so GroupId
 * filters match however the caller padded them. Strings that are not
 * integers are returned unchanged and simply match nothing.
 */
export function canonicalInteger(text: string): string {
  return /^[+-]?\d+$/.test(text) ? BigInt(text).toString() : text;
}
