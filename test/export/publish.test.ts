import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../lib/contracts/manifest';
import { LeaseLostError } from '../../lib/errors';
import { fetchHour } from '../../lib/export/export-hour';
import { acquireLease } from '../../lib/export/lease';
import { leasePrefix, manifestKey } from '../../lib/export/object-keys';
import { publishHour } from '../../lib/export/publish';
import { createInstanceTally } from '../../lib/export/summary';
import { RUN_INSTANCE, aRunContext } from '../builders/export-run';

const HOUR = { from: Date.UTC(2026, 10, 20, 4), to: Date.UTC(2026, 10, 20, 5) };
const MANIFEST = manifestKey('aiccs-call-records', RUN_INSTANCE, { dt: '2026-11-20', hour: '04' });

async function aDayLease(ctx: ReturnType<typeof aRunContext>, owner = ctx.runId) {
  const lease = await acquireLease({
    store: ctx.store,
    prefix: leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'day=2026-11-20'),
    owner,
    durationMs: 60_000,
    now: ctx.now,
  });
  if (!lease) throw new Error('expected to get the lease');
  return lease;
}

describe('publishHour', () => {
  it('writes the manifest listing exactly the new files, then deletes data files it no longer lists', async () => {
    // Arrange: an earlier run left a file the new records do not produce
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 30);
    const stale = `aiccs-call-records/instance=${RUN_INSTANCE}/dt=2026-11-20/hour=04/part-20261120T040000Z-20261120T050000Z-0000-0123456789abcdef.jsonl.gz`;
    ctx.store.objects.set(stale, Buffer.from('old'));
    const tally = createInstanceTally(RUN_INSTANCE, HOUR);
    const output = await fetchHour(HOUR, 'jsonl', tally, ctx);
    // Act
    await publishHour(output, await aDayLease(ctx), tally, ctx);
    // Assert
    const manifest = parseManifest(ctx.store.objects.get(MANIFEST) ?? Buffer.alloc(0));
    expect(manifest).toMatchObject({
      instanceId: RUN_INSTANCE,
      partition: { dt: '2026-11-20', hour: '04' },
      sourceTotalCount: 30,
      recordCount: 30,
      runId: 'run-test',
      files: output.files,
    });
    expect(ctx.store.objects.has(stale)).toBe(false);
    expect(ctx.store.objects.has(output.files[0]?.key ?? '')).toBe(true);
    expect(tally.summary()).toMatchObject({ slices: 1, records: 30 });
  });

  it('publishes nothing when another run took the day lease', async () => {
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 5);
    const tally = createInstanceTally(RUN_INSTANCE, HOUR);
    const output = await fetchHour(HOUR, 'jsonl', tally, ctx);
    const ours = await aDayLease(ctx);
    await ours.release();
    await aDayLease(ctx, 'another-run');
    const failure = await publishHour(output, ours, tally, ctx).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LeaseLostError);
    expect((failure as LeaseLostError).code).toBe('LEASE_LOST');
    expect(ctx.store.objects.has(MANIFEST)).toBe(false);
    expect(tally.summary()).toMatchObject({ slices: 0, records: 0 });
  });
});
