import { z } from 'zod';
import { ExportFormatSchema } from './export-format';
import { InstanceIdSchema } from './instance-id';

/** The FC 3.0 timer trigger event. */
export const TimerEventSchema = z.object({
  triggerTime: z.iso.datetime({ offset: true }),
  triggerName: z.string().min(1),
  payload: z.string().optional(),
});
export type TimerEvent = z.infer<typeof TimerEventSchema>;

/** JSON overrides a timer trigger's `payload` may carry. */
export const TimerPayloadSchema = z.strictObject({
  instanceIds: z.array(InstanceIdSchema).min(1).max(100).optional(),
  format: ExportFormatSchema.optional(),
});
export type TimerPayload = z.infer<typeof TimerPayloadSchema>;
