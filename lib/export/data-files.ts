import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { NormalizedCallRecord } from '../records/call-record';
import { csvHeader, toCsvRow } from '../records/serialize';
import type { ExportFormat } from './object-keys';

const gzipAsync = promisify(gzip);

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

/**
 * Serializes records (already in their final order) into gzip files of
 * JSON Lines or RFC 4180 CSV, rolling to a new file at either limit.
 * Produced one at a time so only one file's bytes are held at once.
 */
export async function* toDataFiles(records: readonly NormalizedCallRecord[], format: ExportFormat, limits: FileLimits): AsyncGenerator<DataFile> {
  const header = format === 'csv' ? `${csvHeader()}\r\n` : '';
  let lines: string[] = [];
  let bytes = 0;
  const flush = async (): Promise<DataFile> => {
    const text = header + lines.join('');
    const uncompressed = Buffer.from(text, 'utf8');
    // Level 6 (default): ~4× faster than 9 for ~3% larger files.
    const body = await gzipAsync(uncompressed);
    const digest = createHash('md5').update(body).digest();
    const file = { body, records: lines.length, uncompressedBytes: uncompressed.length, md5Hex: digest.toString('hex'), md5Base64: digest.toString('base64') };
    lines = [];
    bytes = 0;
    return file;
  };
  for (const record of records) {
    const line = format === 'csv' ? `${toCsvRow(record)}\r\n` : `${JSON.stringify(record)}\n`;
    const lineBytes = Buffer.byteLength(line);
    if (lines.length > 0 && (lines.length >= limits.maxRecords || bytes + lineBytes > limits.maxBytes)) yield await flush();
    lines.push(line);
    bytes += lineBytes;
  }
  if (lines.length > 0) yield await flush();
}

/** Export order inside a file: createTime ascending, then id; deterministic so reruns produce identical files. */
export function compareForExport(a: NormalizedCallRecord, b: NormalizedCallRecord): number {
  const at = a.createTime ?? '';
  const bt = b.createTime ?? '';
  if (at !== bt) return epochOf(at) - epochOf(bt) || (at < bt ? -1 : 1);
  const ai = a.id ?? '';
  const bi = b.id ?? '';
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}

function epochOf(iso: string): number {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? 0 : value;
}
