import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../lib/flow/abort';

describe('raceAbort', () => {
  it('settles like the work when the signal does not abort', async () => {
    await expect(raceAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('no')), new AbortController().signal)).rejects.toThrow('no');
  });

  it("rejects with the signal's reason as soon as it aborts, without waiting for the work", async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = raceAbort(never, controller.signal);
    controller.abort(new Error('deadline'));
    await expect(raced).rejects.toThrow('deadline');
  });

  it('rejects at once when the signal has already aborted', async () => {
    await expect(raceAbort(Promise.resolve(1), AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
  });
});
