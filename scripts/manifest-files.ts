// Prints DuckDB SQL that reads exactly the files the export's manifests list.
//   tsx scripts/manifest-files.ts <bucket-root> <prefix> <jsonl|csv|parquet> | duckdb
// <bucket-root>: what manifest keys are relative to, e.g. s3://my-bucket (OSS via its S3 endpoint) or a local copy of the bucket.
import { ExportFormatSchema } from '../lib/contracts/export-format';
import { duckdbManifestSql } from '../lib/records/schema-artifacts';

const [bucketRoot, prefix, format] = process.argv.slice(2);
const parsedFormat = ExportFormatSchema.safeParse(format);
if (bucketRoot === undefined || prefix === undefined || !parsedFormat.success) {
  console.error(`usage: tsx scripts/manifest-files.ts <bucket-root> <prefix> <${ExportFormatSchema.options.join('|')}>`);
  process.exit(2);
}
process.stdout.write(duckdbManifestSql(bucketRoot, prefix, parsedFormat.data));
