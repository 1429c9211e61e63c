import { z } from 'zod';
import { RECORD_SCHEMA_VERSION } from './call-record';
import { ExportFormatSchema, type ExportFormat } from './export-format';
import { RECORD_COLUMNS } from './record-columns';

/**
 * `{EXPORT_PREFIX}/_schema.json`, written at a prefix's first export. It fixes
 * the prefix's format: engines read a prefix with one DDL, so mixed formats
 * would be silently skipped or fail (a `*.jsonl.gz` glob drops a CSV rerun).
 */
export const SchemaDocumentSchema = z
  .object({
    schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
    format: ExportFormatSchema,
    columns: z.array(z.object({ name: z.string(), type: z.enum(['string', 'timestamp', 'integer']), nullable: z.boolean() })),
    writtenAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'ExportSchemaDocument' });

export type SchemaDocument = z.infer<typeof SchemaDocumentSchema>;

export function schemaDocumentKey(prefix: string): string {
  return prefix === '' ? '_schema.json' : `${prefix}/_schema.json`;
}

/** The document for a prefix exported in `format`; columns come from the record schema, like the Parquet schema and the DDL. */
export function schemaDocument(format: ExportFormat, writtenAt: string): SchemaDocument {
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    format,
    columns: RECORD_COLUMNS.map((column) => ({ name: column.name, type: column.kind, nullable: column.nullable })),
    writtenAt,
  };
}

export function serializeSchemaDocument(document: SchemaDocument): Buffer {
  return Buffer.from(`${JSON.stringify(document, null, 2)}\n`);
}

/** Parses a stored `_schema.json`; a damaged one is reported (undefined), never trusted. */
export function parseSchemaDocument(body: Buffer): SchemaDocument | undefined {
  try {
    const parsed = SchemaDocumentSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
