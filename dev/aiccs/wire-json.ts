/**
 * Hand-written JSON for success bodies. JSON.stringify cannot emit an integer
 * beyond 2^53 exactly, but the real service sends GroupId as a JSON number and
 * pop-core's json-bigint turns large ones into BigNumber objects; clients have
 * to survive that, so the emulator must produce it.
 */
import { CALL_RECORD_FIELDS, NUMERIC_RECORD_FIELDS } from './dataset';
import type { RawCallRecord } from './dataset';
import { hashString } from '../shared/prng';

/**
 * How record values travel (live typing is UNCONFIRMED, spec §6.4):
 * - `metadata`: numeric fields as JSON numbers per SDK metadata, missing as null;
 * - `strings`: numeric record fields as JSON strings (`"CallType":"2"`), missing as null;
 * - `mixed-empty`: like `metadata`, but each missing value is absent, null or
 *   `""`, chosen deterministically from the record Id and field.
 *
 * Only record fields change; the envelope (`PageNumber`, …) always uses numbers.
 */
export type WireStyle = 'metadata' | 'strings' | 'mixed-empty';

/** `Data` of a successful HotlineSessionQuery response. */
export interface QueryPageData {
  PageNumber: number;
  PageSize: number;
  TotalCount: number;
  CallDetailRecord: readonly RawCallRecord[];
}

const INTEGER_TEXT = /^-?\d+$/;

/**
 * Serialize one record.
 *
 * @returns a JSON object literal with the 29 fields in spec order (fewer in
 *   `mixed-empty` style when a missing value is rendered as absent).
 */
export function serializeRecord(record: RawCallRecord, style: WireStyle): string {
  const parts: string[] = [];
  const salt = style === 'mixed-empty' ? hashString(record.Id) : 0;
  for (let i = 0; i < CALL_RECORD_FIELDS.length; i++) {
    const field = CALL_RECORD_FIELDS[i] as (typeof CALL_RECORD_FIELDS)[number];
    const value = record[field];
    let text: string;
    if (value === null) {
      if (style !== 'mixed-empty') text = 'null';
      else {
        const choice = (Math.imul(salt ^ Math.imul(i + 1, 0x9e3779b1), 0x85ebca6b) >>> 0) % 3;
        if (choice === 0) continue; // absent
        text = choice === 1 ? 'null' : '""';
      }
    } else if (NUMERIC_RECORD_FIELDS.has(field)) {
      const digits = String(value);
      // Anything that is not a plain integer is quoted rather than emitted as broken JSON.
      text = style === 'strings' || !INTEGER_TEXT.test(digits) ? JSON.stringify(digits) : digits;
    } else {
      text = JSON.stringify(value);
    }
    parts.push(`"${field}":${text}`);
  }
  return `{${parts.join(',')}}`;
}

/** Full success body: envelope + `Data` (spec §6.1, §6.3). */
export function serializeSuccessBody(requestId: string, data: QueryPageData, style: WireStyle): string {
  const records = data.CallDetailRecord.map((record) => serializeRecord(record, style)).join(',');
  return (
    `{"RequestId":${JSON.stringify(requestId)},"Success":true,"Code":"Success","Message":"Success",` +
    `"Data":{"PageNumber":${data.PageNumber},"PageSize":${data.PageSize},"TotalCount":${data.TotalCount},` +
    `"CallDetailRecord":[${records}]}}`
  );
}
