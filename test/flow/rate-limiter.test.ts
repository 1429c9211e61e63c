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
  it('holds the configured rate from the first request', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 20, ...clock });
    for (let i = 0; i < 100; i++) await limiter.acquire();
    // 100 starts at 20/s: five windows of 20, each 1 s plus the 20 ms jitter slack, starts at least 45 ms apart.
    expect(clock.now()).toBeGreaterThanOrEqual(4_000);
    expect(clock.now()).toBeLessThanOrEqual(5_000);
    await limiter.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
  });

  it.each([
    { rate: 40, allowed: 40 },
    { rate: 7.5, allowed: 8.5 },
    { rate: 40 / 3, allowed: 40 / 3 + 1 },
    { rate: 13.9, allowed: 14.9 },
  ])('never starts more than $allowed requests in any sliding one-second window, idle gaps included (rate $rate)', async ({ rate, allowed }) => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: rate, ...clock });
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
    expect(starts.length).toBe(6 * Math.ceil(rate * 2.5));
  });

  it('keeps a one-second window free of extra starts when requests reach the server up to the jitter slack late', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 40, ...clock });
    const arrivals: number[] = [];
    for (let i = 0; i < 400; i++) {
      await limiter.acquire();
      // Every other request is delayed on its way by up to 20 ms.
      arrivals.push(clock.now() + (i % 2 === 0 ? 0 : 20));
    }
    expect(peakInAnySecond(arrivals)).toBeLessThanOrEqual(40);
  });

  it('keeps the rate when timers fire late (the window is measured from the starts)', async () => {
    let time = 0;
    // Every timer fires 3 ms late, as event-loop timers do under load.
    const clock = { now: () => time, sleep: async (ms: number) => void (time += ms + 3) };
    const limiter = createRateLimiter({ ratePerSecond: 40, ...clock });
    for (let i = 0; i < 400; i++) await limiter.acquire();
    // 400 starts at 40/s are 10 s; starts may come 0.9 of an interval apart, so most of the 3 ms lateness is caught
    // up (a one-token bucket pays it on every start: 400 × 28 ms = 11.2 s).
    expect(time).toBeLessThanOrEqual(10_500);
  });

  it('the window check can fail: a doubled second is caught', () => {
    const doubled = Array.from({ length: 80 }, (_, i) => i * 12.5);
    expect(peakInAnySecond(doubled)).toBeGreaterThan(41);
  });

  it('never starts two requests closer than 0.9 of an interval (no bursts)', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 40, ...clock });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 120 }, async () => {
        await limiter.acquire();
        starts.push(clock.now());
      }),
    );
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(22.5);
  });

  it('serves concurrent callers without exceeding the rate', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, ...clock });
    await Promise.all(Array.from({ length: 50 }, () => limiter.acquire()));
    expect(clock.now()).toBeGreaterThanOrEqual(4_000);
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

  it('rejects a non-positive rate and a negative jitter slack', () => {
    expect(() => createRateLimiter({ ratePerSecond: 0 })).toThrow(/ratePerSecond > 0/);
    expect(() => createRateLimiter({ ratePerSecond: 1, jitterMs: -1 })).toThrow(/jitterMs >= 0/);
  });
});
