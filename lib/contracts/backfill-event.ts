import { z } from 'zod';
import { ExportFormatSchema } from './export-format';
import { InstanceIdSchema } from './instance-id';

const isoWithOffset = z.iso.datetime({ offset: true, message: 'expected ISO 8601 with an offset, e.g. 2026-11-01T00:00:00Z' });

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
    parentRunId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'expected a run id (letters, digits and "-", at most 64)' })
      .optional(),
  })
  .refine((event) => Date.parse(event.to) > Date.parse(event.from), { message: 'expected `to` after `from` (the range is [from, to))', path: ['to'] });
export type BackfillEvent = z.infer<typeof BackfillEventSchema>;
