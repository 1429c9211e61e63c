import { describe, expect, it } from 'vitest';
import { CorruptStateError, LeaseLostError } from '../../lib/errors';
import { acquireLease } from '../../lib/export/lease';
import { readWatermark, writeWatermark } from '../../lib/export/watermark';
import { MemoryStore } from '../fakes/memory-store';

const prefix = 'p/_state/leases/instance=i1/incremental/';

describe('leases', () => {
  it('gives a scope to one owner at a time', async () => {
    const store = new MemoryStore();
    const first = await acquireLease({ store, prefix, owner: 'run-a', durationMs: 60_000, now: () => 1_000 });
    const second = await acquireLease({ store, prefix, owner: 'run-b', durationMs: 60_000, now: () => 2_000 });
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    await expect(first?.assertHeld()).resolves.toBeUndefined();
  });

  it('lets another owner take an expired lease, and the old owner then knows it lost', async () => {
    const store = new MemoryStore();
    let now = 1_000;
    const first = await acquireLease({ store, prefix, owner: 'run-a', durationMs: 60_000, now: () => now });
    now = 70_000;
    const second = await acquireLease({ store, prefix, owner: 'run-b', durationMs: 60_000, now: () => now });
    expect(second).toBeDefined();
    await expect(first?.assertHeld()).rejects.toBeInstanceOf(LeaseLostError);
    await expect(first?.renew()).rejects.toBeInstanceOf(LeaseLostError);
    await expect(second?.assertHeld()).resolves.toBeUndefined();
  });

  it('frees the scope on release and extends it on renew', async () => {
    const store = new MemoryStore();
    let now = 1_000;
    const lease = await acquireLease({ store, prefix, owner: 'run-a', durationMs: 10_000, now: () => now });
    now = 9_000;
    await lease?.renew();
    now = 15_000;
    await expect(lease?.assertHeld()).resolves.toBeUndefined();
    await lease?.release();
    expect(await acquireLease({ store, prefix, owner: 'run-b', durationMs: 10_000, now: () => now })).toBeDefined();
  });

  it('lets exactly one of two simultaneous contenders win a generation', async () => {
    const store = new MemoryStore();
    const results = await Promise.all(['a', 'b', 'c'].map((owner) => acquireLease({ store, prefix, owner, durationMs: 60_000, now: () => 1 })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the generation listing short', async () => {
    const store = new MemoryStore();
    let now = 0;
    for (let i = 0; i < 6; i++) {
      const lease = await acquireLease({ store, prefix, owner: `run-${i}`, durationMs: 10, now: () => now });
      await lease?.release();
      now += 100;
    }
    expect((await store.list(prefix)).length).toBeLessThanOrEqual(3);
  });
});

describe('watermark', () => {
  it('round-trips and is absent before the first run', async () => {
    const store = new MemoryStore();
    expect(await readWatermark(store, 'p/_state/instance=i1.json')).toBeUndefined();
    await writeWatermark(store, 'p/_state/instance=i1.json', { instanceId: 'i1', watermark: '2026-11-24T08:00:00Z', updatedAt: '2026-11-24T09:15:00Z', runId: 'r1' });
    expect(await readWatermark(store, 'p/_state/instance=i1.json')).toBe(Date.parse('2026-11-24T08:00:00Z'));
  });

  it('refuses a damaged state object instead of silently restarting', async () => {
    const store = new MemoryStore();
    store.objects.set('k', Buffer.from('{"watermark": 5}'));
    await expect(readWatermark(store, 'k')).rejects.toBeInstanceOf(CorruptStateError);
    store.objects.set('k', Buffer.from('not json'));
    await expect(readWatermark(store, 'k')).rejects.toThrow(/not valid JSON/);
  });
});
