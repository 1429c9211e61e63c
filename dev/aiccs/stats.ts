/** Counters tests read to assert what the emulator saw and did. */
import type { RecordQuery } from './record-store';

/** Live counters of one emulator; the object is mutated in place. */
export interface EmulatorStats {
  /** Every HTTP request received, including ones that got a fault. */
  requests: number;
  /** When each request arrived (epoch ms), for peak-per-second checks of a client's rate limit. */
  requestTimes: number[];
  /** Intact 200 success answers. */
  ok: number;
  /** Throttling.User answers, from the QPS bucket or injected. */
  throttled: number;
  /** Error answers by `Code`, e.g. `{ SignatureDoesNotMatch: 1 }`. */
  errorsByCode: Record<string, number>;
  /** Injected faults by kind: reset, nonJson5xx, throttle, systemError, truncatedBody, latency. */
  faultsInjected: Record<string, number>;
  /** All wire params (Signature and SecurityToken included) of the last request that passed signature verification. */
  lastParams: Readonly<Record<string, string>> | null;
  /** The last HotlineSessionQuery as the emulator understood it (lists rebuilt in index order). */
  lastQuery: Readonly<RecordQuery> | null;
}

/** Kinds counted in {@link EmulatorStats.faultsInjected}. */
export type FaultKind = 'reset' | 'nonJson5xx' | 'throttle' | 'systemError' | 'truncatedBody' | 'latency';

/** Fresh, zeroed counters. */
export function createStats(): EmulatorStats {
  return { requests: 0, requestTimes: [], ok: 0, throttled: 0, errorsByCode: {}, faultsInjected: {}, lastParams: null, lastQuery: null };
}

/** Zero the counters in place, so references held by tests stay valid. */
export function resetStats(stats: EmulatorStats): void {
  Object.assign(stats, createStats());
}

/** Increment a counter of a string-keyed tally. */
export function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The most requests that arrived in any one-second window [t, t + 1000). */
export function peakPerSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= 1_000) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}
