import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../lib/flow/rate-limiter';

/** Virtual time: sleeping advances the clock. */
function virtualClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

/** The most start times in any half-open one-second window [t, t + 1000), t being any start. */
function peakInAnySecond(starts: readonly number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= 1_000) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

describe('createRateLimiter', () => {
  it('holds the configured rate from the first request (burst of one token)', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 20, ...clock });
    await limiter.acquire();
    expect(clock.now()).toBe(0);
    for (let i = 0; i < 100; i++) await limiter.acquire();
    // 100 more tokens at 20/s take 5 s.
    expect(clock.now()).toBeGreaterThanOrEqual(4_990);
    expect(clock.now()).toBeLessThanOrEqual(5_100);
  });

  it.each([
    { rate: 40, burst: undefined, allowed: 41 },
    { rate: 7.5, burst: undefined, allowed: 8.5 },
    { rate: 20, burst: 3, allowed: 23 },
  ])('never starts more than rate + burst requests in any sliding one-second window, idle gaps included (rate $rate, burst $burst)', async ({ rate, burst, allowed }) => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: rate, ...(burst === undefined ? {} : { burst }), ...clock });
    const starts: number[] = [];
    // Work, idle gaps of different lengths, work again: a full bucket after a gap is where a one-second bucket doubled the rate.
    for (const gapMs of [0, 3_000, 700, 10_000, 1_000, 250]) {
      await clock.sleep(gapMs);
      await Promise.all(
        Array.from({ length: Math.ceil(rate * 2.5) }, async () => {
          await limiter.acquire();
          starts.push(clock.now());
        }),
      );
    }
    expect(peakInAnySecond(starts)).toBeLessThanOrEqual(allowed);
    // And the rate is really used: a 2.5-second stretch of work takes about 2.5 s, not more.
    expect(starts.length).toBe(6 * Math.ceil(rate * 2.5));
  });

  it('a one-second bucket (the old default) fails the window check: it is visible to the window check (the check can fail)', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 10, ...clock });
    const starts: number[] = [];
    await clock.sleep(5_000);
    for (let i = 0; i < 20; i++) {
      await limiter.acquire();
      starts.push(clock.now());
    }
    expect(peakInAnySecond(starts)).toBeGreaterThan(11);
  });

  it('serves concurrent callers without exceeding the rate', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 1, ...clock });
    await Promise.all(Array.from({ length: 50 }, () => limiter.acquire()));
    expect(clock.now()).toBeGreaterThanOrEqual(4_900);
  });

  it('cuts the rate by 30% per throttling event and recovers over time', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 40, recoverySeconds: 100, ...clock });
    limiter.onThrottled();
    expect(limiter.rate).toBe(28);
    // Throttles within a second are one congestion event.
    limiter.onThrottled();
    expect(limiter.rate).toBe(28);
    for (let i = 0; i < 10; i++) {
      await clock.sleep(1_000);
      limiter.onThrottled();
    }
    // The floor is 25% of 40 (plus what recovered during the last second).
    expect(limiter.rate).toBeGreaterThanOrEqual(10);
    expect(limiter.rate).toBeLessThan(10.5);
    await clock.sleep(200_000);
    await limiter.acquire();
    expect(limiter.rate).toBe(40);
  });

  it('rejects a non-positive rate', () => {
    expect(() => createRateLimiter({ ratePerSecond: 0 })).toThrow(/ratePerSecond > 0/);
  });
});
