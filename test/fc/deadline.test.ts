import { describe, expect, it } from 'vitest';
import { DEADLINE_POLICIES, deadlineBefore, invocationEnd } from '../../lib/fc/deadline';
import { aContext } from '../builders/fc';

describe('invocationEnd', () => {
  it.each([
    { info: "the context's timeout", timeout: 120, end: 120_000 },
    { info: 'the default when the context has none', timeout: undefined, end: 900_000 },
    { info: 'the default when the context says 0', timeout: 0, end: 900_000 },
  ])('uses $info', ({ timeout, end }) => {
    const context = aContext({ function: timeout === undefined ? {} : { timeout } });
    expect(invocationEnd(context, 1_000, DEADLINE_POLICIES.export.defaultTimeoutSeconds)).toBe(1_000 + end);
  });
});

describe('deadlineBefore', () => {
  it('is a time and a signal that aborts at that time', async () => {
    const now = Date.now();
    const soon = deadlineBefore(now + 30, 10, () => now);
    expect(soon.at).toBe(now + 20);
    expect(soon.signal.aborted).toBe(false);
    await new Promise((resolve) => soon.signal.addEventListener('abort', resolve, { once: true }));
    expect(soon.signal.aborted).toBe(true);
  });

  it('is already aborted when the time has passed', async () => {
    const past = deadlineBefore(1_000, 0, () => 5_000);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(past.signal.aborted).toBe(true);
  });
});
