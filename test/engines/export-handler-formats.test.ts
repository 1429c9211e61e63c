import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { startOssServer, type OssServer } from '../../dev/oss';
import type { ExportFormat } from '../../lib/contracts/export-format';
import { RECORD_COLUMNS } from '../../lib/contracts/record-columns';
import { createExportFunction } from '../../lib/export/export-function';
import { duckdbReader } from '../../lib/records/schema-artifacts';
import { readExportAsync, sourceIds, wireEpoch } from '../builders/export-reader';
import { TEST_CREDENTIALS, aContext } from '../builders/fc';
import { aCapturingLogger } from '../builders/log-sink';

/**
 * Issue 11's proof with real engines: the same window exported through the
 * real export handler (real ali-oss client) into the OSS test server's disk
 * store, once per format, each into its own prefix; then DuckDB reads the
 * files from disk through the committed views (schema/duckdb.sql), and
 * hyparquet reads the Parquet footers.
 */
const FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'parquet'];
const BUCKET = 'cdr-export';
const INSTANCE = 'ccc_xp_pre-cn-lake0001';
const START = Date.parse('2026-11-20T00:00:00Z');
const END = Date.parse('2026-11-20T02:00:00Z');
const NOW = Date.parse('2026-11-20T06:15:00Z');
const TRICKY_NAME = '张三,李四 "Jo"\nsecond line';
const LEADING_ZERO = '05718888777';
/** In hour 00 these columns are null on every record, so every file of that hour has them all-null. */
const ALL_NULL_IN_HOUR_00 = ['EvaluationScore', 'ActiveTransferId', 'PassiveTransferId', 'PassiveTransferIdType', 'HangUpTime'] as const;
const DDL_TYPES = { string: 'VARCHAR', timestamp: 'TIMESTAMP WITH TIME ZONE', integer: 'BIGINT' } as const;
const ddlTypes = Object.fromEntries(RECORD_COLUMNS.map((column) => [column.name, DDL_TYPES[column.kind]]));
const prefixOf = (format: ExportFormat) => `lake/${format}`;
const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

let dir: string;
let emulator: AiccsEmulator;
let oss: OssServer;
let records: RawCallRecord[];
let trickyId: string;
let db: DuckDBInstance;
let connection: DuckDBConnection;

/** The window's records: generated, then hour 00 stripped of five columns and one hour-01 record given the tricky name and number. */
function theRecords(): RawCallRecord[] {
  const generated = generateCallRecords({ instanceId: INSTANCE, seed: 111, from: START, to: END, count: 60 });
  const hour00 = generated.filter((record) => wireEpoch(record) < START + 3_600_000);
  const hour01 = generated.filter((record) => wireEpoch(record) >= START + 3_600_000);
  if (hour00.length === 0 || hour01.length === 0) throw new Error('the seed must put records in both hours');
  for (const record of hour00) for (const field of ALL_NULL_IN_HOUR_00) record[field] = null;
  const tricky = hour01[0] as RawCallRecord;
  tricky.ServicerName = TRICKY_NAME;
  tricky.CallingNumber = LEADING_ZERO;
  trickyId = tricky.Id;
  return generated;
}

function handlerFor(prefix: string, format?: ExportFormat) {
  return createExportFunction({
    env: {
      AICCS_ENDPOINT: emulator.url,
      EXPORT_INSTANCE_IDS: INSTANCE,
      OSS_REGION: 'oss-cn-hangzhou',
      OSS_BUCKET: BUCKET,
      OSS_ENDPOINT: oss.url,
      EXPORT_PREFIX: prefix,
      EXPORT_QPS: '80',
      EXPORT_LOOKBACK_HOURS: '6',
      ...(format ? { EXPORT_FORMAT: format } : {}),
    },
    logger: aCapturingLogger('aiccs-export').logger,
    now: () => NOW,
  });
}

const exportContext = () => aContext({ function: { name: 'aiccs-export', handler: 'index.handler', memory: 1024, timeout: 900 } });
const backfill = (extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ instanceId: INSTANCE, from: new Date(START).toISOString(), to: new Date(END).toISOString(), ...extra }));

/** Every file under the disk store (data, metadata sidecars) with a hash of its bytes. */
async function diskSnapshot(): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    snapshot[relative(dir, path)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return snapshot;
}

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  return (await (await connection.runAndReadAll(sql)).getRowObjectsJS()) as Array<Record<string, unknown>>;
}

async function columnTypes(relation: string): Promise<Record<string, string>> {
  return Object.fromEntries((await rows(`DESCRIBE ${relation}`)).map((row) => [row['column_name'] as string, row['column_type'] as string]));
}

/** Creates the committed view of `format` over its prefix on disk (a view binds at creation, so each format gets its own). */
async function useView(format: ExportFormat): Promise<string> {
  const text = await readFile(new URL('../../schema/duckdb.sql', import.meta.url), 'utf8');
  const statement = text.split(/;\n/).find((candidate) => candidate.includes(`VIEW call_records_${format} AS`));
  if (!statement) throw new Error(`schema/duckdb.sql has no view for ${format}`);
  await connection.run(`SET VARIABLE export_root = ${sqlString(join(dir, BUCKET, prefixOf(format)))}`);
  await connection.run(`${statement.slice(statement.indexOf('CREATE'))};`);
  return `call_records_${format}`;
}

/** Every column, comparable across formats: times as epoch milliseconds (instants), BIGINTs as numbers. */
async function comparableRows(format: ExportFormat): Promise<Array<Record<string, unknown>>> {
  const view = await useView(format);
  const projection = RECORD_COLUMNS.map((column) => (column.kind === 'timestamp' ? `epoch_ms("${column.name}") AS "${column.name}"` : `"${column.name}"`)).join(', ');
  return (await rows(`SELECT ${projection} FROM ${view} ORDER BY id`)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-lake-'));
  records = theRecords();
  const store = new RecordStore();
  store.add(INSTANCE, records);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, qps: 100_000 });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: [BUCKET], storage: { kind: 'disk', dir } });
  // EXPORT_FORMAT for JSON Lines and CSV, the event's `format` for Parquet: both ways of asking.
  for (const format of FORMATS) {
    const handler = format === 'parquet' ? handlerFor(prefixOf(format)) : handlerFor(prefixOf(format), format);
    await handler(backfill(format === 'parquet' ? { format } : {}), exportContext());
  }
  db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
  await connection.run("SET TimeZone = 'UTC'");
}, 60_000);

afterAll(async () => {
  connection?.closeSync();
  db?.closeSync();
  await oss?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the export handler writes each format to disk, and engines read it back', () => {
  it.each(FORMATS)('%s: every source record exactly once in manifest-listed files, and _schema.json names the format', async (format) => {
    const contents = await readExportAsync(oss, BUCKET, prefixOf(format), INSTANCE);
    expect([...contents.ids].sort()).toStrictEqual(sourceIds(records, START, END).sort());
    expect(contents.unlisted).toStrictEqual([]);
    for (const manifest of contents.manifests)
      for (const file of manifest.files) expect(file.key.endsWith(format === 'parquet' ? '.parquet' : `.${format}.gz`) && file.format === format).toBe(true);
    const document = JSON.parse(await readFile(join(dir, BUCKET, prefixOf(format), '_schema.json'), 'utf8')) as Record<string, unknown>;
    expect(document).toMatchObject({ schemaVersion: 1, format, writtenAt: '2026-11-20T06:15:00Z' });
    expect((document['columns'] as unknown[]).length).toBe(30);
  });

  it.each(FORMATS)('%s through the committed DuckDB view: exactly the DDL column types, also for a file whose columns are all null', async (format) => {
    const view = await useView(format);
    expect(await columnTypes(view)).toStrictEqual({ ...ddlTypes, dt: 'VARCHAR', hour: 'VARCHAR' });
    const [hour00File] = (await rows(`SELECT file FROM glob(${sqlString(join(dir, BUCKET, prefixOf(format), '**', 'hour=00', 'part-*'))})`)).map(
      (row) => row['file'] as string,
    );
    expect(hour00File).toBeDefined();
    const nulls = await rows(
      `SELECT count(*) AS n, count(evaluationScore) AS scores, count(hangUpTime) AS hangUps FROM ${duckdbReader(format, sqlString(hour00File ?? ''))}`,
    );
    expect(nulls[0]).toMatchObject({ scores: 0n, hangUps: 0n });
    expect(Number(nulls[0]?.['n'])).toBeGreaterThan(0);
    const alone = await columnTypes(`(SELECT * FROM ${duckdbReader(format, sqlString(hour00File ?? ''))})`);
    for (const column of RECORD_COLUMNS) expect(alone[column.name], `${format} ${column.name}`).toBe(ddlTypes[column.name]);
  });

  it('gives the same rows from the three formats (ids, values, times as instants), with the tricky name and the leading zero intact', async () => {
    // One at a time: each view reads the session variable export_root when it is created.
    const jsonl = await comparableRows('jsonl');
    const csv = await comparableRows('csv');
    const parquet = await comparableRows('parquet');
    expect(jsonl).toHaveLength(records.length);
    expect(csv).toStrictEqual(jsonl);
    expect(parquet).toStrictEqual(jsonl);
    for (const format of FORMATS) {
      const [row] = await rows(`SELECT servicerName, callingNumber FROM ${await useView(format)} WHERE id = ${sqlString(trickyId)}`);
      expect(row, format).toStrictEqual({ servicerName: TRICKY_NAME, callingNumber: LEADING_ZERO });
    }
  });

  it('writes Parquet an independent reader (hyparquet) sees with the contract types: UTC-adjusted timestamps, INT64 integers, STRING strings', async () => {
    const contents = await readExportAsync(oss, BUCKET, prefixOf('parquet'), INSTANCE);
    const key = contents.manifests[0]?.files[0]?.key ?? '';
    const body = await readFile(join(dir, BUCKET, key));
    const schema = parquetMetadata(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer).schema;
    const byName = Object.fromEntries(schema.slice(1).map((element) => [element.name, element]));
    expect(schema.slice(1).map((element) => element.name)).toStrictEqual(RECORD_COLUMNS.map((column) => column.name));
    expect(byName['createTime']).toMatchObject({ type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true } });
    expect(byName['callContinueTime']).toMatchObject({ type: 'INT64', repetition_type: 'OPTIONAL' });
    expect(byName['groupId']).toMatchObject({ type: 'BYTE_ARRAY', logical_type: { type: 'STRING' } });
  });

  it('refuses a run in another format than the prefix holds: FORMAT_CONFLICT, and not one byte on disk changes', async () => {
    const before = await diskSnapshot();
    const direct = await handlerFor(prefixOf('jsonl'))(backfill({ format: 'parquet' }), exportContext()).catch((error: unknown) => error);
    expect(direct).toMatchObject({ code: 'FORMAT_CONFLICT', status: 409 });
    expect((direct as Error).message).toContain('holds jsonl files');
    expect((direct as Error).message).toContain('another EXPORT_PREFIX');
    const timer = Buffer.from(JSON.stringify({ triggerTime: '2026-11-20T06:15:00Z', triggerName: 'hourly', payload: '{"format":"csv"}' }));
    await expect(handlerFor(prefixOf('parquet'), 'parquet')(timer, exportContext())).rejects.toMatchObject({ code: 'FORMAT_CONFLICT' });
    expect(await diskSnapshot()).toStrictEqual(before);
  });
});
