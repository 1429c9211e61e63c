import { z } from 'zod';
import { INSTANCE_ID_PATTERN } from '../config';
import type { FieldIssue } from '../errors';
import type { ExportRequest } from './run-export';

const isoWithOffset = z.iso.datetime({ offset: true, message: 'expected ISO 8601 with an offset, e.g. 2026-11-01T00:00:00Z' });
const instanceId = z.string().regex(INSTANCE_ID_PATTERN, { message: 'expected an AICCS instance id (letters, digits, "_", ".", "-")' });
const format = z.enum(['jsonl', 'csv']);

/** The FC 3.0 timer trigger event. */
export const TimerEventSchema = z.object({
  triggerTime: z.iso.datetime({ offset: true }),
  triggerName: z.string().min(1),
  payload: z.string().optional(),
});

/** JSON overrides a timer trigger's `payload` may carry. */
export const TimerPayloadSchema = z.strictObject({
  instanceIds: z.array(instanceId).min(1).max(100).optional(),
  format: format.optional(),
});

/** A backfill request, from a direct or asynchronous invocation. */
export const BackfillEventSchema = z
  .strictObject({
    instanceId,
    from: isoWithOffset,
    to: isoWithOffset,
    format: format.optional(),
    /** Set by the export function on the ranges it fans out. */
    parentRunId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/)
      .optional(),
  })
  .refine((event) => Date.parse(event.to) > Date.parse(event.from), { message: 'expected `to` after `from` (the range is [from, to))', path: ['to'] });

/** The event could not be understood; nothing was exported and no state was touched. */
export class InvalidExportEventError extends Error {
  override name = 'InvalidExportEventError';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Invalid export event: ${issues.map((issue) => `${issue.path || '(event)'}: ${issue.message}`).join('; ')}`);
  }
}

const toIssues = (error: z.ZodError, prefix = ''): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    code: issue.code,
    message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((key) => `\`${key}\``).join(', ')}` : issue.message,
  }));

/**
 * Reads an export event: a timer event (`triggerTime`, `triggerName`,
 * optional JSON `payload`) or a backfill (`instanceId`, `from`, `to`).
 * @throws InvalidExportEventError naming every problem
 */
export function parseExportEvent(event: Buffer, allowedInstanceIds: readonly string[]): ExportRequest {
  let json: unknown;
  try {
    json = JSON.parse(event.toString('utf8'));
  } catch {
    throw new InvalidExportEventError([{ path: '', code: 'invalid_json', message: 'the event is not JSON; expected a timer event or {"instanceId","from","to"}' }]);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidExportEventError([{ path: '', code: 'invalid_type', message: 'expected a JSON object: a timer event or {"instanceId","from","to"}' }]);
  }
  if ('triggerTime' in json || 'triggerName' in json) return parseTimer(json, allowedInstanceIds);
  const backfill = BackfillEventSchema.safeParse(json);
  if (!backfill.success) throw new InvalidExportEventError(toIssues(backfill.error));
  if (!allowedInstanceIds.includes(backfill.data.instanceId)) {
    throw new InvalidExportEventError([{ path: 'instanceId', code: 'not_allowed', message: `instance \`${backfill.data.instanceId}\` is not in EXPORT_INSTANCE_IDS` }]);
  }
  return {
    mode: 'backfill',
    instanceId: backfill.data.instanceId,
    range: { from: Date.parse(backfill.data.from), to: Date.parse(backfill.data.to) },
    ...(backfill.data.format ? { format: backfill.data.format } : {}),
    ...(backfill.data.parentRunId ? { parentRunId: backfill.data.parentRunId } : {}),
  };
}

function parseTimer(json: object, allowedInstanceIds: readonly string[]): ExportRequest {
  const timer = TimerEventSchema.safeParse(json);
  if (!timer.success) throw new InvalidExportEventError(toIssues(timer.error));
  let overrides: z.infer<typeof TimerPayloadSchema> = {};
  const payload = timer.data.payload?.trim();
  if (payload) {
    let parsedPayload: unknown;
    try {
      parsedPayload = JSON.parse(payload);
    } catch {
      throw new InvalidExportEventError([{ path: 'payload', code: 'invalid_json', message: 'the timer payload must be a JSON object, e.g. {"format":"csv"}' }]);
    }
    const result = TimerPayloadSchema.safeParse(parsedPayload);
    if (!result.success) throw new InvalidExportEventError(toIssues(result.error, 'payload'));
    overrides = result.data;
  }
  const instanceIds = overrides.instanceIds ?? allowedInstanceIds;
  const outside = instanceIds.filter((id) => !allowedInstanceIds.includes(id));
  if (outside.length > 0)
    throw new InvalidExportEventError([{ path: 'payload.instanceIds', code: 'not_allowed', message: `not in EXPORT_INSTANCE_IDS: ${outside.join(', ')}` }]);
  return { mode: 'incremental', instanceIds, ...(overrides.format ? { format: overrides.format } : {}) };
}
