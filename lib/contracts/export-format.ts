import { z } from 'zod';

/** The data file formats an export writes (EXPORT_FORMAT, event `format`, manifest entries). */
export const ExportFormatSchema = z.enum(['jsonl', 'csv', 'parquet']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;
