/**
 * A token bucket shared by every request of a run, so the run as a whole
 * stays under its share of the account's quota (AICCS_ACCOUNT_QPS). Its
 * burst is one token: in any one-second window a run starts at most
 * ratePerSecond + 1 requests, also right after an idle gap (a bucket holding
 * a second of tokens would let 2 × ratePerSecond through then). On throttling the rate
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
  /** Tokens that may accumulate while idle; default 1 (the peak-second rule: at most rate + burst in any second). */
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
  const burst = options.burst ?? 1;
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
