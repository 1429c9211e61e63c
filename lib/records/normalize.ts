import { CALL_TYPE_BY_CODE, HANG_UP_ROLE_BY_CODE, PASSIVE_TRANSFER_ID_TYPE_BY_CODE, type NormalizedCallRecord } from '../contracts/call-record';
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

type Wire = Record<string, unknown>;

/** Normalizes one page of raw `CallDetailRecord` values. Never throws on record content. */
export function normalizeRecords(raw: readonly unknown[], options: NormalizeOptions, anomalies: Anomalies = {}): NormalizedCallRecord[] {
  const zone = zoneConverter(options.sourceTimeZone);
  const out: NormalizedCallRecord[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = normalizeRecord(raw[i], options.instanceId, zone, anomalies);
  return out;
}

/** Normalizes one raw record; a non-object becomes an all-null record and an anomaly. */
export function normalizeRecord(raw: unknown, instanceId: string, zone: ZoneConverter, a: Anomalies): NormalizedCallRecord {
  const w: Wire = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Wire) : {};
  if (w !== raw) note(a, 'record');
  // One literal in schema (and CSV) order: the key order is part of the output, and V8 keeps one shape for all records.
  return {
    instanceId,
    id: toText(w['Id'], 'Id', a),
    acid: toText(w['Acid'], 'Acid', a),
    callType: toCallType(w['CallType'], a),
    callResult: toText(w['CallResult'], 'CallResult', a),
    callingNumber: toText(w['CallingNumber'], 'CallingNumber', a),
    calledNumber: toText(w['CalledNumber'], 'CalledNumber', a),
    trunkCall: toText(w['TrunkCall'], 'TrunkCall', a),
    groupId: toText(w['GroupId'], 'GroupId', a),
    groupName: toText(w['GroupName'], 'GroupName', a),
    servicerId: toText(w['ServicerId'], 'ServicerId', a),
    servicerName: toText(w['ServicerName'], 'ServicerName', a),
    memberId: toText(w['MemberId'], 'MemberId', a),
    memberName: toText(w['MemberName'], 'MemberName', a),
    createTime: toTime(w['CreateTime'], 'CreateTime', zone, a),
    inQueueTime: toTime(w['InQueueTime'], 'InQueueTime', zone, a),
    outQueueTime: toTime(w['OutQueueTime'], 'OutQueueTime', zone, a),
    ringStartTime: toTime(w['RingStartTime'], 'RingStartTime', zone, a),
    ringEndTime: toTime(w['RingEndTime'], 'RingEndTime', zone, a),
    pickUpTime: toTime(w['PickUpTime'], 'PickUpTime', zone, a),
    hangUpTime: toTime(w['HangUpTime'], 'HangUpTime', zone, a),
    queueUpContinueTime: toInteger(w['QueueUpContinueTime'], 'QueueUpContinueTime', a),
    ringContinueTime: toInteger(w['RingContinueTime'], 'RingContinueTime', a),
    callContinueTime: toInteger(w['CallContinueTime'], 'CallContinueTime', a),
    evaluationLevel: toInteger(w['EvaluationLevel'], 'EvaluationLevel', a),
    evaluationScore: toInteger(w['EvaluationScore'], 'EvaluationScore', a),
    hangUpRole: toCode(w['HangUpRole'], HANG_UP_ROLE_BY_CODE, 'HangUpRole', a),
    activeTransferId: toText(w['ActiveTransferId'], 'ActiveTransferId', a),
    passiveTransferId: toText(w['PassiveTransferId'], 'PassiveTransferId', a),
    passiveTransferIdType: toCode(w['PassiveTransferIdType'], PASSIVE_TRANSFER_ID_TYPE_BY_CODE, 'PassiveTransferIdType', a),
  };
}

function note(anomalies: Anomalies, field: string): void {
  anomalies[field] = (anomalies[field] ?? 0) + 1;
}

/** json-bigint hands integers above 2^53 over as BigNumber objects. */
function isBigNumber(value: object): value is { toFixed(): string } {
  return (
    typeof (value as { toFixed?: unknown }).toFixed === 'function' &&
    ((value as { _isBigNumber?: unknown })._isBigNumber === true || (value as { isBigNumber?: unknown }).isBigNumber === true || 'c' in value)
  );
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

/** Tolerant about the wire form (number, numeric string, BigNumber), strict about the value: a safe integer or null. */
function toInteger(value: unknown, wireName: string, anomalies: Anomalies): number | null {
  if (value === null || value === undefined || value === '') return null;
  let parsed: number | undefined;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'string' && NUMERIC.test(value)) parsed = Number(value);
  else if (typeof value === 'object' && isBigNumber(value)) parsed = Number(value.toFixed());
  // 12.5 used to pass through and be truncated silently by engines reading BIGINT; now it is counted and dropped.
  if (parsed !== undefined && Number.isSafeInteger(parsed)) return parsed;
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
