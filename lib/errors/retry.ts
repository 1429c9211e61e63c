const STOPPED_BY = {
  attempts: 'attempt limit reached',
  deadline: 'no time left before the deadline',
  outage: 'the upstream has been failing for longer than the run waits',
} as const;

/** Thrown by withRetry (lib/flow/retry.ts) when retries stop; `attempts` says how many were made and `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError' as const;
  constructor(
    readonly attempts: number,
    readonly stoppedBy: 'attempts' | 'deadline' | 'outage',
    readonly lastError: unknown,
  ) {
    super(`Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (${STOPPED_BY[stoppedBy]})`, {
      cause: lastError,
    });
  }
}
