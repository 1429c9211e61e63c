import { z } from 'zod';
import { ExportFormatSchema } from './export-format';

/** A backfill job's id: given by the caller, or assigned by the export function. Part of OSS keys and async task ids. */
export const JobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'expected a job id of 1–64 letters, digits, "_" or "-"' });

/** A direct invocation of the export function about a job: its status, or stopping it. */
export const JobActionEventSchema = z.strictObject({
  action: z.enum(['status', 'stop'], { message: 'expected "status" or "stop"' }),
  jobId: JobIdSchema,
});
export type JobActionEvent = z.infer<typeof JobActionEventSchema>;

export const JobStateSchema = z.enum(['running', 'succeeded', 'failed', 'stopped']);
export type JobState = z.infer<typeof JobStateSchema>;

/** A range's state; `pending` until its first invocation records progress. */
export const RangeStateSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'stopped']);
export type RangeState = z.infer<typeof RangeStateSchema>;

export const RangeStatusSchema = z.object({
  from: z.string(),
  to: z.string(),
  state: RangeStateSchema,
  hoursTotal: z.number().int().nonnegative(),
  hoursDone: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  throttles: z.number().int().nonnegative(),
  /** Continuations used so far (0: the range finished, or is running, in its first invocation). */
  continuations: z.number().int().nonnegative(),
  /** `CODE: detail` of what ended the range, or of the last early stop. */
  error: z.string().optional(),
});
export type RangeStatus = z.infer<typeof RangeStatusSchema>;

/** What `{"action":"status"}` (and `stop`) answers: the job folded from its progress objects in OSS. */
export const JobStatusSchema = z.object({
  jobId: JobIdSchema,
  instanceId: z.string(),
  from: z.string(),
  to: z.string(),
  format: ExportFormatSchema,
  state: JobStateSchema,
  hoursTotal: z.number().int().nonnegative(),
  hoursDone: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  throttles: z.number().int().nonnegative(),
  continuations: z.number().int().nonnegative(),
  ranges: z.array(RangeStatusSchema),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
});
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** What starting a backfill answers at once (a fanned-out job's ranges run on as async tasks). */
export const JobStartedSchema = z.object({ jobId: JobIdSchema, state: z.literal('running').or(JobStateSchema) });
