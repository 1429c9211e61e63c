/**
 * Tracks how long every request to one upstream has been failing, for a
 * whole run (all its concurrent pages share one tracker). Patient batch
 * retries keep going until the run's deadline, or until this outage has
 * lasted longer than the run is willing to wait; then the run stops cleanly
 * and a later invocation takes over.
 */
export interface OutageTracker {
  /** A request succeeded: the upstream is answering, whatever failed before. */
  succeeded(): void;
  /** A request failed with a retryable error. */
  failed(): void;
  /** Milliseconds since the first failure with no success since (0 while healthy). */
  failingForMs(): number;
  /** Whether the outage has lasted longer than the limit. */
  exceeded(): boolean;
  readonly maxOutageMs: number;
}

export function createOutageTracker(options: { maxOutageMs: number; now?: () => number }): OutageTracker {
  const now = options.now ?? Date.now;
  let failingSince: number | undefined;
  const failingForMs = () => (failingSince === undefined ? 0 : now() - failingSince);
  return {
    succeeded() {
      failingSince = undefined;
    },
    failed() {
      failingSince ??= now();
    },
    failingForMs,
    exceeded: () => failingSince !== undefined && failingForMs() > options.maxOutageMs,
    maxOutageMs: options.maxOutageMs,
  };
}
