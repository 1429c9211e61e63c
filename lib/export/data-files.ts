import { createHash } from 'node:crypto';
import { createGzip, type Gzip } from 'node:zlib';
import type { NormalizedCallRecord } from '../contracts/call-record';
import { csvHeader, toCsvRow } from '../records/serialize';
import type { ExportFormat } from '../contracts/export-format';

/** The formats written as gzip'd lines (Parquet has its own writer). */
export type LineFormat = Exclude<ExportFormat, 'parquet'>;

export interface FileLimits {
  /** Records per object before it rolls over. */
  maxRecords: number;
  /** Uncompressed bytes per object before it rolls over. */
  maxBytes: number;
}

export interface DataFile {
  body: Buffer;
  records: number;
  uncompressedBytes: number;
  md5Hex: string;
  md5Base64: string;
}

/** The serialized line for a record, in the export format. */
export function serializeRecord(record: NormalizedCallRecord, format: LineFormat): string {
  return format === 'csv' ? `${toCsvRow(record)}\r\n` : `${JSON.stringify(record)}\n`;
}

/** Streams lines into gzip files, rolling at either limit; holds only compressed bytes. */
export interface DataFileWriter {
  /** Appends one serialized line (in its final order). */
  add(line: string): Promise<void>;
  /** Closes the last file and returns every file, in order. */
  finish(): Promise<DataFile[]>;
  readonly records: number;
}

const CHUNK_CHARS = 256 * 1024;

/**
 * A writer for one piece of an hour. Lines go through zlib in chunks, so the
 * uncompressed text of a file is never held whole: memory is the compressed
 * output (about a tenth) plus one chunk. gzip output does not depend on how
 * the input is chunked, and Node writes mtime 0: same lines, same bytes.
 */
export function createDataFileWriter(format: LineFormat, limits: FileLimits): DataFileWriter {
  const header = format === 'csv' ? `${csvHeader()}\r\n` : '';
  const files: DataFile[] = [];
  let current: OpenFile | undefined;
  let total = 0;

  const open = (): OpenFile => {
    const gzip = createGzip();
    const compressed: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => compressed.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      gzip.once('end', resolve);
      gzip.once('error', reject);
    });
    return { gzip, compressed, ended, pending: header, bytes: Buffer.byteLength(header), records: 0 };
  };

  const close = async (file: OpenFile) => {
    file.gzip.end(file.pending);
    await file.ended;
    const body = Buffer.concat(file.compressed);
    const digest = createHash('md5').update(body).digest();
    files.push({ body, records: file.records, uncompressedBytes: file.bytes, md5Hex: digest.toString('hex'), md5Base64: digest.toString('base64') });
  };

  return {
    async add(line) {
      const lineBytes = Buffer.byteLength(line);
      if (current && current.records > 0 && (current.records >= limits.maxRecords || current.bytes + lineBytes > limits.maxBytes)) {
        await close(current);
        current = undefined;
      }
      current ??= open();
      current.pending += line;
      current.bytes += lineBytes;
      current.records++;
      total++;
      if (current.pending.length >= CHUNK_CHARS) {
        const file = current;
        const flushed = file.gzip.write(file.pending);
        file.pending = '';
        if (!flushed) await new Promise((resolve) => file.gzip.once('drain', resolve));
      }
    },
    async finish() {
      if (current) await close(current);
      current = undefined;
      return files;
    },
    get records() {
      return total;
    },
  };
}

interface OpenFile {
  gzip: Gzip;
  compressed: Buffer[];
  ended: Promise<void>;
  pending: string;
  bytes: number;
  records: number;
}
