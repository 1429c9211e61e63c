import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../lib/contracts/manifest';
import { ChangeFeedEntrySchema, changeFeedKey, createChangeFeed } from '../../lib/export/change-feed';
import { fetchHour } from '../../lib/export/export-hour';
import { acquireLease, LEASE_MARGIN_MS, runLeaseBounds } from '../../lib/export/lease';
import { leasePrefix, manifestKey } from '../../lib/export/object-keys';
import { isFinalAt, publishHour } from '../../lib/export/publish';
import { cleanUpStaging, stagedKeyFor, stagingFolder } from '../../lib/export/staging';
import { createInstanceTally } from '../../lib/export/summary';
import { StoreFailedError } from '../../lib/errors';
import { RUN_INSTANCE, aClock, aRunContext, anExportSettings } from '../builders/export-run';
import { aCapturingLogger } from '../builders/log-sink';

const HOUR = { from: Date.UTC(2026, 10, 20, 4), to: Date.UTC(2026, 10, 20, 5) };
const PARTITION = `aiccs-call-records/instance=${RUN_INSTANCE}/dt=2026-11-20/hour=04/`;
const MANIFEST = manifestKey('aiccs-call-records', RUN_INSTANCE, { dt: '2026-11-20', hour: '04' });

type Ctx = ReturnType<typeof aRunContext>;
const partKeys = (ctx: Ctx) => [...ctx.store.objects.keys()].filter((key) => key.startsWith(`${PARTITION}part-`)).sort();
const stagingKeys = (ctx: Ctx) => [...ctx.store.objects.keys()].filter((key) => key.startsWith('aiccs-call-records/_staging/'));
const manifestIn = (ctx: Ctx) => parseManifest(ctx.store.objects.get(MANIFEST) ?? Buffer.alloc(0));
const listedKeys = (ctx: Ctx) => (manifestIn(ctx)?.files.map((file) => file.key) ?? []).sort();

async function aDayLease(ctx: Ctx) {
  const lease = await acquireLease({
    store: ctx.store,
    prefix: leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'day=2026-11-20'),
    owner: ctx.runId,
    durationMs: 60_000,
    now: ctx.now,
  });
  if (!lease) throw new Error('expected the day lease');
  return lease;
}

/** Fetches and publishes HOUR with the context's run. */
async function exportHour(ctx: Ctx) {
  const tally = createInstanceTally(RUN_INSTANCE, HOUR);
  return publishHour(await fetchHour(HOUR, 'jsonl', tally, ctx), await aDayLease(ctx), tally, ctx);
}

describe('stage-then-copy publication', () => {
  it('copies staged files in just before the manifest, then deletes the staged copies and the publishing marker', async () => {
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 30);

    const published = await exportHour(ctx);

    expect(published).toStrictEqual({ dt: '2026-11-20', hour: '04', revision: 1, recordCount: 30, final: false });
    expect(partKeys(ctx)).toStrictEqual(listedKeys(ctx));
    const order = ctx.store.calls.filter((call) => call.op === 'copy' || (call.op === 'put' && call.key === MANIFEST)).map((call) => call.op);
    expect(order).toStrictEqual(['copy', 'put']);
    // Only the run marker remains until the run's own cleanup.
    expect(stagingKeys(ctx)).toStrictEqual(['aiccs-call-records/_staging/run-test/_run.json']);
    await cleanUpStaging(ctx, { own: true });
    expect(stagingKeys(ctx)).toStrictEqual([]);
  });

  it('counts revisions: +1 per replacement; an old manifest without the fields reads as revision 1, provisional', async () => {
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 10);
    await exportHour(ctx);
    const { final: _final, revision: _revision, checkedAt: _checkedAt, ...older } = manifestIn(ctx) ?? {};
    ctx.store.objects.set(MANIFEST, Buffer.from(JSON.stringify(older)));
    expect(manifestIn(ctx)).toMatchObject({ revision: 1, final: false });
    expect(manifestIn(ctx)?.checkedAt).toBeUndefined();

    ctx.api.add(RUN_INSTANCE, HOUR.from + 1_800_000, 2, 'late');
    expect(await exportHour(ctx)).toMatchObject({ revision: 2, recordCount: 12 });
    expect(await exportHour(ctx)).toMatchObject({ revision: 3, recordCount: 12 });
    expect(partKeys(ctx)).toStrictEqual(listedKeys(ctx));
  });

  it('publishes an hour final when it ended EXPORT_FINALIZE_AFTER_HOURS ago or more (0: at once)', async () => {
    expect(isFinalAt(HOUR, HOUR.to + 24 * 3_600_000, 24)).toBe(true);
    expect(isFinalAt(HOUR, HOUR.to + 24 * 3_600_000 - 1, 24)).toBe(false);
    expect(isFinalAt(HOUR, HOUR.to, 0)).toBe(true);
    const ctx = aRunContext({ now: aClock(HOUR.to + 10 * 60_000).now, settings: anExportSettings({ finalizeAfterHours: 0 }) });
    ctx.api.add(RUN_INSTANCE, HOUR.from, 3);
    expect(await exportHour(ctx)).toMatchObject({ final: true });
  });

  it('takes the copied files out again when the manifest write fails: part-* stays what the old manifest lists', async () => {
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 10);
    await exportHour(ctx);
    const before = listedKeys(ctx);
    ctx.api.add(RUN_INSTANCE, HOUR.from + 60_000, 1, 'late');
    ctx.store.failures.push({ op: 'put', keyIncludes: '_manifest.json', error: new StoreFailedError({ operation: 'put', key: MANIFEST, code: 'InternalError' }) });

    await expect(exportHour(ctx)).rejects.toBeInstanceOf(StoreFailedError);

    expect(listedKeys(ctx)).toStrictEqual(before);
    expect(partKeys(ctx)).toStrictEqual(before);
    // The publishing marker is left, so the run's own cleanup would settle it if the deletes had failed too.
    await cleanUpStaging(ctx, { own: true });
    expect(stagingKeys(ctx)).toStrictEqual([]);
    expect(partKeys(ctx)).toStrictEqual(before);
  });

  it('settles an abandoned run once its marker expired: unlisted part-* deleted under the day lease, staging removed', async () => {
    const clock = aClock(HOUR.to + 15 * 60_000);
    const crashed = aRunContext({ now: clock.now, runId: 'crashed-run' });
    crashed.api.add(RUN_INSTANCE, HOUR.from, 10);
    await exportHour(crashed);
    // The crashed run had copied a new file in and died before its manifest.
    const orphan = `${PARTITION}part-20261120T040000Z-20261120T050000Z-0000-00000000deadbeef.jsonl.gz`;
    crashed.store.objects.set(orphan, Buffer.from('x'));
    crashed.store.objects.set(`${stagedKeyFor(crashed.settings.prefix, 'crashed-run', PARTITION)}_publishing`, Buffer.from('crashed-run'));
    crashed.store.objects.set(stagedKeyFor(crashed.settings.prefix, 'crashed-run', orphan), Buffer.from('x'));
    const next = aRunContext({ now: clock.now, store: crashed.store, runId: 'next-run', logger: aCapturingLogger('t').logger });

    // Alive until its deadline plus the margin.
    clock.set(crashed.deadline + LEASE_MARGIN_MS - 1);
    expect(await cleanUpStaging(next, { own: false })).toStrictEqual({ folders: 0, partitions: 0, removed: 0 });
    expect(partKeys(next)).toContain(orphan);

    clock.set(crashed.deadline + LEASE_MARGIN_MS);
    expect(await cleanUpStaging(next, { own: false })).toStrictEqual({ folders: 1, partitions: 1, removed: 1 });
    expect(partKeys(next)).toStrictEqual(listedKeys(next));
    expect([...next.store.objects.keys()].filter((key) => key.startsWith(stagingFolder(next.settings.prefix, 'crashed-run')))).toStrictEqual([]);
  });

  it('leaves an abandoned folder alone while another run holds the day, and a folder without its marker is abandoned', async () => {
    const ctx = aRunContext({ runId: 'sweeper' });
    const folder = stagingFolder(ctx.settings.prefix, 'gone');
    ctx.store.objects.set(`${folder}instance=${RUN_INSTANCE}/dt=2026-11-20/hour=04/_publishing`, Buffer.from('gone'));
    const holder = await acquireLease({
      store: ctx.store,
      prefix: leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'day=2026-11-20'),
      owner: 'busy',
      durationMs: 60_000,
      now: ctx.now,
    });
    expect(await cleanUpStaging(ctx, { own: false })).toMatchObject({ folders: 0 });
    await holder?.release();
    expect(await cleanUpStaging(ctx, { own: false })).toMatchObject({ folders: 1, partitions: 1 });
    expect(stagingKeys(ctx)).toStrictEqual([]);
  });

  it('never fails the run over cleanup: a failed listing is logged and left for the next run', async () => {
    const sink = aCapturingLogger('t');
    const ctx = aRunContext({ logger: sink.logger });
    ctx.store.failures.push({ op: 'list', error: new Error('listing failed') });
    expect(await cleanUpStaging(ctx, { own: false })).toStrictEqual({ folders: 0, partitions: 0, removed: 0 });
    expect(sink.entries().map((entry) => entry['message'])).toContain('staging cleanup stopped; the next run continues it');
  });
});

describe('leases bounded by the run', () => {
  it('expires at the run deadline plus the margin when that comes before EXPORT_LEASE_SECONDS', async () => {
    const clock = aClock(1_000_000);
    const ctx = aRunContext({ now: clock.now, deadline: 1_000_000 + 45_000 });
    expect(runLeaseBounds(ctx)).toStrictEqual({ durationMs: 900_000, notAfter: 1_045_000 + LEASE_MARGIN_MS });
    const prefix = leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'incremental');
    expect(await acquireLease({ store: ctx.store, prefix, owner: 'killed', ...runLeaseBounds(ctx), now: clock.now })).toBeDefined();
    clock.set(1_045_000 + LEASE_MARGIN_MS - 1);
    expect(await acquireLease({ store: ctx.store, prefix, owner: 'next', durationMs: 60_000, now: clock.now })).toBeUndefined();
    clock.set(1_045_000 + LEASE_MARGIN_MS);
    expect(await acquireLease({ store: ctx.store, prefix, owner: 'next', durationMs: 60_000, now: clock.now })).toBeDefined();
  });
});

describe('change feed', () => {
  it('writes one entry per run with every published partition, under a key that sorts by time', async () => {
    const ctx = aRunContext({ now: aClock(Date.UTC(2026, 10, 20, 6, 15, 1, 234)).now });
    const feed = createChangeFeed(RUN_INSTANCE, ctx);
    await feed.write();
    expect(ctx.store.objects.size).toBe(0);
    feed.record({ dt: '2026-11-20', hour: '05', revision: 1, recordCount: 7, final: false }, 'new');
    feed.record({ dt: '2026-11-20', hour: '02', revision: 3, recordCount: 9, final: true }, 'recheck');
    await feed.write();
    const key = changeFeedKey('aiccs-call-records', RUN_INSTANCE, ctx.now(), 'run-test');
    expect(key).toBe(`aiccs-call-records/_changes/instance=${RUN_INSTANCE}/20261120T061501234Z-run-test.json`);
    expect(ChangeFeedEntrySchema.parse(JSON.parse(ctx.store.objects.get(key)?.toString() ?? ''))).toStrictEqual({
      runId: 'run-test',
      instanceId: RUN_INSTANCE,
      writtenAt: '2026-11-20T06:15:01.234Z',
      partitions: [
        { dt: '2026-11-20', hour: '05', revision: 1, recordCount: 7, final: false, reason: 'new' },
        { dt: '2026-11-20', hour: '02', revision: 3, recordCount: 9, final: true, reason: 'recheck' },
      ],
    });
  });

  it('logs a feed entry it could not write instead of failing the run (the manifests are already published)', async () => {
    const sink = aCapturingLogger('t');
    const ctx = aRunContext({ logger: sink.logger });
    ctx.store.failures.push({ op: 'put', keyIncludes: '_changes/', error: new Error('down') });
    const feed = createChangeFeed(RUN_INSTANCE, ctx);
    feed.record({ dt: '2026-11-20', hour: '05', revision: 1, recordCount: 7, final: false }, 'backfill');
    await expect(feed.write()).resolves.toBeUndefined();
    expect(sink.entries().find((entry) => entry['level'] === 'error')).toMatchObject({ partitions: ['2026-11-20/05'] });
  });
});
