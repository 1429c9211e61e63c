import type { ExportFormat } from './object-keys';
import { HOUR_MS, isoUtc, type TimeRange } from './windows';

/** A backfill range as a child invocation receives it. Tiny: FC's async payload limit is 128 KB. */
export interface BackfillPayload {
  instanceId: string;
  from: string;
  to: string;
  format?: ExportFormat;
  /** Set on fanned-out children: they run with EXPORT_QPS ÷ EXPORT_FANOUT_PARALLELISM. */
  parentRunId?: string;
}

/** Sends one backfill range as an asynchronous invocation of the export function. */
export interface BackfillDispatcher {
  dispatch(payload: BackfillPayload): Promise<{ requestId: string }>;
}

/**
 * Day-aligned (UTC) ranges of at most `maxHours` covering an hour-aligned
 * range, oldest first. Each is idempotent on its own and small enough never
 * to be split again.
 */
export function fanOutRanges(range: TimeRange, maxHours: number): TimeRange[] {
  const step = Math.min(24, Math.max(1, Math.floor(maxHours))) * HOUR_MS;
  const ranges: TimeRange[] = [];
  for (let from = range.from; from < range.to; ) {
    const dayEnd = Math.floor(from / 86_400_000) * 86_400_000 + 86_400_000;
    const to = Math.min(range.to, from + step, dayEnd);
    ranges.push({ from, to });
    from = to;
  }
  return ranges;
}

export const toPayload = (instanceId: string, range: TimeRange, format: ExportFormat | undefined, parentRunId: string): BackfillPayload => ({
  instanceId,
  from: isoUtc(range.from),
  to: isoUtc(range.to),
  ...(format ? { format } : {}),
  parentRunId,
});

/** What a fanning-out invocation returns: the ranges it handed to Function Compute. */
export interface FanOutSummary {
  runId: string;
  mode: 'fan-out';
  status: 'dispatched';
  instanceId: string;
  window: { from: string; to: string };
  parallelism: number;
  qpsPerRange: number;
  dispatched: Array<{ from: string; to: string; requestId: string }>;
}
