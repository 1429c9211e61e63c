import { z } from 'zod';
import { NormalizedCallRecordSchema, RECORD_SCHEMA_VERSION } from './call-record';

/** The 200 body of `POST /` (JSON); NDJSON and CSV carry the page facts in X-* headers instead. */
export const QueryResponseSchema = z.object({
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  records: z.array(NormalizedCallRecordSchema),
  page: z.object({
    pageNo: z.number().int().describe('First page returned'),
    pageSize: z.number().int(),
    totalCount: z.number().int().describe("The API's TotalCount for the filter"),
    hasMore: z.boolean().describe('More records match than were returned'),
  }),
  requestId: z.string().nullable().describe("AICCS's RequestId of the (first) page"),
});
export type QueryResponse = z.infer<typeof QueryResponseSchema>;
