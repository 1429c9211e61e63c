import type { BackfillEvent } from '../contracts/backfill-event';
import type { ExportFormat } from '../contracts/export-format';
import { HOUR_MS, isoUtc, type TimeRange } from './windows';

/** Sends one backfill range as an asynchronous invocation of the export function. */
export interface BackfillDispatcher {
  dispatch(event: BackfillEvent): Promise<{ requestId: string }>;
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

/** The backfill event a fanned-out child range receives (the same contract a direct backfill uses). */
export const childEvent = (instanceId: string, range: TimeRange, format: ExportFormat | undefined, parentRunId: string): BackfillEvent => ({
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
