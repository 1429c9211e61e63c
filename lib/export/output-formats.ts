/**
 * The seam for output formats: a format is a content type plus a writer
 * that takes normalized records and hands back finished, content-addressed
 * file bodies. JSON Lines and CSV are gzip'd lines (data-files.ts);
 * Parquet is columnar (formats/parquet.ts).
 */
import type { ExportFormat } from '../contracts/export-format';
import type { NormalizedCallRecord } from '../contracts/call-record';
import { createDataFileWriter, serializeRecord, type DataFile, type FileLimits } from './data-files';
import { createParquetFileWriter } from './formats/parquet';

/** Takes records in their final order; rolls files at the limits; holds only finished (compressed) bytes. */
export interface RecordFileWriter {
  add(record: NormalizedCallRecord): Promise<void>;
  /** Closes the last file and returns every file, in order. */
  finish(): Promise<DataFile[]>;
  readonly records: number;
}

export interface OutputFormat {
  readonly contentType: string;
  createWriter(limits: FileLimits): RecordFileWriter;
}

const lineFormat = (format: Exclude<ExportFormat, 'parquet'>, contentType: string): OutputFormat => ({
  contentType,
  createWriter(limits) {
    const lines = createDataFileWriter(format, limits);
    return {
      add: (record) => lines.add(serializeRecord(record, format)),
      finish: () => lines.finish(),
      get records() {
        return lines.records;
      },
    };
  },
});

export const OUTPUT_FORMATS: Readonly<Record<ExportFormat, OutputFormat>> = {
  jsonl: lineFormat('jsonl', 'application/x-ndjson; charset=utf-8'),
  csv: lineFormat('csv', 'text/csv; charset=utf-8'),
  // Records go straight into column buffers (no serialized line); compression is inside the file, so no gzip wrapper.
  parquet: {
    contentType: 'application/vnd.apache.parquet',
    createWriter(limits) {
      const writer = createParquetFileWriter(limits);
      return {
        add: async (record) => writer.add(record),
        finish: async () => writer.finish(),
        get records() {
          return writer.records;
        },
      };
    },
  },
};
