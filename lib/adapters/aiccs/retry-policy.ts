import { AiccsCallError, classifyPopError } from '../../errors/upstream';
import type { RetryDecision } from '../../flow/retry';

/** Retry policy: throttling, transient faults and timeouts are safe to retry (the call is a read). */
export function aiccsRetryDecision(error: unknown): RetryDecision {
  const kind = error instanceof AiccsCallError ? error.kind : classifyPopError(error).kind;
  switch (kind) {
    case 'throttled':
      // The bucket refills per second; retrying sooner mostly burns budget.
      return { retry: true, reason: 'throttled', minDelayMs: 200 };
    case 'transient':
      return { retry: true, reason: 'transient' };
    case 'timeout':
      return { retry: true, reason: 'timeout' };
    default:
      return { retry: false };
  }
}

/**
 * Batch work (the export) retries what aiccsRetryDecision retries without an
 * attempt count: until the call succeeds, the run's deadline comes, or the
 * run's outage tracker says every request has failed for too long. Delays
 * are capped exponential with full jitter; throttling also slows the whole
 * run through the limiter. The query function keeps AICCS_MAX_ATTEMPTS.
 */
export const BATCH_RETRY = Object.freeze({ maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 200, maxDelayMs: 10_000 });
