/**
 * A sliding-window limiter shared by every request of a run, so the run as a
 * whole stays under its share of the account's quota (AICCS_ACCOUNT_QPS).
 *
 * It remembers the last `slots = floor(rate)` start times and lets a request
 * start only when the oldest of them is a whole window old: one second (more
 * while the rate is cut) plus a small jitter slack. Any one second therefore sees at most
 * `slots` starts, also right after an idle gap (a token bucket holding a
 * second of tokens let 2 × rate through then), and requests that reach the
 * server a little late still fall into separate seconds there. Starts are
 * also kept at least 0.9 of an interval apart, so the window never fills in
 * one burst. Unlike a one-token bucket, a timer that fires late costs
 * nothing: the window is measured from the starts themselves, and the next
 * starts catch up.
 *
 * On throttling the rate is cut by 30 % (down to a floor) and then recovers
 * linearly: the budget is shared with callers we cannot see.
 */
export interface RateLimiter {
  /** Resolves when one request may start. */
  acquire(): Promise<void>;
  /** Tells the limiter the upstream throttled us. */
  onThrottled(): void;
  /** The current permitted rate (requests/s). */
  readonly rate: number;
}

export interface RateLimiterOptions {
  ratePerSecond: number;
  /**
   * Slack added to every window, so that requests which start on time but
   * reach the server up to this much later (event loop, sockets) still count
   * in separate seconds there. Default 20 ms (2 % of the rate).
   */
  jitterMs?: number;
  /** Lowest rate after repeated throttling, as a fraction of ratePerSecond. */
  floorFraction?: number;
  /** Seconds to climb back from the floor to the full rate. */
  recoverySeconds?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The closest two starts may be, as a fraction of the interval at the current rate. */
const MIN_SPACING = 0.9;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.ratePerSecond > 0)) throw new RangeError(`Expected ratePerSecond > 0, got ${options.ratePerSecond}`);
  const jitterMs = options.jitterMs ?? 20;
  if (!(jitterMs >= 0)) throw new RangeError(`Expected jitterMs >= 0, got ${jitterMs}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const max = options.ratePerSecond;
  const floor = Math.max(0.5, max * (options.floorFraction ?? 0.25));
  const recoveryPerMs = (max - floor) / ((options.recoverySeconds ?? 5) * 1000);
  // A fractional rate (a fanned-out range's share) keeps floor(rate) starts per second: never more than its share
  // in any one second, at the cost of the fraction (13 of 13.33/s for a third of 40).
  const slots = Math.max(1, Math.floor(max));
  const ring: number[] = new Array(slots).fill(Number.NEGATIVE_INFINITY);
  let oldest = 0;
  let rate = max;
  let last = now();
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let lastStart = Number.NEGATIVE_INFINITY;
  // Waiters are served in order so concurrent callers cannot starve each other.
  let queue: Promise<void> = Promise.resolve();
  let lastCut = Number.NEGATIVE_INFINITY;

  const recover = () => {
    const current = now();
    rate = Math.min(max, rate + (current - last) * recoveryPerMs);
    last = current;
  };
  // Never shorter than a second: `slots` starts back to back must not meet the next `slots` within one second.
  const windowMs = () => Math.max(1000, (slots * 1000) / rate) + jitterMs;

  const takeOne = async () => {
    for (;;) {
      recover();
      const current = now();
      // Starts are also kept apart (at least 0.9 of an interval): no bursts that a busy server would read as one
      // second's worth arriving late together, yet a late timer is caught up within the window.
      const readyAt = Math.max(pausedUntil, (ring[oldest] as number) + windowMs(), lastStart + (MIN_SPACING * 1000) / rate);
      if (current >= readyAt) {
        lastStart = current;
        ring[oldest] = current;
        oldest = (oldest + 1) % slots;
        return;
      }
      await sleep(Math.max(1, Math.ceil(readyAt - current)));
    }
  };

  return {
    acquire() {
      const turn = queue.then(takeOne);
      queue = turn.catch(() => {});
      return turn;
    },
    onThrottled() {
      recover();
      // Requests in flight together are throttled together: one congestion event, one cut.
      if (now() - lastCut < 1000) return;
      lastCut = now();
      rate = Math.max(floor, rate * 0.7);
      // A pause of one request interval before anything else starts: the upstream asked us to slow down.
      pausedUntil = now() + 1000 / rate;
    },
    get rate() {
      return rate;
    },
  };
}
