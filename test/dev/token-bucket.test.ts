import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../dev/shared/token-bucket';

/** A clock that moves only when the test says so. */
function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const takeMany = (bucket: TokenBucket, count: number) => Array.from({ length: count }, () => bucket.tryTake()).filter(Boolean).length;

describe('TokenBucket (the emulator’s account-wide QPS quota)', () => {
  it('lets exactly a burst of qps through at one instant and refuses the rest', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(80, 80, clock.now);
    expect(takeMany(bucket, 160)).toBe(80);
  });

  it.each([
    { elapsedMs: 50, tokens: 4 },
    { elapsedMs: 500, tokens: 40 },
    { elapsedMs: 10_000, tokens: 80 },
  ])('refills at qps per second, up to its capacity: $tokens tokens after $elapsedMs ms', ({ elapsedMs, tokens }) => {
    const clock = fakeClock();
    const bucket = new TokenBucket(80, 80, clock.now);
    takeMany(bucket, 80);
    clock.advance(elapsedMs);
    expect(takeMany(bucket, 200)).toBe(tokens);
  });

  it('never limits at an infinite rate, and rejects a non-positive rate or a capacity below 1', () => {
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, 1, fakeClock().now);
    expect(takeMany(bucket, 1_000)).toBe(1_000);
    expect(() => new TokenBucket(0)).toThrow('Expected qps to be a positive number (or Infinity), got 0');
    expect(() => new TokenBucket(10, 0.5)).toThrow('Expected the bucket capacity to be at least 1, got 0.5');
  });
});
