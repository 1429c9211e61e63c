import { z } from 'zod';
import { NormalizedCallRecordSchema, RECORD_SCHEMA_VERSION } from '../contracts/call-record';
import { RECORD_COLUMNS, type ColumnKind } from '../contracts/record-columns';

/**
 * The reader-side artifacts committed under `schema/`, generated from the
 * zod record schema (via RECORD_COLUMNS) by `npm run schema`. A test checks
 * the committed files equal this output, so DDL and data cannot drift apart.
 */

type Dialect = Readonly<Record<ColumnKind, string>>;

/** DuckDB: times are instants (the offsets in JSON and CSV are honoured). */
const DUCKDB: Dialect = { string: 'VARCHAR', timestamp: 'TIMESTAMPTZ', integer: 'BIGINT' };
/** Spark SQL and Hive over Parquet: Parquet's UTC-adjusted timestamps are TIMESTAMP (an instant shown in the session zone). */
const SPARK: Dialect = { string: 'STRING', timestamp: 'TIMESTAMP', integer: 'BIGINT' };
/** MaxCompute over Parquet. */
const MAXCOMPUTE_PARQUET: Dialect = { string: 'STRING', timestamp: 'TIMESTAMP', integer: 'BIGINT' };
/** MaxCompute over text (JSON SerDe, CSV): times stay ISO 8601 strings with their offset; convert in the query. */
const MAXCOMPUTE_TEXT: Dialect = { string: 'STRING', timestamp: 'STRING', integer: 'BIGINT' };
/** Hive text SerDes (JsonSerDe, OpenCSVSerde) parse no offsets: times stay strings. */
const HIVE_TEXT: Dialect = { string: 'STRING', timestamp: 'STRING', integer: 'BIGINT' };

const HEADER = (title: string) =>
  `-- ${title}\n-- Generated from the record schema (version ${RECORD_SCHEMA_VERSION}) by \`npm run schema\`; do not edit by hand.\n` +
  `-- One export prefix holds one format: point each table at a prefix written in its format.\n`;

const columnList = (dialect: Dialect, quote: (name: string) => string = (name) => `\`${name}\``) =>
  RECORD_COLUMNS.map((column) => `  ${quote(column.name)} ${dialect[column.kind]}`).join(',\n');

/** JSON Schema (2020-12) of one record, as written to JSON Lines files and returned by the query API. */
export function recordJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(NormalizedCallRecordSchema), null, 2)}\n`;
}

/** Partition columns, in path order: `instance=…/dt=…/hour=…/`, all UTC. */
const PARTITIONS = '`instance` STRING, `dt` STRING, `hour` STRING';
const MC_LOCATION = "'oss://oss-<region>-internal.aliyuncs.com/<bucket>/<prefix>/'";
const MC_ROLE = "'odps.properties.rolearn'='acs:ram::<uid>:role/aliyunodpsdefaultrole'";

export function maxComputeDdl(): string {
  return `${HEADER('MaxCompute external tables over the export (OSS).')}
-- Then register partitions: MSCK REPAIR TABLE <table> ADD PARTITIONS; (or ALTER TABLE <table> ADD IF NOT EXISTS PARTITION (instance='…', dt='…', hour='…');)

-- Parquet (recommended): typed columns, times as TIMESTAMP instants.
CREATE EXTERNAL TABLE IF NOT EXISTS call_records_parquet (
${columnList(MAXCOMPUTE_PARQUET)}
)
PARTITIONED BY (${PARTITIONS})
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES (${MC_ROLE})
STORED AS PARQUET
LOCATION ${MC_LOCATION};

-- CSV (gzip): the built-in reader needs gzip input enabled and the header row skipped. Times are ISO 8601 strings with an offset.
CREATE EXTERNAL TABLE IF NOT EXISTS call_records_csv (
${columnList(MAXCOMPUTE_TEXT)}
)
PARTITIONED BY (${PARTITIONS})
STORED BY 'com.aliyun.odps.CsvStorageHandler'
WITH SERDEPROPERTIES (${MC_ROLE}, 'odps.text.option.gzip.input.enabled'='true', 'odps.text.option.header.lines.count'='1')
LOCATION ${MC_LOCATION};

-- JSON Lines (gzip): JSON tables take no TIMESTAMP columns, so times are strings; whether gzip is read by extension is unconfirmed.
CREATE EXTERNAL TABLE IF NOT EXISTS call_records_jsonl (
${columnList(MAXCOMPUTE_TEXT)}
)
PARTITIONED BY (${PARTITIONS})
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
WITH SERDEPROPERTIES (${MC_ROLE})
STORED AS TEXTFILE
LOCATION ${MC_LOCATION};
`;
}

const SPARK_LOCATION = "'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/'";

/** Spark SQL data-source tables (EMR Spark; the Hive metastore or DLF keeps them). Partition columns come from the `key=value` path segments. */
export function sparkDdl(): string {
  const table = (name: string, using: string, options: string) =>
    `CREATE TABLE IF NOT EXISTS ${name} (\n${columnList(SPARK)},\n  ${PARTITIONS}\n)\nUSING ${using}\n${options}PARTITIONED BY (\`instance\`, \`dt\`, \`hour\`)\nLOCATION ${SPARK_LOCATION};\n`;
  return `${HEADER('Spark SQL tables over the export (EMR Spark with JindoSDK; Hive metastore or DLF).')}
-- Spark skips _manifest.json and other files whose names start with "_". Then: MSCK REPAIR TABLE <table>;
-- Times: Parquet carries instants; JSON and CSV carry ISO 8601 with an offset, which Spark's default timestampFormat parses to the same instant.

${table('call_records_parquet', 'parquet', '')}
${table('call_records_csv', 'csv', "OPTIONS (header 'true', quote '\"', escape '\"', multiLine 'true', mode 'FAILFAST')\n")}
${table('call_records_jsonl', 'json', "OPTIONS (mode 'FAILFAST')\n")}`;
}

const HIVE_LOCATION = SPARK_LOCATION;

/** Hive external tables (Hive on EMR, or any Hive-metastore reader such as DLF). */
export function hiveDdl(): string {
  const table = (name: string, dialect: Dialect, storage: string) =>
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${name} (\n${columnList(dialect)}\n)\nPARTITIONED BY (${PARTITIONS})\n${storage}\nLOCATION ${HIVE_LOCATION};\n`;
  return `${HEADER('Hive external tables over the export.')}
-- Then: MSCK REPAIR TABLE <table>;

${table('call_records_parquet', SPARK, 'STORED AS PARQUET')}
-- OpenCSVSerde reads every column as STRING whatever is declared; cast in the query (or use the Parquet table).
${table('call_records_csv', { string: 'STRING', timestamp: 'STRING', integer: 'STRING' }, "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'\nWITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"', 'escapeChar' = '\"')\nSTORED AS TEXTFILE\nTBLPROPERTIES ('skip.header.line.count' = '1')")}
${table('call_records_jsonl', HIVE_TEXT, "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\nSTORED AS TEXTFILE")}`;
}

/** The DuckDB column map (`columns = {...}`) for the text readers. */
function duckdbColumns(): string {
  return `{\n${RECORD_COLUMNS.map((column) => `    '${column.name}': '${DUCKDB[column.kind]}'`).join(',\n')}\n  }`;
}

/** The typed projection every DuckDB view ends in, so the three formats give the same column types. */
function duckdbProjection(): string {
  return [
    ...RECORD_COLUMNS.map((column) => `  CAST("${column.name}" AS ${DUCKDB[column.kind]}) AS "${column.name}"`),
    '  CAST("dt" AS VARCHAR) AS "dt"',
    '  CAST("hour" AS VARCHAR) AS "hour"',
  ].join(',\n');
}

const DUCKDB_HIVE = "hive_partitioning = true, hive_types = {'instance': VARCHAR, 'dt': VARCHAR, 'hour': VARCHAR}";

/** The DuckDB reader call for one format over `files` (a glob, or a list from `getvariable`). */
export function duckdbReader(format: 'jsonl' | 'csv' | 'parquet', files: string): string {
  switch (format) {
    case 'parquet':
      return `read_parquet(${files}, ${DUCKDB_HIVE})`;
    case 'csv':
      return `read_csv(${files}, header = true, delim = ',', quote = '"', escape = '"', compression = 'gzip', ${DUCKDB_HIVE},\n  columns = ${duckdbColumns()})`;
    case 'jsonl':
      return `read_json(${files}, format = 'newline_delimited', compression = 'gzip', ${DUCKDB_HIVE},\n  columns = ${duckdbColumns()})`;
  }
}

export const DUCKDB_VIEW_NAMES = { parquet: 'call_records_parquet', csv: 'call_records_csv', jsonl: 'call_records_jsonl' } as const;

/**
 * DuckDB views, one per format, over the variable `export_root` (the export
 * prefix: a local folder or `s3://bucket/prefix` with the OSS S3 endpoint).
 * The globs name only data files, so `_manifest.json` and `_state/` are never read.
 */
export function duckdbViews(): string {
  const view = (format: 'jsonl' | 'csv' | 'parquet', extension: string) =>
    `CREATE OR REPLACE VIEW ${DUCKDB_VIEW_NAMES[format]} AS\nSELECT\n${duckdbProjection()}\nFROM ${duckdbReader(format, `getvariable('export_root') || '/instance=*/dt=*/hour=*/part-*.${extension}'`)};\n`;
  return `${HEADER('DuckDB views over the export, typed explicitly (times TIMESTAMPTZ).')}
-- First: SET VARIABLE export_root = '/path/to/export/prefix';  (no trailing slash)
-- A view fails to bind when no file matches its glob: create only the view of the format your prefix holds.

${view('parquet', 'parquet')}
${view('csv', 'csv.gz')}
${view('jsonl', 'jsonl.gz')}`;
}

/** Every generated artifact, by its path under the repository root. */
export function schemaArtifacts(): Record<string, string> {
  return {
    'schema/call-record.schema.json': recordJsonSchema(),
    'schema/duckdb.sql': duckdbViews(),
    'schema/maxcompute.sql': maxComputeDdl(),
    'schema/spark.sql': sparkDdl(),
    'schema/hive.sql': hiveDdl(),
  };
}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * DuckDB SQL that reads exactly the data files the manifests list (manifest
 * semantics: files of failed or superseded runs are never read). DuckDB reads
 * the `_manifest.json` files itself; a table function cannot take a subquery,
 * so the list goes through a variable. `bucketRoot` is what manifest keys are
 * relative to: a local copy of the bucket or `s3://<bucket>`.
 */
export function duckdbManifestSql(bucketRoot: string, prefix: string, format: 'jsonl' | 'csv' | 'parquet'): string {
  const root = bucketRoot.replace(/\/+$/, '');
  const manifests = `${root}/${prefix === '' ? '' : `${prefix}/`}instance=*/dt=*/hour=*/_manifest.json`;
  return `SET VARIABLE files = (
  SELECT coalesce(list(${sqlString(`${root}/`)} || file.key ORDER BY file.key), [])
  FROM (SELECT unnest(files) AS file FROM read_json(${sqlString(manifests)}, format = 'auto', columns = {'files': 'STRUCT("key" VARCHAR, "format" VARCHAR)[]'}))
  WHERE file.format = ${sqlString(format)}
);
CREATE OR REPLACE VIEW call_records_listed AS
SELECT
${duckdbProjection()}
FROM ${duckdbReader(format, "getvariable('files')")};
`;
}
