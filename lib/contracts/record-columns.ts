import { z } from 'zod';
import { NormalizedCallRecordSchema, RECORD_FIELDS, type NormalizedCallRecord } from './call-record';

/**
 * The tabular view of the record schema: one column per field, in schema
 * order, each of one of three kinds. Parquet files, the generated DDL and
 * `_schema.json` all derive from this list, so they cannot disagree.
 */
export type ColumnKind = 'string' | 'timestamp' | 'integer';

export interface RecordColumn {
  name: keyof NormalizedCallRecord;
  kind: ColumnKind;
  /** Every column is nullable in the files, even the ones the normalizer always fills (instanceId, callType): readers never need to know which. */
  nullable: true;
  description?: string;
}

function columnOf(name: keyof NormalizedCallRecord): RecordColumn {
  const field: z.ZodType = NormalizedCallRecordSchema.shape[name];
  const description = field.description;
  const inner = field instanceof z.ZodNullable ? (field.unwrap() as z.ZodType) : field;
  let kind: ColumnKind;
  if (field.meta()?.['format'] === 'date-time') kind = 'timestamp';
  else if (inner instanceof z.ZodNumber) {
    // A column type is a promise to every reader; a non-integer number field would need a decision (DOUBLE? DECIMAL?), not a default.
    if (inner.format !== 'safeint') throw new Error(`record field ${name} is a number but not an integer; choose its column type explicitly`);
    kind = 'integer';
  } else if (inner instanceof z.ZodString || inner instanceof z.ZodEnum) kind = 'string';
  else throw new Error(`record field ${name} has no column kind (a ${inner.constructor.name})`);
  return { name, kind, nullable: true, ...(description !== undefined ? { description } : {}) };
}

export const RECORD_COLUMNS: readonly RecordColumn[] = Object.freeze(RECORD_FIELDS.map(columnOf));
