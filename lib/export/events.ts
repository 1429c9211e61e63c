import type { z } from 'zod';
import { BackfillEventSchema, type BackfillEvent } from '../contracts/backfill-event';
import { JobActionEventSchema, type JobActionEvent } from '../contracts/export-job';
import { TimerEventSchema, TimerPayloadSchema, type TimerPayload } from '../contracts/timer-event';
import { issuesFromZod, ValidationError, type FieldIssue } from '../errors';
import type { ExportRequest } from './types';

const invalid = (issues: FieldIssue[]) => new ValidationError(issues, 'Export event');
const issuesOf = (error: z.ZodError, prefix?: string) => issuesFromZod(error, prefix === undefined ? {} : { prefix });

/**
 * Reads an export event: a timer event (`triggerTime`, `triggerName`,
 * optional JSON `payload`) or a backfill (`instanceId`, `from`, `to`).
 * @throws ValidationError (code VALIDATION_FAILED) naming every problem; nothing is read or written before
 */
export function parseExportEvent(event: Buffer, allowedInstanceIds: readonly string[]): ExportRequest {
  let json: unknown;
  try {
    json = JSON.parse(event.toString('utf8'));
  } catch {
    throw invalid([{ path: '', code: 'invalid_json', message: 'the event is not JSON; expected a timer event or {"instanceId","from","to"}' }]);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw invalid([{ path: '', code: 'invalid_type', message: 'expected a JSON object: a timer event or {"instanceId","from","to"}' }]);
  }
  if ('triggerTime' in json || 'triggerName' in json) return parseTimer(json, allowedInstanceIds);
  const backfill = BackfillEventSchema.safeParse(json);
  if (!backfill.success) throw invalid(issuesOf(backfill.error));
  if (!allowedInstanceIds.includes(backfill.data.instanceId)) {
    throw invalid([{ path: 'instanceId', code: 'not_allowed', message: `instance \`${backfill.data.instanceId}\` is not in EXPORT_INSTANCE_IDS` }]);
  }
  return {
    mode: 'backfill',
    instanceId: backfill.data.instanceId,
    range: { from: Date.parse(backfill.data.from), to: Date.parse(backfill.data.to) },
    ...(backfill.data.format ? { format: backfill.data.format } : {}),
    ...(backfill.data.parentRunId ? { parentRunId: backfill.data.parentRunId } : {}),
    ...(backfill.data.jobId === undefined ? {} : { job: jobRef(backfill.data.jobId, backfill.data) }),
  };
}

function jobRef(jobId: string, { rangeIndex, continuation, generation }: BackfillEvent) {
  return {
    jobId,
    ...(rangeIndex === undefined ? {} : { rangeIndex }),
    ...(continuation === undefined ? {} : { continuation }),
    ...(generation === undefined ? {} : { generation }),
  };
}

/** `{"action":"status"|"stop","jobId":"…"}`, or undefined when the event is not a job action. @throws ValidationError */
export function parseJobAction(event: Buffer): JobActionEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(event.toString('utf8'));
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object' || !('action' in json)) return undefined;
  const parsed = JobActionEventSchema.safeParse(json);
  if (!parsed.success) throw invalid(issuesOf(parsed.error));
  return parsed.data;
}

function parseTimer(json: object, allowedInstanceIds: readonly string[]): ExportRequest {
  const timer = TimerEventSchema.safeParse(json);
  if (!timer.success) throw invalid(issuesOf(timer.error));
  let overrides: TimerPayload = {};
  const payload = timer.data.payload?.trim();
  if (payload) {
    let parsedPayload: unknown;
    try {
      parsedPayload = JSON.parse(payload);
    } catch {
      throw invalid([{ path: 'payload', code: 'invalid_json', message: 'the timer payload must be a JSON object, e.g. {"format":"csv"}' }]);
    }
    const result = TimerPayloadSchema.safeParse(parsedPayload);
    if (!result.success) throw invalid(issuesOf(result.error, 'payload'));
    overrides = result.data;
  }
  const instanceIds = overrides.instanceIds ?? allowedInstanceIds;
  const outside = instanceIds.filter((id) => !allowedInstanceIds.includes(id));
  if (outside.length > 0) throw invalid([{ path: 'payload.instanceIds', code: 'not_allowed', message: `not in EXPORT_INSTANCE_IDS: ${outside.join(', ')}` }]);
  return { mode: 'incremental', instanceIds, ...(overrides.format ? { format: overrides.format } : {}) };
}
