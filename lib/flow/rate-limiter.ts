/**
 * A token bucket shared by every request of a run, so the run as a whole
 * stays under its share of the account-wide 80 QPS. On throttling the rate
 * halves (down to a floor) and then recovers linearly: the budget is shared
 * with callers we cannot see.
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
  /** Tokens that may accumulate while idle; defaults to one second's worth (at least 1). */
  burst?: number;
  /** Lowest rate after repeated throttling, as a fraction of ratePerSecond. */
  floorFraction?: number;
  /** Seconds to climb back from the floor to the full rate. */
  recoverySeconds?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.ratePerSecond > 0)) throw new RangeError(`Expected ratePerSecond > 0, got ${options.ratePerSecond}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const max = options.ratePerSecond;
  const floor = Math.max(0.5, max * (options.floorFraction ?? 0.25));
  const recoveryPerMs = (max - floor) / ((options.recoverySeconds ?? 5) * 1000);
  const burst = options.burst ?? Math.max(1, Math.floor(max));
  let rate = max;
  let tokens = burst;
  let last = now();
  // Waiters are served in order so concurrent callers cannot starve each other.
  let queue: Promise<void> = Promise.resolve();
  let lastCut = Number.NEGATIVE_INFINITY;

  const refill = () => {
    const current = now();
    const elapsed = current - last;
    last = current;
    rate = Math.min(max, rate + elapsed * recoveryPerMs);
    tokens = Math.min(burst, tokens + (elapsed * rate) / 1000);
  };

  const takeOne = async () => {
    for (;;) {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate)));
    }
  };

  return {
    acquire() {
      const turn = queue.then(takeOne);
      queue = turn.catch(() => {});
      return turn;
    },
    onThrottled() {
      refill();
      tokens = Math.min(tokens, 0);
      // Requests in flight together are throttled together: one congestion event, one cut.
      if (now() - lastCut < 1000) return;
      lastCut = now();
      rate = Math.max(floor, rate * 0.7);
    },
    get rate() {
      return rate;
    },
  };
}
