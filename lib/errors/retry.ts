/** Thrown by withRetry (lib/flow/retry.ts) when retries stop; `attempts` says how many were made and `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError' as const;
  constructor(
    readonly attempts: number,
    readonly stoppedBy: 'attempts' | 'deadline',
    readonly lastError: unknown,
  ) {
    super(`Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (${stoppedBy === 'deadline' ? 'no time left before the deadline' : 'attempt limit reached'})`, {
      cause: lastError,
    });
  }
}
