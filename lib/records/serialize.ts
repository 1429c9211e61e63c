import { RECORD_FIELDS, type NormalizedCallRecord } from '../contracts/call-record';

/** One JSON object per line, each line ending in `\n` (JSON Lines / NDJSON). */
export function toNdjson(records: readonly NormalizedCallRecord[]): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/**
 * RFC 4180 CSV: header row, CRLF line ends. Every non-null string is quoted
 * (so readers detect `"` as the quote character from any file, and ids and
 * phone numbers read as text); numbers are bare; null is an empty, unquoted field.
 */
export function toCsv(records: readonly NormalizedCallRecord[]): string {
  let out = `${csvHeader()}\r\n`;
  for (const record of records) out += `${toCsvRow(record)}\r\n`;
  return out;
}

export function csvHeader(): string {
  return RECORD_FIELDS.join(',');
}

export function toCsvRow(record: NormalizedCallRecord): string {
  let row = '';
  for (let i = 0; i < RECORD_FIELDS.length; i++) {
    const value = record[RECORD_FIELDS[i] as keyof NormalizedCallRecord];
    if (i > 0) row += ',';
    if (value === null) continue;
    row += typeof value === 'string' ? `"${value.replaceAll('"', '""')}"` : String(value);
  }
  return row;
}
