import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RECORD_FIELDS, RECORD_SCHEMA_VERSION } from '../../lib/contracts/call-record';
import { parseSchemaDocument, schemaDocument, schemaDocumentKey, serializeSchemaDocument } from '../../lib/contracts/schema-document';
import { schemaArtifacts } from '../../lib/records/schema-artifacts';

describe('schema/ artifacts', () => {
  it.each(Object.keys(schemaArtifacts()))(
    '%s is committed exactly as the generator writes it now (run `npm run schema` after changing the record schema)',
    async (path) => {
      const committed = await readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(committed).toBe(schemaArtifacts()[path]);
    },
  );

  it('types every record column in every DDL: 30 columns, times and integers where the record has them', () => {
    const artifacts = schemaArtifacts();
    const duckdb = artifacts['schema/duckdb.sql'] ?? '';
    expect(duckdb.match(/CAST\("createTime" AS TIMESTAMPTZ\)/g)).toHaveLength(3);
    expect(duckdb.match(/CAST\("groupId" AS VARCHAR\)/g)).toHaveLength(3);
    expect(duckdb.match(/CAST\("evaluationScore" AS BIGINT\)/g)).toHaveLength(3);
    const parquetTable =
      (artifacts['schema/maxcompute.sql'] ?? '').split('CREATE EXTERNAL TABLE IF NOT EXISTS call_records_parquet (')[1]?.split(')\nPARTITIONED')[0] ?? '';
    expect(
      parquetTable
        .trim()
        .split(',\n')
        .map((line) => line.trim().split(' ')[0]?.replaceAll('`', '')),
    ).toStrictEqual(RECORD_FIELDS);
    expect(parquetTable).toContain('`createTime` TIMESTAMP');
    expect(parquetTable).toContain('`callContinueTime` BIGINT');
    const jsonSchema = JSON.parse(artifacts['schema/call-record.schema.json'] ?? '{}') as { properties: Record<string, { anyOf?: Array<{ type?: string }> }> };
    expect(Object.keys(jsonSchema.properties)).toStrictEqual(RECORD_FIELDS);
    expect(jsonSchema.properties['evaluationScore']?.anyOf?.map((branch) => branch.type)).toStrictEqual(['integer', 'null']);
  });
});

describe('_schema.json', () => {
  it('names the schema version, the format and the columns in schema order, and parses back', () => {
    const document = schemaDocument('parquet', '2026-11-24T10:00:00Z');
    expect(document).toMatchObject({ schemaVersion: RECORD_SCHEMA_VERSION, format: 'parquet', writtenAt: '2026-11-24T10:00:00Z' });
    expect(document.columns.map((column) => column.name)).toStrictEqual(RECORD_FIELDS);
    expect(document.columns.find((column) => column.name === 'hangUpTime')).toStrictEqual({ name: 'hangUpTime', type: 'timestamp', nullable: true });
    expect(parseSchemaDocument(serializeSchemaDocument(document))).toStrictEqual(document);
    expect(parseSchemaDocument(Buffer.from('{"format":"xml"}'))).toBeUndefined();
    expect(schemaDocumentKey('exports/aiccs')).toBe('exports/aiccs/_schema.json');
    expect(schemaDocumentKey('')).toBe('_schema.json');
  });
});
