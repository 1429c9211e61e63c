import { createHmac } from 'node:crypto';
import type { NormalizedCallRecord } from '../contracts/call-record';

export type PhoneMasking = 'none' | 'mask' | 'hash';

export interface PhoneMaskingOptions {
  mode: PhoneMasking;
  /** HMAC key for `hash` (from the environment, never logged). */
  hashKey?: string | undefined;
}

/** Characters that make up a phone number as AICCS sends it (including its own `*` masks). */
const PHONE_CHAR = /[0-9]/g;

/** Every digit but the last four becomes `*` (separators and existing masks stay). */
export function maskPhone(value: string): string {
  const digits = value.replace(/[^0-9]/g, '').length;
  let seen = 0;
  return value.replace(PHONE_CHAR, (digit) => (++seen <= digits - 4 ? '*' : digit));
}

/** HMAC-SHA256 of the number, hex: stable under one key, so exports can still be joined on it. */
export function hashPhone(value: string, key: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/**
 * A function applying the masking mode to a record's phone numbers: calling,
 * called and trunk numbers, and the transfer target when it is a phone.
 * Agent ids, member ids and names are left alone.
 */
export function createPhoneMasker(options: PhoneMaskingOptions): (record: NormalizedCallRecord) => NormalizedCallRecord {
  if (options.mode === 'none') return (record) => record;
  const key = options.hashKey;
  if (options.mode === 'hash' && !key) throw new Error('PHONE_MASKING=hash needs PHONE_HASH_KEY');
  const apply = options.mode === 'mask' ? maskPhone : (value: string) => hashPhone(value, key as string);
  const one = (value: string | null) => (value === null ? null : apply(value));
  return (record) => ({
    ...record,
    callingNumber: one(record.callingNumber),
    calledNumber: one(record.calledNumber),
    trunkCall: one(record.trunkCall),
    passiveTransferId: record.passiveTransferIdType === 'phone' ? one(record.passiveTransferId) : record.passiveTransferId,
  });
}
