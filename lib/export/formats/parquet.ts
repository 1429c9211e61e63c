import { createHash } from 'node:crypto';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { KeyValue, SchemaElement } from 'hyparquet';
import { RECORD_SCHEMA_VERSION, type NormalizedCallRecord } from '../../contracts/call-record';
import { RECORD_COLUMNS, type ColumnKind, type RecordColumn } from '../../contracts/record-columns';
import type { DataFile, FileLimits } from '../data-files';

/**
 * Parquet data files, written with hyparquet-writer (pure JavaScript, one
 * small dependency, SNAPPY built in: it adds tens of KiB to the export
 * bundle where a WASM or Thrift-based writer adds megabytes).
 *
 * Physical layout, the contract lake engines rely on:
 * - the 30 record columns in schema order, all OPTIONAL, flat;
 * - strings: BYTE_ARRAY, STRING logical type (UTF8 converted type for older readers);
 * - times: INT64 TIMESTAMP(isAdjustedToUTC = true, MILLIS), i.e. instants (the offsets in
 *   the JSON records are display only, the instant is what is compared and stored);
 * - the five numeric fields: INT64, unannotated (signed 64-bit; BIGINT in every DDL);
 * - SNAPPY pages, which MaxCompute, Hologres, Spark, Hive, DLF and DuckDB all read;
 * - key-value metadata naming the record schema version.
 */

/** Key of the key-value metadata entry holding RECORD_SCHEMA_VERSION. */
export const PARQUET_SCHEMA_VERSION_KEY = 'aiccs.call_records.schema_version';

/**
 * Rows per row group. Bounds the column buffers plus hyparquet-writer's
 * per-column copies while a group is encoded: under the export function's
 * 96 MB heap cap, 10,000-row groups ran out of heap (bench, 100k records in
 * 10 h) and 2,000-row groups kept 1M records at 207 MB peak RSS.
 */
export const DEFAULT_ROW_GROUP_ROWS = 2_000;

const ROW_GROUP_MAX_BYTES = 16 * 1024 * 1024;

function schemaElement(column: RecordColumn): SchemaElement {
  const name = column.name;
  switch (column.kind) {
    case 'string':
      return { name, repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'timestamp':
      return {
        name,
        repetition_type: 'OPTIONAL',
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      };
    case 'integer':
      // Plain INT64 is a signed 64-bit integer by definition. No INTEGER(64, true) annotation: hyparquet-writer 0.17 writes its
      // bitWidth as a Thrift i32 where the format says i8, and DuckDB then rejects the whole footer (TProtocolException).
      return { name, repetition_type: 'OPTIONAL', type: 'INT64' };
  }
}

export const PARQUET_SCHEMA: readonly SchemaElement[] = Object.freeze([{ name: 'schema', num_children: RECORD_COLUMNS.length }, ...RECORD_COLUMNS.map(schemaElement)]);

const KV_METADATA: KeyValue[] = [{ key: PARQUET_SCHEMA_VERSION_KEY, value: String(RECORD_SCHEMA_VERSION) }];

type ColumnValue = string | bigint | null;

/** The value a record field takes in its Parquet column. */
function toColumnValue(kind: ColumnKind, value: string | number | null): ColumnValue {
  if (value === null) return null;
  if (kind === 'string') return String(value);
  if (kind === 'integer') return BigInt(value as number);
  const epochMs = Date.parse(value as string);
  if (Number.isNaN(epochMs)) throw new Error(`not an ISO 8601 time: ${String(value).slice(0, 40)}`);
  return BigInt(epochMs);
}

function plainBytes(value: ColumnValue): number {
  if (value === null) return 0;
  return typeof value === 'string' ? 4 + Buffer.byteLength(value) : 8;
}

/** A record as Parquet column values (schema order), with their PLAIN-encoded size: what FileLimits.maxBytes counts for this format. */
export interface ParquetRow {
  values: ColumnValue[];
  bytes: number;
}

export function toParquetRow(record: NormalizedCallRecord): ParquetRow {
  const values: ColumnValue[] = new Array(RECORD_COLUMNS.length);
  let bytes = 0;
  for (let i = 0; i < RECORD_COLUMNS.length; i++) {
    const column = RECORD_COLUMNS[i] as RecordColumn;
    const value = toColumnValue(column.kind, record[column.name]);
    bytes += plainBytes(value);
    values[i] = value;
  }
  return { values, bytes };
}

/** One Parquet file being built: rows go to column buffers, every full buffer becomes a row group (compressed, in memory). */
export interface ParquetFileBuilder {
  add(row: ParquetRow): void;
  readonly records: number;
  /** PLAIN-encoded size of the values added so far: the "uncompressed bytes" of a Parquet file. */
  readonly plainBytes: number;
  /** Writes the last row group and the footer; the builder is done after this. */
  finish(): DataFile;
}

export function createParquetFileBuilder(options: { rowGroupRows?: number } = {}): ParquetFileBuilder {
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) throw new RangeError(`rowGroupRows must be an integer ≥ 1, got ${rowGroupRows}`);
  const bytes = new ByteWriter(64 * 1024);
  const writer = new ParquetWriter({
    writer: bytes,
    schema: [...PARQUET_SCHEMA],
    codec: 'SNAPPY',
    kvMetadata: KV_METADATA,
    createdBy: 'aiccs-call-records (hyparquet-writer)',
  });
  let buffers: ColumnValue[][] = RECORD_COLUMNS.map(() => []);
  let bufferedRows = 0;
  let bufferedBytes = 0;
  let records = 0;
  let totalPlainBytes = 0;

  const flushRowGroup = () => {
    if (bufferedRows === 0) return;
    const columnData = RECORD_COLUMNS.map((column, i) => ({ name: column.name, data: buffers[i] as ColumnValue[] }));
    // hyparquet-writer's write() is synchronous with a ByteWriter (it only returns a Promise when the sink's flush() does).
    void writer.write({ columnData, rowGroupSize: bufferedRows });
    buffers = RECORD_COLUMNS.map(() => []);
    bufferedRows = 0;
    bufferedBytes = 0;
  };

  return {
    add(row) {
      for (let i = 0; i < row.values.length; i++) (buffers[i] as ColumnValue[]).push(row.values[i] as ColumnValue);
      records++;
      bufferedRows++;
      bufferedBytes += row.bytes;
      totalPlainBytes += row.bytes;
      if (bufferedRows >= rowGroupRows || bufferedBytes >= ROW_GROUP_MAX_BYTES) flushRowGroup();
    },
    get records() {
      return records;
    },
    get plainBytes() {
      return totalPlainBytes;
    },
    finish() {
      flushRowGroup();
      void writer.finish();
      const body = Buffer.from(bytes.getBuffer());
      const digest = createHash('md5').update(body).digest();
      return { body, records, uncompressedBytes: totalPlainBytes, md5Hex: digest.toString('hex'), md5Base64: digest.toString('base64') };
    },
  };
}

/**
 * Records in, finished Parquet files out, rolling at either limit like the
 * text writers (a record never spans two files). Holds the finished files
 * (compressed) and one row group of column buffers.
 */
export function createParquetFileWriter(limits: FileLimits, options: { rowGroupRows?: number } = {}) {
  const files: DataFile[] = [];
  let current: ParquetFileBuilder | undefined;
  let total = 0;
  return {
    add(record: NormalizedCallRecord): void {
      const row = toParquetRow(record);
      if (current && current.records > 0 && (current.records >= limits.maxRecords || current.plainBytes + row.bytes > limits.maxBytes)) {
        files.push(current.finish());
        current = undefined;
      }
      current ??= createParquetFileBuilder(options);
      current.add(row);
      total++;
    },
    finish(): DataFile[] {
      if (current) files.push(current.finish());
      current = undefined;
      return files;
    },
    get records() {
      return total;
    },
  };
}
