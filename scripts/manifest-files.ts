// Prints DuckDB SQL that reads exactly the files the export's manifests list.
//   tsx scripts/manifest-files.ts <bucket-root> <prefix> <jsonl|csv|parquet> | duckdb
// <bucket-root>: what manifest keys are relative to, e.g. s3://my-bucket (OSS via its S3 endpoint) or a local copy of the bucket.
import { EXPORT_FORMATS, type ExportFormat } from '../lib/export/object-keys';
import { duckdbManifestSql } from '../lib/records/schema-artifacts';

const [bucketRoot, prefix, format] = process.argv.slice(2);
if (bucketRoot === undefined || prefix === undefined || !EXPORT_FORMATS.includes(format as ExportFormat)) {
  console.error(`usage: tsx scripts/manifest-files.ts <bucket-root> <prefix> <${EXPORT_FORMATS.join('|')}>`);
  process.exit(2);
}
process.stdout.write(duckdbManifestSql(bucketRoot, prefix, format as ExportFormat));
