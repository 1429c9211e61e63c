import { z } from 'zod';
import { ExportFormatSchema } from './export-format';
import { InstanceIdSchema } from './instance-id';
import { wellFormedString } from './well-formed';

/** The FC 3.0 timer trigger event. */
export const TimerEventSchema = z.object({
  triggerTime: wellFormedString().pipe(z.iso.datetime({ offset: true })),
  // Well-formed: a lone surrogate fails the event here instead of reaching logs and object keys.
  triggerName: wellFormedString().min(1),
  payload: wellFormedString().optional(),
});
export type TimerEvent = z.infer<typeof TimerEventSchema>;

/** JSON overrides a timer trigger's `payload` may carry. */
export const TimerPayloadSchema = z.strictObject({
  instanceIds: z.array(InstanceIdSchema).min(1).max(100).optional(),
  format: ExportFormatSchema.optional(),
});
export type TimerPayload = z.infer<typeof TimerPayloadSchema>;
