import { z } from 'zod';
import { NormalizedCallRecordSchema, RECORD_SCHEMA_VERSION } from './call-record';

/** The 200 body of `POST /` (JSON); NDJSON and CSV carry the page facts in X-* headers instead. */
export const QueryResponseSchema = z.object({
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  records: z.array(NormalizedCallRecordSchema),
  page: z.object({
    pageNo: z.number().int().describe('The page returned; in a walk (all or a walk cursor), the number of this response in the walk'),
    pageSize: z.number().int().describe('Upstream page size (always 50 in a walk)'),
    totalCount: z.number().int().describe("The API's TotalCount for the filter; in a walk, for the whole window when the walk started"),
    hasMore: z.boolean().describe('The result continues: follow nextCursor'),
    nextCursor: z
      .string()
      .nullable()
      .optional()
      .describe(
        'Send {"cursor": nextCursor} (optionally with limit or all) for the rest; null when the result is complete. Opaque; well under 1 KB for ordinary filters',
      ),
  }),
  requestId: z.string().nullable().describe("AICCS's RequestId of the first page this response read"),
});
export type QueryResponse = z.infer<typeof QueryResponseSchema>;
