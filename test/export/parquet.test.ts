import { createHash } from 'node:crypto';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { DataFile } from '../../lib/export/data-files';
import { createParquetFileWriter, PARQUET_SCHEMA_VERSION_KEY } from '../../lib/export/formats/parquet';
import { dataFileKey } from '../../lib/export/object-keys';
import { OUTPUT_FORMATS } from '../../lib/export/output-formats';
import { RECORD_FIELDS, RECORD_SCHEMA_VERSION, type NormalizedCallRecord } from '../../lib/contracts/call-record';
import { normalizeRecords } from '../../lib/records/normalize';
import { aWireRecord } from '../builders/records';

const options = { instanceId: 'i1', sourceTimeZone: 'Asia/Shanghai' };
const records = normalizeRecords(
  [
    aWireRecord(),
    aWireRecord({ Id: 'tricky', ServicerName: '张三,李四 "Jo"\nline two', CallingNumber: '05718888777', EvaluationScore: undefined, HangUpTime: undefined }),
    aWireRecord({ Id: 'epoch', CreateTime: 1_764_000_000_000, CallType: 2, GroupId: '98765432109876543210' }),
  ],
  options,
);

const arrayBufferOf = (file: DataFile | undefined): ArrayBuffer => {
  const body = file?.body ?? Buffer.alloc(0);
  return body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
};

function writeAll(list: readonly NormalizedCallRecord[], limits = { maxRecords: 1_000, maxBytes: 1 << 30 }, rowGroupRows?: number): DataFile[] {
  const writer = createParquetFileWriter(limits, rowGroupRows !== undefined ? { rowGroupRows } : {});
  for (const record of list) writer.add(record);
  return writer.finish();
}

/** What a record must read back as: strings as strings, times as instants, integers as 64-bit integers. */
function asRead(record: NormalizedCallRecord): Record<string, unknown> {
  return Object.fromEntries(
    RECORD_FIELDS.map((field) => {
      const value = record[field];
      if (value === null) return [field, null];
      if (field.endsWith('Time') && typeof value === 'string') return [field, new Date(Date.parse(value))];
      if (typeof value === 'number') return [field, BigInt(value)];
      return [field, value];
    }),
  );
}

describe('Parquet data files', () => {
  it('declare the 30 columns in schema order, all OPTIONAL, with the pinned physical and logical types', () => {
    const metadata = parquetMetadata(arrayBufferOf(writeAll(records)[0]));
    const columns = metadata.schema.slice(1);
    expect(columns.map((column) => column.name)).toStrictEqual(RECORD_FIELDS);
    for (const column of columns) {
      expect(column.repetition_type).toBe('OPTIONAL');
      if (/Time$/.test(column.name) && !/ContinueTime$/.test(column.name)) {
        expect(column).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } });
      } else if (['queueUpContinueTime', 'ringContinueTime', 'callContinueTime', 'evaluationLevel', 'evaluationScore'].includes(column.name)) {
        expect(column).toMatchObject({ type: 'INT64', converted_type: undefined, logical_type: undefined });
      } else {
        expect(column).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
      }
    }
    expect(columns.find((column) => column.name === 'groupId')?.type).toBe('BYTE_ARRAY');
    expect(metadata.key_value_metadata).toContainEqual({ key: PARQUET_SCHEMA_VERSION_KEY, value: String(RECORD_SCHEMA_VERSION) });
    for (const chunk of metadata.row_groups.flatMap((group) => group.columns)) expect(chunk.meta_data?.codec).toBe('SNAPPY');
  });

  it('read back with hyparquet as the same values: instants for times, integers, nulls, a leading zero and every digit of a long id', async () => {
    const [file] = writeAll(records);
    const rows = await parquetReadObjects({ file: arrayBufferOf(file) });
    expect(rows).toStrictEqual(records.map(asRead));
    expect(rows[1]).toMatchObject({ callingNumber: '05718888777', servicerName: '张三,李四 "Jo"\nline two', evaluationScore: null, hangUpTime: null });
    expect(rows[2]?.['groupId']).toBe('98765432109876543210');
    expect(file?.records).toBe(3);
    expect(file?.md5Hex).toBe(
      createHash('md5')
        .update(file?.body ?? '')
        .digest('hex'),
    );
  });

  it('write a column that is null in every row as a typed OPTIONAL column', async () => {
    const allNull = normalizeRecords(
      [aWireRecord({ EvaluationScore: null, PassiveTransferId: null }), aWireRecord({ EvaluationScore: null, PassiveTransferId: null })],
      options,
    );
    const [file] = writeAll(allNull);
    const metadata = parquetMetadata(arrayBufferOf(file));
    expect(metadata.schema.find((column) => column.name === 'evaluationScore')).toMatchObject({ type: 'INT64', repetition_type: 'OPTIONAL' });
    const rows = await parquetReadObjects({ file: arrayBufferOf(file), columns: ['evaluationScore', 'passiveTransferId'] });
    expect(rows).toStrictEqual([
      { evaluationScore: null, passiveTransferId: null },
      { evaluationScore: null, passiveTransferId: null },
    ]);
  });

  it('cut row groups at the row limit and roll files at the record and byte limits, never splitting a record', async () => {
    const many = normalizeRecords(
      Array.from({ length: 25 }, (_, i) => aWireRecord({ Id: `r${String(i).padStart(2, '0')}` })),
      options,
    );
    const [single] = writeAll(many, { maxRecords: 1_000, maxBytes: 1 << 30 }, 10);
    expect(parquetMetadata(arrayBufferOf(single)).row_groups.map((group) => Number(group.num_rows))).toStrictEqual([10, 10, 5]);
    expect((await parquetReadObjects({ file: arrayBufferOf(single), columns: ['id'] })).map((row) => row['id'])).toStrictEqual(many.map((record) => record.id));

    expect(writeAll(many, { maxRecords: 10, maxBytes: 1 << 30 }).map((file) => file.records)).toStrictEqual([10, 10, 5]);
    const oneRecordBytes = writeAll(many.slice(0, 1))[0]?.uncompressedBytes ?? 0;
    expect(oneRecordBytes).toBeGreaterThan(100);
    expect(writeAll(many.slice(0, 7), { maxRecords: 1_000, maxBytes: oneRecordBytes * 3 }).map((file) => file.records)).toStrictEqual([3, 3, 1]);
    expect(writeAll(many.slice(0, 2), { maxRecords: 1_000, maxBytes: 1 }).map((file) => file.records)).toStrictEqual([1, 1]);
    expect(writeAll([])).toStrictEqual([]);
  });

  it('are byte-identical for the same records (reruns find their own files), different for different ones', () => {
    expect(writeAll([...records]).map((file) => file.md5Hex)).toStrictEqual(writeAll(records).map((file) => file.md5Hex));
    expect(writeAll(records.slice(0, 2))[0]?.md5Hex).not.toBe(writeAll(records)[0]?.md5Hex);
  });

  it('come out of the export output format parquet (records in, no serialized line), named .parquet', async () => {
    expect(OUTPUT_FORMATS.parquet.contentType).toBe('application/vnd.apache.parquet');
    const writer = OUTPUT_FORMATS.parquet.createWriter({ maxRecords: 1_000, maxBytes: 1 << 30 });
    for (const record of records) await writer.add(record);
    const files = await writer.finish();
    expect(files.map((file) => file.md5Hex)).toStrictEqual(writeAll(records).map((file) => file.md5Hex));
    expect(writer.records).toBe(3);
    const key = dataFileKey('exports', 'i1', { from: Date.UTC(2026, 10, 24, 8), to: Date.UTC(2026, 10, 24, 9) }, 0, files[0]?.md5Hex ?? '', 'parquet');
    expect(key).toMatch(/^exports\/instance=i1\/dt=2026-11-24\/hour=08\/part-20261124T080000Z-20261124T090000Z-0000-[0-9a-f]{16}\.parquet$/);
  });
});
