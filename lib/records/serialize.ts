import { RECORD_FIELDS, type NormalizedCallRecord } from '../contracts/call-record';

/** One JSON object per line, each line ending in `\n` (JSON Lines / NDJSON). */
export function toNdjson(records: readonly NormalizedCallRecord[]): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/** RFC 4180 CSV: header row, CRLF line ends, fields quoted when they hold `"`, `,`, CR or LF. */
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
    row += csvField(String(value));
  }
  return row;
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
