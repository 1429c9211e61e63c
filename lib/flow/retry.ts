import { RetriesExhaustedError } from '../errors/retry';

/**
 * Retries with exponential back-off and full jitter, bounded by attempts and
 * by a deadline: no attempt starts when its back-off would end past it.
 * Batch work passes maxAttempts = Infinity and a `giveUp` check (an outage
 * tracker): patient until the deadline or a long outage, never a fixed count.
 */

export type RetryDecision = { retry: false } | { retry: true; reason: string; minDelayMs?: number };

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Epoch ms; no attempt starts after it. */
  deadline: number;
  /** Whether an error is worth another attempt. */
  classify: (error: unknown) => RetryDecision;
  /** Checked before each retry; true stops with RetriesExhaustedError('outage'). */
  giveUp?: () => boolean;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; error: unknown }) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Delay before retry number `retry` (1-based): uniform in [min, min(max, base·2^(retry−1))]. */
export function backoffDelay(retry: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number, minDelayMs = 0): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.max(minDelayMs, Math.floor(random() * ceiling));
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error
 * (rethrown as is), or retries run out (RetriesExhaustedError).
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry) throw error;
      if (attempt >= options.maxAttempts) throw new RetriesExhaustedError(attempt, 'attempts', error);
      if (options.giveUp?.()) throw new RetriesExhaustedError(attempt, 'outage', error);
      const delayMs = backoffDelay(attempt, options, random, decision.minDelayMs);
      if (now() + delayMs >= options.deadline) throw new RetriesExhaustedError(attempt, 'deadline', error);
      options.onRetry?.({ attempt, delayMs, reason: decision.reason, error });
      await sleep(delayMs);
    }
  }
}
