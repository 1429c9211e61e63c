import { z } from 'zod';
import { NormalizedCallRecordSchema, RECORD_SCHEMA_VERSION } from './call-record';

/** The 200 body of `POST /`. */
export const QueryResponseSchema = z
  .object({
    schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
    records: z.array(NormalizedCallRecordSchema),
    page: z.object({
      pageNo: z.number().int().describe('First page returned'),
      pageSize: z.number().int(),
      totalCount: z.number().int().describe("The API's TotalCount for the filter"),
      hasMore: z.boolean().describe('More records match than were returned'),
    }),
    requestId: z.string().nullable().describe("AICCS's RequestId of the (first) page"),
  })
  .meta({ id: 'QueryResponse' });
export type QueryResponse = z.infer<typeof QueryResponseSchema>;

/** RFC 9457 problem details as this API sends them. */
export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('The request id'),
    code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED'),
    errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
    upstreamCode: z.string().optional(),
    upstreamRequestId: z.string().optional(),
    attempts: z.number().int().optional(),
  })
  .meta({ id: 'Problem' });
