/**
 * Turn verified wire parameters into a typed HotlineSessionQuery request:
 * rebuild repeat-lists (spec §5), check integer types and paging limits.
 */
import { apiErrors } from './errors';
import type { RecordQuery } from './record-store';

/** What the server does with PageSize > 50 or PageNo > 1000. */
export type PageLimits = 'error' | 'clamp';

/** Paging limits enforced by the SDK metadata (spec §7). */
export const MAX_PAGE_SIZE = 50;
export const MAX_PAGE_NO = 1000;
export const DEFAULT_PAGE_SIZE = 20;

/** A validated HotlineSessionQuery request. */
export interface HotlineSessionQueryRequest {
  instanceId: string;
  query: RecordQuery;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?\d+$/;

/**
 * Collect a repeat-list (`Name.1`, `Name.2`, …) ordered by numeric index, so
 * `Name.10` comes after `Name.9` even though it sorts before `Name.2` as text.
 *
 * @returns the values, or undefined when no `Name.N` key is present.
 */
export function readRepeatList(params: Readonly<Record<string, string>>, name: string): string[] | undefined {
  const prefix = `${name}.`;
  const entries: [number, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const index = key.slice(prefix.length);
    if (/^\d+$/.test(index)) entries.push([Number(index), value]);
  }
  if (entries.length === 0) return undefined;
  return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/**
 * Validate and type the business parameters of HotlineSessionQuery.
 * Empty strings count as "not given", matching how optional params that a
 * client leaves blank are treated. `Params` and the business `RequestId`
 * are accepted and ignored.
 *
 * @throws AiccsApiError `MissingInstanceId` or `InvalidParameter` (naming the parameter).
 */
export function parseHotlineSessionQuery(params: Readonly<Record<string, string>>, pageLimits: PageLimits): HotlineSessionQueryRequest {
  const text = (name: string): string | undefined => {
    const value = params[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const instanceId = text('InstanceId');
  if (instanceId === undefined) throw apiErrors.missingParameter('InstanceId');

  const query: RecordQuery = {
    PageNo: pageNumber(text('PageNo'), 'PageNo', 1, MAX_PAGE_NO, pageLimits),
    PageSize: pageNumber(text('PageSize'), 'PageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageLimits),
  };
  for (const name of ['Id', 'Acid', 'CalledNumber', 'CallingNumber', 'GroupName', 'MemberId', 'MemberName', 'ServicerId', 'ServicerName', 'CallResult'] as const) {
    const value = text(name);
    if (value !== undefined) query[name] = value;
  }
  for (const name of ['AcidList', 'CalledNumberList', 'CallingNumberList', 'MemberIdList', 'ServicerIdList', 'CallResultList'] as const) {
    const list = readRepeatList(params, name);
    if (list !== undefined) query[name] = list;
  }
  const callType = text('CallType');
  if (callType !== undefined) query.CallType = int32(callType, 'CallType');
  const callTypes = readRepeatList(params, 'CallTypeList');
  if (callTypes !== undefined) query.CallTypeList = callTypes.map((value, i) => int32(value, `CallTypeList.${i + 1}`));
  const groupId = text('GroupId');
  if (groupId !== undefined) query.GroupId = int64(groupId, 'GroupId').toString();
  const groupIds = readRepeatList(params, 'GroupIdList');
  if (groupIds !== undefined) query.GroupIdList = groupIds.map((value, i) => int64(value, `GroupIdList.${i + 1}`).toString());
  const start = text('QueryStartTime');
  if (start !== undefined) query.QueryStartTime = Number(int64(start, 'QueryStartTime'));
  const end = text('QueryEndTime');
  if (end !== undefined) query.QueryEndTime = Number(int64(end, 'QueryEndTime'));
  return { instanceId, query };
}

function pageNumber(value: string | undefined, name: string, fallback: number, max: number, limits: PageLimits): number {
  if (value === undefined) return fallback;
  const n = int32(value, name);
  if (n >= 1 && n <= max) return n;
  if (limits === 'clamp') return Math.min(max, Math.max(1, n));
  throw apiErrors.invalidParameter(name, `an integer from 1 to ${max}`, value);
}

function int32(value: string, name: string): number {
  const n = INTEGER_TEXT.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) throw apiErrors.invalidParameter(name, 'a 32-bit integer', value);
  return n;
}

function int64(value: string, name: string): bigint {
  const n = INTEGER_TEXT.test(value) ? BigInt(value) : undefined;
  if (n === undefined || n < INT64_MIN || n > INT64_MAX) throw apiErrors.invalidParameter(name, 'a 64-bit integer', value);
  return n;
}
