import { z } from 'zod';
import { RECORD_SCHEMA_VERSION } from './call-record';
import { ExportFormatSchema } from './export-format';

export const MANIFEST_VERSION = 1;

const DataFileEntrySchema = z.object({
  key: z.string(),
  format: ExportFormatSchema,
  records: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative().describe('Compressed size'),
  uncompressedBytes: z.number().int().nonnegative(),
  md5: z.string().regex(/^[0-9a-f]{32}$/),
  /** The piece of the hour this file covers, half-open. */
  from: z.string(),
  to: z.string(),
});

/**
 * `_manifest.json` of one partition (instance, UTC date, UTC hour), written
 * after every data file it lists is durable. Readers use exactly these files.
 */
export const PartitionManifestSchema = z.object({
  manifestVersion: z.literal(MANIFEST_VERSION),
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  instanceId: z.string(),
  partition: z.object({ dt: z.string(), hour: z.string() }),
  /** The hour the manifest covers, half-open, UTC. */
  window: z.object({ from: z.string(), to: z.string() }),
  timeZone: z.literal('UTC'),
  /** Sum over the hour's pieces of the API's TotalCount. */
  sourceTotalCount: z.number().int().nonnegative(),
  recordCount: z.number().int().nonnegative(),
  files: z.array(DataFileEntrySchema),
  runId: z.string(),
  /** The backfill job that published this hour (a re-invocation of the same job skips it). */
  jobId: z.string().optional(),
  writtenAt: z.string(),
  /**
   * Final: the hour ended at least EXPORT_FINALIZE_AFTER_HOURS before it was read, and is not read again unless its count
   * changes. Provisional (false) hours are read once more when old enough. Manifests from before this field read as false,
   * so the timer finalizes them once (a read, at worst an unchanged manifest with a new revision).
   */
  final: z.boolean().default(false),
  /** 1 on first publication, +1 each time the partition is replaced. Absent in older manifests: 1. */
  revision: z.number().int().positive().default(1),
  /** ISO 8601 UTC of the last read of the hour, or of the count check that led to this manifest. Absent in older manifests. */
  checkedAt: z.string().optional(),
});

export type PartitionManifest = z.infer<typeof PartitionManifestSchema>;
export type DataFileEntry = z.infer<typeof DataFileEntrySchema>;

/** Parses a stored manifest; a damaged one is reported, not trusted. */
export function parseManifest(body: Buffer): PartitionManifest | undefined {
  try {
    const parsed = PartitionManifestSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
