/**
 * The invocation's time, computed once from the FC context: FC kills the
 * instance `timeout` seconds after the invocation starts, and each function
 * keeps some of that back to finish cleanly. A deadline is a time and an
 * AbortSignal, so calls in flight can be cancelled when it comes.
 */
import { signalAt } from '../flow/abort';
import type { FcContext } from './types';

export interface Deadline {
  /** Epoch ms. */
  readonly at: number;
  /** Aborts at `at` (timer-based: it never keeps the process alive). */
  readonly signal: AbortSignal;
}

/**
 * Per function: FC's timeout when the context lacks one (s.yaml's value), and
 * what is kept back from the end. The query function only needs time to
 * answer; the export function needs its finish margin for the summary, and
 * lets OSS calls (manifest, watermark, lease release) run closer to the end.
 */
export interface DeadlinePolicy {
  readonly defaultTimeoutSeconds: number;
  readonly reserveMs: number;
  /** A later deadline for storage calls, where the function has one. */
  readonly storeReserveMs?: number;
}

export const DEADLINE_POLICIES = {
  query: { defaultTimeoutSeconds: 30, reserveMs: 1_500 },
  export: { defaultTimeoutSeconds: 900, reserveMs: 15_000, storeReserveMs: 2_000 },
} as const satisfies Record<string, DeadlinePolicy>;

/** When FC ends this invocation: start + context.function.timeout (or the default). */
export function invocationEnd(context: FcContext, startedAt: number, defaultTimeoutSeconds: number): number {
  const timeoutSeconds = context.function?.timeout && context.function.timeout > 0 ? context.function.timeout : defaultTimeoutSeconds;
  return startedAt + timeoutSeconds * 1000;
}

/** `reserveMs` before the invocation's end, as a time and a signal. */
export function deadlineBefore(end: number, reserveMs: number, now: () => number = Date.now): Deadline {
  const at = end - reserveMs;
  return { at, signal: signalAt(at, now) };
}
