import { z } from 'zod';
import { ExportFormatSchema } from './export-format';
import { JobIdSchema } from './export-job';
import { InstanceIdSchema } from './instance-id';
import { wellFormedString } from './well-formed';

// Well-formed first, so a lone surrogate is named as such rather than as a bad date.
const isoWithOffset = wellFormedString().pipe(z.iso.datetime({ offset: true, message: 'expected ISO 8601 with an offset, e.g. 2026-11-01T00:00:00Z' }));

/**
 * A backfill request `[from, to)`: the export function's direct or
 * asynchronous event, what the SDK's exportRange sends, and what a fan-out
 * hands each child range. Tiny: FC's async payload limit is 128 KB.
 */
export const BackfillEventSchema = z
  .strictObject({
    instanceId: InstanceIdSchema,
    from: isoWithOffset,
    to: isoWithOffset,
    format: ExportFormatSchema.optional(),
    /** Set by the export function on the ranges it fans out: they run with EXPORT_QPS ÷ EXPORT_FANOUT_PARALLELISM. */
    parentRunId: wellFormedString()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'expected a run id (letters, digits and "-", at most 64)' })
      .optional(),
    /** The job this backfill belongs to; assigned when absent. The same id again skips the hours this job already published. */
    jobId: JobIdSchema.optional(),
    /** Set by the export function on the invocations it dispatches: which range of the job, which continuation of it, which start of the job. */
    rangeIndex: z.number().int().min(0).max(10_000).optional(),
    continuation: z.number().int().min(0).max(10_000).optional(),
    generation: z.number().int().min(0).max(10_000).optional(),
  })
  .refine((event) => Date.parse(event.to) > Date.parse(event.from), { message: 'expected `to` after `from` (the range is [from, to))', path: ['to'] });
export type BackfillEvent = z.infer<typeof BackfillEventSchema>;
