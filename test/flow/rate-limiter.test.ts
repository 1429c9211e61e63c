import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../lib/flow/rate-limiter';

/** Virtual time: sleeping advances the clock. */
function virtualClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('createRateLimiter', () => {
  it('lets a burst through, then holds the configured rate', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 20, ...clock });
    for (let i = 0; i < 20; i++) await limiter.acquire();
    expect(clock.now()).toBe(0);
    for (let i = 0; i < 100; i++) await limiter.acquire();
    // 100 more tokens at 20/s take 5 s.
    expect(clock.now()).toBeGreaterThanOrEqual(4_990);
    expect(clock.now()).toBeLessThanOrEqual(5_100);
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
