/**
 * Deadlines as AbortSignals, so a call in flight can be cancelled (or at
 * least no longer awaited) when the function's time is up.
 */

/** A signal that aborts at epoch ms `at` on the given clock (timer-based, so it never keeps the process alive). */
export function signalAt(at: number, now: () => number = Date.now): AbortSignal {
  return AbortSignal.timeout(Math.max(0, Math.ceil(at - now())));
}

/**
 * Settles like `work`, unless `signal` aborts first: then rejects with the
 * signal's reason. For clients that cannot take a signal themselves; the
 * work keeps running but nobody waits for it.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
