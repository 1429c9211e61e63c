import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataFile } from '../../lib/export/data-files';
import type { ExportFormat } from '../../lib/contracts/export-format';
import { MANIFEST_VERSION, type PartitionManifest } from '../../lib/contracts/manifest';
import { dataFileKey, manifestKey, partitionOf } from '../../lib/export/object-keys';
import { OUTPUT_FORMATS } from '../../lib/export/output-formats';
import { isoUtc, type TimeRange } from '../../lib/export/windows';
import { RECORD_SCHEMA_VERSION, type NormalizedCallRecord } from '../../lib/contracts/call-record';
import { RECORD_COLUMNS } from '../../lib/contracts/record-columns';
import { normalizeRecords } from '../../lib/records/normalize';
import { duckdbManifestSql, duckdbReader } from '../../lib/records/schema-artifacts';
import { aWireRecord } from '../builders/records';

/**
 * The same records exported in each format by the real output-format writers,
 * laid out as the exporter lays them out, then read by DuckDB through the
 * committed views (schema/duckdb.sql) and, for Parquet, by hyparquet.
 */
const FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'parquet'];
const INSTANCE = 'ccc_xp_pre-cn-abc123';
const HOUR_08: TimeRange = { from: Date.UTC(2026, 10, 24, 8), to: Date.UTC(2026, 10, 24, 9) };
const HOUR_09: TimeRange = { from: Date.UTC(2026, 10, 24, 9), to: Date.UTC(2026, 10, 24, 10) };
const TRICKY_NAME = '张三,李四 "Jo"\nsecond line';
const normalize = (wire: Array<Record<string, unknown>>) => normalizeRecords(wire, { instanceId: INSTANCE, sourceTimeZone: 'Asia/Shanghai' });

// Hour 08 sorts first and sets DuckDB's sample: in it, five columns are null on every row.
const allNullColumns = { EvaluationScore: null, ActiveTransferId: null, PassiveTransferId: null, PassiveTransferIdType: null, HangUpTime: null };
const hour08 = normalize([
  aWireRecord({ Id: 'a-08-1', CreateTime: '2026-11-24 16:05:00', ...allNullColumns }),
  aWireRecord({ Id: 'a-08-2', CreateTime: '2026-11-24 16:59:59', ...allNullColumns }),
]);
const hour09 = normalize([
  aWireRecord({ Id: 'b-09-1', CreateTime: '2026-11-24 17:00:00', ServicerName: TRICKY_NAME, CallingNumber: '05718888777' }),
  aWireRecord({ Id: 'b-09-2', CreateTime: '2026-11-24 17:30:00', GroupId: '98765432109876543210', CallType: 2, EvaluationScore: 5 }),
]);
const orphan = normalize([aWireRecord({ Id: 'orphan-not-in-any-manifest', CreateTime: '2026-11-24 17:45:00' })]);
const everyRecord = [...hour08, ...hour09];

let root: string;
let db: DuckDBInstance;
let connection: DuckDBConnection;
const prefixOf = (format: ExportFormat) => `exports-${format}`;

async function writeFiles(format: ExportFormat, records: readonly NormalizedCallRecord[]): Promise<DataFile[]> {
  const writer = OUTPUT_FORMATS[format].createWriter({ maxRecords: 1_000, maxBytes: 1 << 30 });
  for (const record of records) await writer.add(record);
  return writer.finish();
}

/** Writes one hour's data files and its manifest, as the exporter does; returns the keys. */
async function exportHour(
  format: ExportFormat,
  hour: TimeRange,
  records: readonly NormalizedCallRecord[],
  options: { sequence?: number; withManifest?: boolean } = {},
): Promise<string[]> {
  const files = await writeFiles(format, records);
  const entries = files.map((file, i) => {
    const key = dataFileKey(prefixOf(format), INSTANCE, hour, (options.sequence ?? 0) + i, file.md5Hex, format);
    return {
      key,
      file,
      entry: {
        key,
        format,
        records: file.records,
        bytes: file.body.length,
        uncompressedBytes: file.uncompressedBytes,
        md5: file.md5Hex,
        from: isoUtc(hour.from),
        to: isoUtc(hour.to),
      },
    };
  });
  for (const { key, file } of entries) {
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), file.body);
  }
  if (options.withManifest !== false) {
    const manifest: PartitionManifest = {
      manifestVersion: MANIFEST_VERSION,
      schemaVersion: RECORD_SCHEMA_VERSION,
      instanceId: INSTANCE,
      partition: partitionOf(hour.from),
      window: { from: isoUtc(hour.from), to: isoUtc(hour.to) },
      timeZone: 'UTC',
      sourceTotalCount: records.length,
      recordCount: records.length,
      files: entries.map(({ entry }) => entry),
      runId: 'run-1',
      writtenAt: '2026-11-24T10:00:00.000Z',
      final: true,
      revision: 1,
    };
    await writeFile(join(root, manifestKey(prefixOf(format), INSTANCE, partitionOf(hour.from))), JSON.stringify(manifest));
  }
  return entries.map(({ key }) => key);
}

/** The committed view statement for a format (a view binds at creation, so only the format a prefix holds can be created). */
async function committedView(format: ExportFormat): Promise<string> {
  const text = await readFile(new URL('../../schema/duckdb.sql', import.meta.url), 'utf8');
  const statement = text.split(/;\n/).find((candidate) => candidate.includes(`VIEW call_records_${format} AS`));
  if (!statement) throw new Error(`schema/duckdb.sql has no view for ${format}`);
  return `${statement.slice(statement.indexOf('CREATE'))};`;
}

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  return (await (await connection.runAndReadAll(sql)).getRowObjectsJS()) as Array<Record<string, unknown>>;
}

async function columnTypes(relation: string): Promise<Record<string, string>> {
  return Object.fromEntries((await rows(`DESCRIBE ${relation}`)).map((row) => [row['column_name'] as string, row['column_type'] as string]));
}

/** Every column comparable across formats: times as epoch milliseconds (instants), BIGINTs as numbers. */
const comparable = (relation: string) =>
  `SELECT ${RECORD_COLUMNS.map((column) => (column.kind === 'timestamp' ? `epoch_ms("${column.name}") AS "${column.name}"` : `"${column.name}"`)).join(', ')} FROM ${relation} ORDER BY id`;

function expectedRow(record: NormalizedCallRecord): Record<string, unknown> {
  return Object.fromEntries(
    RECORD_COLUMNS.map((column) => [
      column.name,
      column.kind === 'timestamp' && record[column.name] !== null ? Date.parse(record[column.name] as string) : record[column.name],
    ]),
  );
}

const plain = (list: Array<Record<string, unknown>>) =>
  list.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])));

const DDL_TYPES = { string: 'VARCHAR', timestamp: 'TIMESTAMP WITH TIME ZONE', integer: 'BIGINT' } as const;
const ddlTypes = Object.fromEntries(RECORD_COLUMNS.map((column) => [column.name, DDL_TYPES[column.kind]]));
const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'duckdb-export-'));
  for (const format of FORMATS) {
    await exportHour(format, HOUR_08, hour08);
    await exportHour(format, HOUR_09, hour09);
    // A data file no manifest lists (a failed run's leftover): globs see it, manifest readers must not.
    await exportHour(format, HOUR_09, orphan, { sequence: 7, withManifest: false });
  }
  db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
  await connection.run("SET TimeZone = 'UTC'");
});

afterAll(async () => {
  connection?.closeSync();
  db?.closeSync();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('DuckDB over the export', () => {
  it.each(FORMATS)('reads %s through the committed view with exactly the DDL column types, all-null columns included', async (format) => {
    await connection.run(`SET VARIABLE export_root = ${sqlString(join(root, prefixOf(format)))}`);
    await connection.run(await committedView(format));
    expect(await columnTypes(`call_records_${format}`)).toStrictEqual({ ...ddlTypes, dt: 'VARCHAR', hour: 'VARCHAR' });
    // The all-null file on its own still has the typed columns (JSON Lines used to give JSON here).
    const allNullFile = (await rows(`SELECT file FROM glob(${sqlString(join(root, prefixOf(format), '**', 'hour=08', 'part-*'))})`))[0]?.['file'] as string;
    const alone = await columnTypes(`(SELECT * FROM ${duckdbReader(format, sqlString(allNullFile))})`);
    for (const column of RECORD_COLUMNS) expect(alone[column.name], `${format} ${column.name}`).toBe(ddlTypes[column.name]);
  });

  it('gives the same rows from the three formats: ids, values, times as instants, the leading zero and the tricky name', async () => {
    const byFormat: Record<string, Array<Record<string, unknown>>> = {};
    for (const format of FORMATS) {
      await connection.run(`SET VARIABLE export_root = ${sqlString(join(root, prefixOf(format)))}`);
      await connection.run(await committedView(format));
      byFormat[format] = plain(await rows(`${comparable(`call_records_${format}`)}`)).filter((row) => row['id'] !== orphan[0]?.id);
    }
    const expected = everyRecord.map(expectedRow).sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
    expect(byFormat['jsonl']).toStrictEqual(expected);
    expect(byFormat['csv']).toStrictEqual(expected);
    expect(byFormat['parquet']).toStrictEqual(expected);
    const tricky = byFormat['csv']?.find((row) => row['id'] === 'b-09-1');
    expect(tricky).toMatchObject({ callingNumber: '05718888777', servicerName: TRICKY_NAME });
    expect(byFormat['parquet']?.find((row) => row['id'] === 'b-09-2')?.['groupId']).toBe('98765432109876543210');
  });

  it('lets a CSV reader with no options detect the quote character from any file; types still come only from the DDL', async () => {
    const file = (await rows(`SELECT file FROM glob(${sqlString(join(root, prefixOf('csv'), '**', 'hour=09', 'part-*-0000-*'))})`))[0]?.['file'] as string;
    const sniffed = await rows(`SELECT id, callingNumber, servicerName, typeof(id) AS id_type FROM read_csv(${sqlString(file)}) ORDER BY id`);
    expect(sniffed[0]).toMatchObject({ id: 'b-09-1', callingNumber: '05718888777', servicerName: TRICKY_NAME });
    // Quoting does not stop DuckDB from guessing BIGINT for digit-only values (e.g. acid "7719786"): that is why the views declare every column.
    expect((await rows(`SELECT typeof(acid) AS t FROM read_csv(${sqlString(file)}) LIMIT 1`))[0]?.['t']).toBe('BIGINT');
  });

  it('puts a record in the UTC partition of its instant; Shanghai time is a conversion away', async () => {
    await connection.run(`SET VARIABLE export_root = ${sqlString(join(root, prefixOf('parquet')))}`);
    await connection.run(await committedView('parquet'));
    const [row] = await rows(
      "SELECT dt, hour, strftime(timezone('Asia/Shanghai', createTime), '%Y-%m-%d %H:%M:%S') AS local FROM call_records_parquet WHERE id = 'b-09-1'",
    );
    expect(row).toStrictEqual({ dt: '2026-11-24', hour: '09', local: '2026-11-24 17:00:00' });
  });

  it.each(FORMATS)('reads exactly the manifest-listed %s files with the generated manifest SQL (a leftover file is not read)', async (format) => {
    await connection.run(duckdbManifestSql(root, prefixOf(format), format));
    const ids = (await rows('SELECT id FROM call_records_listed ORDER BY id')).map((row) => row['id']);
    expect(ids).toStrictEqual(everyRecord.map((record) => record.id).sort());
    expect(await columnTypes('call_records_listed')).toStrictEqual({ ...ddlTypes, dt: 'VARCHAR', hour: 'VARCHAR' });
    // The glob view, by contrast, sees the leftover.
    await connection.run(`SET VARIABLE export_root = ${sqlString(join(root, prefixOf(format)))}`);
    await connection.run(await committedView(format));
    expect((await rows(`SELECT count(*)::INTEGER AS n FROM call_records_${format}`))[0]?.['n']).toBe(everyRecord.length + 1);
  });
});

describe('Parquet export files read by hyparquet (a second, independent reader)', () => {
  it('carry UTC-adjusted millisecond timestamps, INT64 integers, UTF-8 strings, and the same values', async () => {
    const [file] = await writeFiles('parquet', hour09);
    const buffer = (file?.body ?? Buffer.alloc(0)).buffer.slice(file?.body.byteOffset ?? 0, (file?.body.byteOffset ?? 0) + (file?.body.length ?? 0)) as ArrayBuffer;
    const schema = parquetMetadata(buffer).schema;
    expect(schema.find((element) => element.name === 'createTime')?.logical_type).toStrictEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
    expect(schema.find((element) => element.name === 'evaluationScore')).toMatchObject({ type: 'INT64' });
    expect(schema.find((element) => element.name === 'groupId')?.logical_type).toStrictEqual({ type: 'STRING' });
    const read = await parquetReadObjects({ file: buffer, columns: ['id', 'callingNumber', 'servicerName', 'createTime', 'evaluationScore'] });
    expect(read[0]).toStrictEqual({
      id: 'b-09-1',
      callingNumber: '05718888777',
      servicerName: TRICKY_NAME,
      createTime: new Date('2026-11-24T09:00:00Z'),
      evaluationScore: 4n,
    });
  });
});
