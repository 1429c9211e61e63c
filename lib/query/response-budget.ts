import { ConfigError } from '../errors';
import type { RecordFormat } from '../http/negotiate';
import type { NormalizedCallRecord } from '../contracts/call-record';
import { csvHeader, toCsvRow } from '../records/serialize';

/**
 * Builds a response body record by record under a byte bound
 * (QUERY_MAX_RESPONSE_BYTES) and a record bound (`limit`). A record is only
 * added when the body, ended right after it, still fits, including the
 * cursor that ending there would need (JSON carries it in the body; NDJSON
 * and CSV in the X-Next-Cursor header, which does not count).
 *
 * Every record is serialized once; the body is the concatenation.
 */
export interface ResponseBudget {
  /** Adds `records` (all or none): true when they fit with `cursorAfter` ending the body. */
  tryAdd(records: readonly NormalizedCallRecord[], cursorAfter: string | null): boolean;
  /** Serialized size of one record in this format, separator included. */
  measure(record: NormalizedCallRecord): number;
  /** Records added so far. */
  readonly count: number;
  /** Bytes the records added so far take. */
  readonly recordBytes: number;
  /** Bytes left for records (ignoring the cursor). */
  roomBytes(): number;
  /** Records still allowed by the record bound. */
  roomRecords(): number;
  /**
   * The final body, ended with `cursor` (null when the result is complete).
   * @throws ConfigError when even the empty body with this cursor exceeds the bound
   */
  finish(cursor: string | null): { body: string; bytes: number };
}

/** What surrounds the records: fixed text before them, and text after them that depends on the cursor. */
export interface BodyFrame {
  head: string;
  tail: (cursor: string | null) => string;
}

export interface ResponseBudgetOptions {
  format: RecordFormat;
  maxBytes: number;
  maxRecords: number;
  /** JSON only: the envelope around the records array. */
  frame?: BodyFrame;
}

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

export function createResponseBudget(options: ResponseBudgetOptions): ResponseBudget {
  const serialize = serializerFor(options.format);
  const frame = options.frame ?? frameFor(options.format);
  const headBytes = bytesOf(frame.head);
  // JSON records are comma-separated: every record after the first costs one more byte.
  const separatorBytes = options.format === 'json' ? 1 : 0;
  const parts: string[] = [];
  let recordBytes = 0;
  const cost = (text: string, index: number) => bytesOf(text) + (index > 0 ? separatorBytes : 0);

  return {
    tryAdd(records, cursorAfter) {
      if (parts.length + records.length > options.maxRecords) return false;
      const texts = records.map(serialize);
      let added = 0;
      texts.forEach((text, i) => {
        added += cost(text, parts.length + i);
      });
      if (headBytes + recordBytes + added + bytesOf(frame.tail(cursorAfter)) > options.maxBytes) return false;
      parts.push(...texts);
      recordBytes += added;
      return true;
    },
    measure: (record) => bytesOf(serialize(record)) + separatorBytes,
    get count() {
      return parts.length;
    },
    get recordBytes() {
      return recordBytes;
    },
    roomBytes: () => Math.max(0, options.maxBytes - headBytes - recordBytes - bytesOf(frame.tail(null))),
    roomRecords: () => Math.max(0, options.maxRecords - parts.length),
    finish(cursor) {
      const body = frame.head + parts.join(options.format === 'json' ? ',' : '') + frame.tail(cursor);
      const bytes = bytesOf(body);
      if (bytes > options.maxBytes) {
        throw new ConfigError('QUERY_MAX_RESPONSE_BYTES', `is too small: this response needs at least ${bytes} bytes (the cursor alone takes ${cursor?.length ?? 0})`);
      }
      return { body, bytes };
    },
  };
}

function serializerFor(format: RecordFormat): (record: NormalizedCallRecord) => string {
  if (format === 'csv') return (record) => `${toCsvRow(record)}\r\n`;
  if (format === 'ndjson') return (record) => `${JSON.stringify(record)}\n`;
  return (record) => JSON.stringify(record);
}

function frameFor(format: RecordFormat): BodyFrame {
  if (format === 'csv') return { head: `${csvHeader()}\r\n`, tail: () => '' };
  if (format === 'ndjson') return { head: '', tail: () => '' };
  throw new Error('The JSON format needs an explicit frame (the envelope around the records)');
}

/**
 * Thrown by a caller that could not add even one record: the bound is
 * smaller than one record, so no response could ever make progress.
 */
export function recordTooLargeError(recordBytes: number, maxBytes: number): ConfigError {
  return new ConfigError('QUERY_MAX_RESPONSE_BYTES', `is too small: ${maxBytes} bytes cannot hold one record of ${recordBytes} bytes with its envelope and cursor`);
}
