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
