import { describe, expect, it } from 'vitest';
import { RetriesExhaustedError } from '../../lib/errors';
import { backoffDelay, withRetry, type RetryOptions } from '../../lib/flow/retry';

/** A clock that only moves when the code under test sleeps. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

const retryable = new Error('transient');
const fatal = new Error('fatal');
const classify: RetryOptions['classify'] = (error) => (error === retryable ? { retry: true, reason: 'transient' } : { retry: false });

function options(time: ReturnType<typeof fakeTime>, overrides: Partial<RetryOptions> = {}): RetryOptions {
  return {
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    deadline: time.now() + 60_000,
    classify,
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    ...overrides,
  };
}

describe('withRetry', () => {
  it('returns the first success and sleeps between failures with growing back-off', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw retryable;
      return 'ok';
    }, options(time));
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(time.sleeps).toStrictEqual([50, 100]);
  });

  it('rethrows a non-retryable error at once, unwrapped', async () => {
    const time = fakeTime();
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw fatal;
      }, options(time)),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(time.sleeps).toStrictEqual([]);
  });

  it('stops at maxAttempts with the last error as cause', async () => {
    const time = fakeTime();
    const error = await withRetry(async () => {
      throw retryable;
    }, options(time)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ attempts: 4, stoppedBy: 'attempts', cause: retryable });
  });

  it('does not start a back-off that would end past the deadline', async () => {
    const time = fakeTime();
    const error = await withRetry(
      async () => {
        throw retryable;
      },
      options(time, { deadline: time.now() + 120, random: () => 0.99 }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ attempts: 2, stoppedBy: 'deadline' });
    expect(time.sleeps).toStrictEqual([99]);
  });

  it('honours a minimum delay from the classifier (throttling)', async () => {
    const time = fakeTime();
    await withRetry(
      async (attempt) => {
        if (attempt === 1) throw retryable;
        return attempt;
      },
      options(time, { classify: () => ({ retry: true, reason: 'throttled', minDelayMs: 300 }), random: () => 0 }),
    );
    expect(time.sleeps).toStrictEqual([300]);
  });
});

describe('backoffDelay', () => {
  it('is full jitter: uniform between 0 and min(max, base·2^(n−1))', () => {
    const bounds = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, bounds, () => 0.999999))).toStrictEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, bounds, () => 0)).toBe(0);
  });
});
