import {
  CALL_TYPE_BY_CODE,
  HANG_UP_ROLE_BY_CODE,
  NUMBER_FIELDS,
  PASSIVE_TRANSFER_ID_TYPE_BY_CODE,
  STRING_FIELDS,
  TIME_FIELDS,
  type NormalizedCallRecord,
} from './call-record';
import { zoneConverter, type ZoneConverter } from './time-zone';

/**
 * Counts values that did not fit their field. They become null (or
 * `unknown` for callType) instead of failing the page: one odd value must
 * not cost the caller 49 good records. The counts are logged.
 */
export type Anomalies = Record<string, number>;

export interface NormalizeOptions {
  instanceId: string;
  /** IANA zone the API's zone-less times are in (SOURCE_TIMEZONE). */
  sourceTimeZone: string;
}

type Field = keyof NormalizedCallRecord;
type Wire = Record<string, unknown>;

const STRING_ENTRIES = Object.entries(STRING_FIELDS) as Array<[string, Field]>;
const TIME_ENTRIES = Object.entries(TIME_FIELDS) as Array<[string, Field]>;
const NUMBER_ENTRIES = Object.entries(NUMBER_FIELDS) as Array<[string, Field]>;

/** Normalizes one page of raw `CallDetailRecord` values. Never throws on record content. */
export function normalizeRecords(raw: readonly unknown[], options: NormalizeOptions, anomalies: Anomalies = {}): NormalizedCallRecord[] {
  const zone = zoneConverter(options.sourceTimeZone);
  const out: NormalizedCallRecord[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = normalizeRecord(raw[i], options.instanceId, zone, anomalies);
  return out;
}

/** Normalizes one raw record; a non-object becomes an all-null record and an anomaly. */
export function normalizeRecord(raw: unknown, instanceId: string, zone: ZoneConverter, anomalies: Anomalies): NormalizedCallRecord {
  const wire: Wire = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Wire) : {};
  if (wire !== raw) note(anomalies, 'record');
  const record = { instanceId } as Record<Field, unknown>;
  record.callType = toCallType(wire['CallType'], anomalies);
  for (const [wireName, field] of STRING_ENTRIES) record[field] = toText(wire[wireName], wireName, anomalies);
  for (const [wireName, field] of TIME_ENTRIES) record[field] = toTime(wire[wireName], wireName, zone, anomalies);
  for (const [wireName, field] of NUMBER_ENTRIES) record[field] = toNumber(wire[wireName], wireName, anomalies);
  record.hangUpRole = toCode(wire['HangUpRole'], HANG_UP_ROLE_BY_CODE, 'HangUpRole', anomalies);
  record.passiveTransferIdType = toCode(wire['PassiveTransferIdType'], PASSIVE_TRANSFER_ID_TYPE_BY_CODE, 'PassiveTransferIdType', anomalies);
  return reorder(record);
}

// Object key order is the schema's (and the CSV's) order; assigning in one literal keeps it and the hidden class stable.
function reorder(r: Record<Field, unknown>): NormalizedCallRecord {
  return {
    instanceId: r.instanceId,
    id: r.id,
    acid: r.acid,
    callType: r.callType,
    callResult: r.callResult,
    callingNumber: r.callingNumber,
    calledNumber: r.calledNumber,
    trunkCall: r.trunkCall,
    groupId: r.groupId,
    groupName: r.groupName,
    servicerId: r.servicerId,
    servicerName: r.servicerName,
    memberId: r.memberId,
    memberName: r.memberName,
    createTime: r.createTime,
    inQueueTime: r.inQueueTime,
    outQueueTime: r.outQueueTime,
    ringStartTime: r.ringStartTime,
    ringEndTime: r.ringEndTime,
    pickUpTime: r.pickUpTime,
    hangUpTime: r.hangUpTime,
    queueUpContinueTime: r.queueUpContinueTime,
    ringContinueTime: r.ringContinueTime,
    callContinueTime: r.callContinueTime,
    evaluationLevel: r.evaluationLevel,
    evaluationScore: r.evaluationScore,
    hangUpRole: r.hangUpRole,
    activeTransferId: r.activeTransferId,
    passiveTransferId: r.passiveTransferId,
    passiveTransferIdType: r.passiveTransferIdType,
  } as NormalizedCallRecord;
}

function note(anomalies: Anomalies, field: string): void {
  anomalies[field] = (anomalies[field] ?? 0) + 1;
}

/** json-bigint hands integers above 2^53 over as BigNumber objects. */
function isBigNumber(value: object): value is { toFixed(): string } {
  return typeof (value as { toFixed?: unknown }).toFixed === 'function' && ((value as { _isBigNumber?: unknown })._isBigNumber === true || (value as { isBigNumber?: unknown }).isBigNumber === true || 'c' in value);
}

function toText(value: unknown, wireName: string, anomalies: Anomalies): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return Number.isSafeInteger(value) || !Number.isInteger(value) ? String(value) : BigInt(value).toString();
    note(anomalies, wireName);
    return null;
  }
  if (typeof value === 'bigint') return value.toString();
  // toFixed, not toString: BigNumber switches to exponent notation from 21 digits.
  if (typeof value === 'object' && isBigNumber(value)) return value.toFixed();
  if (typeof value === 'boolean') {
    note(anomalies, wireName);
    return String(value);
  }
  note(anomalies, wireName);
  return null;
}

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

function toNumber(value: unknown, wireName: string, anomalies: Anomalies): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === 'string') {
    if (NUMERIC.test(value)) return Number(value);
  } else if (typeof value === 'object' && isBigNumber(value)) {
    return Number(value.toFixed());
  }
  note(anomalies, wireName);
  return null;
}

function toTime(value: unknown, wireName: string, zone: ZoneConverter, anomalies: Anomalies): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') {
    const iso = zone.localToIso(value);
    if (iso !== undefined) return iso;
    const withOffset = ISO_WITH_OFFSET.exec(value);
    if (withOffset) return `${withOffset[1]}${withOffset[2] === 'Z' ? '+00:00' : withOffset[2]}`;
  } else if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Epoch milliseconds (13 digits) or seconds (10 digits): render in the source zone.
    return zone.epochToIso(value < 1e11 ? value * 1000 : value);
  }
  note(anomalies, wireName);
  return null;
}

const ISO_WITH_OFFSET = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

function toCallType(value: unknown, anomalies: Anomalies): NormalizedCallRecord['callType'] {
  if (value === null || value === undefined || value === '') return 'unknown';
  const code = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  const callType = CALL_TYPE_BY_CODE[code];
  if (callType) return callType;
  note(anomalies, 'CallType');
  return 'unknown';
}

function toCode<T extends string>(value: unknown, table: Readonly<Record<string, T>>, wireName: string, anomalies: Anomalies): T | null {
  if (value === null || value === undefined || value === '') return null;
  const code = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  const mapped = table[code];
  if (mapped !== undefined) return mapped;
  note(anomalies, wireName);
  return null;
}
