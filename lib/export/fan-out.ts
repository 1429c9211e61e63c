import { HOUR_MS, type TimeRange } from './windows';

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

/** What a fanning-out invocation returns: the ranges it handed to Function Compute (the first EXPORT_FANOUT_PARALLELISM; each ending range dispatches the next). */
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
