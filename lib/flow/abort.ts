import { setMaxListeners } from 'node:events';

/**
 * Deadlines as AbortSignals, so a call in flight can be cancelled (or at
 * least no longer awaited) when the function's time is up.
 */

/** A signal that aborts at epoch ms `at` on the given clock (timer-based, so it never keeps the process alive). */
export function signalAt(at: number, now: () => number = Date.now): AbortSignal {
  const signal = AbortSignal.timeout(Math.max(0, Math.ceil(at - now())));
  // One run's deadline is shared by every call in flight (pages, uploads, retries' sleeps): more than Node's
  // default of 10 listeners is the design, not a leak, and each call removes its listener when it settles.
  setMaxListeners(0, signal);
  return signal;
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
