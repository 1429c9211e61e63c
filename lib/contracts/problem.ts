import { z } from 'zod';
import type { FieldIssue } from '../errors/input';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `type` URIs are tag URIs (RFC 4151, as RFC 9457's own example does): stable identifiers, not links. */
export const problemType = (code: string) => `tag:aiccs-call-records,2026:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/** One validation issue in a problem's `errors`. */
export const FieldIssueSchema = z.object({ path: z.string(), code: z.string(), message: z.string() }) satisfies z.ZodType<FieldIssue>;

/** RFC 9457 problem details as this API sends them, plus the stable `code`. */
export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().describe('The request id'),
  code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED'),
  errors: z.array(FieldIssueSchema).optional(),
  upstreamCode: z.string().optional(),
  upstreamRequestId: z.string().optional(),
  attempts: z.number().int().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;
