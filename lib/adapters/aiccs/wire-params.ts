import { CALL_TYPE_CODE } from '../../contracts/call-record';
import { toEpochMs, type QueryFilter } from '../../contracts/query-filter';

/** HotlineSessionQuery's form parameters: PascalCase names, list parameters repeated. */
export type WireParams = Record<string, string | string[]>;

export interface WireOptions {
  timeUnit: 'ms' | 's';
}

/**
 * The HotlineSessionQuery parameters for a filter and page. Only defined
 * values are set: pop-core would send null/undefined as the strings "null"
 * and "undefined".
 *
 * Time bounds: the API's bound inclusivity is UNCONFIRMED, but record times
 * are whole seconds. Sending `ceil(t) − 1 ms` for both ends selects exactly
 * the records in `[startTime, endTime)` whether the API compares with
 * `<`/`>` or `<=`/`>=`.
 */
export function toWireParams(filter: QueryFilter & { instanceId: string }, page: { pageNo: number; pageSize: number }, options: WireOptions): WireParams {
  const params: WireParams = { InstanceId: filter.instanceId, PageNo: String(page.pageNo), PageSize: String(page.pageSize) };
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) params[name] = String(value);
  };
  const setList = (name: string, values: ReadonlyArray<string | number> | undefined) => {
    if (values !== undefined) params[name] = values.map(String);
  };
  set('Acid', filter.acid);
  setList('AcidList', filter.acidList);
  set('CallType', filter.callType === undefined ? undefined : callTypeCode(filter.callType));
  setList('CallTypeList', filter.callTypeList?.map(callTypeCode));
  set('CallingNumber', filter.callingNumber);
  setList('CallingNumberList', filter.callingNumberList);
  set('CalledNumber', filter.calledNumber);
  setList('CalledNumberList', filter.calledNumberList);
  set('GroupId', filter.groupId);
  setList('GroupIdList', filter.groupIdList);
  set('GroupName', filter.groupName);
  set('ServicerId', filter.servicerId);
  setList('ServicerIdList', filter.servicerIdList);
  set('ServicerName', filter.servicerName);
  set('MemberId', filter.memberId);
  setList('MemberIdList', filter.memberIdList);
  set('MemberName', filter.memberName);
  set('CallResult', filter.callResult);
  setList('CallResultList', filter.callResultList);
  set('Id', filter.id);
  set('Params', filter.params);
  if (filter.startTime !== undefined) set('QueryStartTime', wireBound(toEpochMs(filter.startTime), options.timeUnit, 'start'));
  if (filter.endTime !== undefined) set('QueryEndTime', wireBound(toEpochMs(filter.endTime), options.timeUnit, 'end'));
  return params;
}

function callTypeCode(value: NonNullable<QueryFilter['callType']>): number {
  return typeof value === 'number' ? value : CALL_TYPE_CODE[value];
}

function wireBound(epochMs: number, unit: 'ms' | 's', side: 'start' | 'end'): number {
  const ceilSecond = Math.ceil(epochMs / 1000) * 1000;
  if (unit === 'ms') return ceilSecond - 1;
  // Seconds cannot use the −1 ms trick; assume inclusive bounds (UNCONFIRMED).
  return side === 'start' ? ceilSecond / 1000 : ceilSecond / 1000 - 1;
}
