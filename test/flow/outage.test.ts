import { describe, expect, it } from 'vitest';
import { RetriesExhaustedError } from '../../lib/errors';
import { createOutageTracker } from '../../lib/flow/outage';
import { withRetry } from '../../lib/flow/retry';

function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), advance: (ms: number) => void (now += ms) };
}

describe('createOutageTracker', () => {
  it('measures from the first failure since the last success, and a success ends the outage', () => {
    const clock = fakeClock();
    const outage = createOutageTracker({ maxOutageMs: 1_000, now: clock.now });
    expect(outage.failingForMs()).toBe(0);
    outage.failed();
    clock.advance(600);
    outage.failed();
    expect(outage.failingForMs()).toBe(600);
    expect(outage.exceeded()).toBe(false);
    clock.advance(500);
    expect(outage.exceeded()).toBe(true);
    outage.succeeded();
    expect(outage.exceeded()).toBe(false);
    expect(outage.failingForMs()).toBe(0);
  });
});

describe('withRetry, patient (batch) mode', () => {
  const transient = () => ({ retry: true as const, reason: 'transient' });

  it('retries without an attempt count until the operation succeeds', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 40) throw new Error('flaky');
        return 'done';
      },
      {
        maxAttempts: Number.POSITIVE_INFINITY,
        baseDelayMs: 200,
        maxDelayMs: 10_000,
        deadline: Number.POSITIVE_INFINITY,
        classify: transient,
        ...clock,
        random: () => 0.5,
      },
    );
    expect(result).toBe('done');
    expect(calls).toBe(40);
  });

  it('stops with stoppedBy "outage" once the shared tracker says every request failed too long', async () => {
    const clock = fakeClock();
    const outage = createOutageTracker({ maxOutageMs: 5_000, now: clock.now });
    const error = await withRetry(
      async () => {
        outage.failed();
        throw new Error('down');
      },
      {
        maxAttempts: Number.POSITIVE_INFINITY,
        baseDelayMs: 200,
        maxDelayMs: 10_000,
        deadline: Number.POSITIVE_INFINITY,
        classify: transient,
        giveUp: () => outage.exceeded(),
        ...clock,
        random: () => 1,
      },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ stoppedBy: 'outage', message: expect.stringMatching(/failing for longer/) });
    expect(clock.now()).toBeGreaterThan(5_000);
    // Capped back-off: the last wait was at most maxDelayMs, so the run gave up soon after the limit.
    expect(clock.now()).toBeLessThanOrEqual(5_000 + 10_000);
  });
});
