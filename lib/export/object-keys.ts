import type { ExportFormat } from '../contracts/export-format';
import type { TimeRange } from './windows';

/**
 * Deterministic OSS keys. Everything that becomes part of a key is
 * validated upstream (instance ids and the prefix use a strict character
 * set), so no key can escape its prefix.
 */

export const FILE_EXTENSIONS: Readonly<Record<ExportFormat, string>> = { jsonl: 'jsonl.gz', csv: 'csv.gz', parquet: 'parquet' };

export interface Partition {
  /** UTC date, YYYY-MM-DD. */
  dt: string;
  /** UTC hour, 00–23. */
  hour: string;
}

export function partitionOf(epochMs: number): Partition {
  const iso = new Date(epochMs).toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

export function partitionPrefix(prefix: string, instanceId: string, partition: Partition): string {
  return `${join(prefix, `instance=${instanceId}`)}/dt=${partition.dt}/hour=${partition.hour}/`;
}

export function manifestKey(prefix: string, instanceId: string, partition: Partition): string {
  return `${partitionPrefix(prefix, instanceId, partition)}_manifest.json`;
}

/** `YYYYMMDDTHHMMSSZ`: sortable and key-safe. */
export function compactUtc(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A data file's key: the piece of time it covers, its sequence number in
 * that piece, and the start of its content's MD5. Same records → same key,
 * so a rerun finds its own file already there; different records → a new
 * key, and the old file is never overwritten while a manifest lists it.
 */
export function dataFileKey(prefix: string, instanceId: string, piece: TimeRange, sequence: number, md5Hex: string, format: ExportFormat): string {
  const partition = partitionOf(piece.from);
  const name = `part-${compactUtc(piece.from)}-${compactUtc(piece.to)}-${String(sequence).padStart(4, '0')}-${md5Hex.slice(0, 16)}.${FILE_EXTENSIONS[format]}`;
  return `${partitionPrefix(prefix, instanceId, partition)}${name}`;
}

export function stateKey(prefix: string, instanceId: string): string {
  return `${join(prefix, '_state')}/instance=${instanceId}.json`;
}

export function leasePrefix(prefix: string, instanceId: string, scope: string): string {
  return `${join(prefix, '_state')}/leases/instance=${instanceId}/${scope}/`;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}
