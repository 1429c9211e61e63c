import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../lib/contracts/manifest';
import { ChangeFeedEntrySchema } from '../../lib/export/change-feed';
import { acquireLease } from '../../lib/export/lease';
import { lookBackHours } from '../../lib/export/look-back';
import { leasePrefix, manifestKey } from '../../lib/export/object-keys';
import { runExport } from '../../lib/export/run-export';
import type { ExportDeps } from '../../lib/export/types';
import { createRateLimiter } from '../../lib/flow/rate-limiter';
import { silentLogger } from '../../lib/log/logger';
import { FakeHotlineApi } from '../fakes/hotline-api';
import { MemoryStore } from '../fakes/memory-store';
import { RUN_INSTANCE, aClock, anExportSettings } from '../builders/export-run';

const t = (iso: string) => Date.parse(iso);
const TIMER = { mode: 'incremental', instanceIds: [RUN_INSTANCE] } as const;
const hour03 = manifestKey('aiccs-call-records', RUN_INSTANCE, { dt: '2026-11-20', hour: '03' });

/** A first timer run at 06:15 over 02:00–06:00 (60 records an hour), then the deps of a later run on the same store and API. */
async function afterFirstRun(settings = anExportSettings({ lookbackHours: 4 })) {
  const api = new FakeHotlineApi().add(RUN_INSTANCE, t('2026-11-20T02:00:00Z'), 4 * 60, 'r', 60_000);
  const store = new MemoryStore();
  const base = { api, store, limiter: createRateLimiter({ ratePerSecond: 10_000 }), settings, logger: silentLogger };
  const first = aClock(t('2026-11-20T06:15:00Z'));
  await runExport(TIMER, { ...base, runId: 'run-1', now: first.now, deadline: first.now() + 600_000 });
  const later = (iso: string, overrides: Partial<ExportDeps> = {}): ExportDeps => {
    const clock = aClock(t(iso));
    return { ...base, runId: `run-${iso}`, now: clock.now, deadline: clock.now() + 600_000, ...overrides };
  };
  return { api, store, later };
}

const manifest = (store: MemoryStore, key = hour03) => parseManifest(store.objects.get(key) ?? Buffer.alloc(0));

describe('the timer look-back (over the in-memory fakes)', () => {
  it('looks back the longer of the recheck horizon and the finalization age plus a day; 0 and 0 turn it off', () => {
    expect(lookBackHours({ recheckHours: 48, finalizeAfterHours: 24 })).toBe(48);
    expect(lookBackHours({ recheckHours: 6, finalizeAfterHours: 24 })).toBe(48);
    expect(lookBackHours({ recheckHours: 72, finalizeAfterHours: 0 })).toBe(72);
    expect(lookBackHours({ recheckHours: 0, finalizeAfterHours: 0 })).toBe(0);
  });

  it('rechecks on a run with no new hours, and leaves a changed hour for the next run when it does not fit before the deadline', async () => {
    const { api, store, later } = await afterFirstRun();
    api.add(RUN_INSTANCE, t('2026-11-20T03:30:30Z'), 2, 'late');
    const tight = later('2026-11-20T06:20:00Z');

    const summary = await runExport(TIMER, { ...tight, deadline: (tight.now?.() ?? 0) + 14_000 });

    expect(summary.instances[0]).toMatchObject({ status: 'up-to-date', lookBack: { checked: 4, replaced: 0, finalized: 0, deferred: 1 } });
    expect(manifest(store)).toMatchObject({ revision: 1, recordCount: 60 });

    const next = await runExport(TIMER, later('2026-11-20T06:25:00Z'));
    expect(next.instances[0]).toMatchObject({ status: 'up-to-date', lookBack: { checked: 4, replaced: 1, deferred: 0 } });
    expect(manifest(store)).toMatchObject({ revision: 2, recordCount: 62, final: false });
  });

  it('defers an hour whose day another run holds', async () => {
    const { api, store, later } = await afterFirstRun();
    api.add(RUN_INSTANCE, t('2026-11-20T03:30:30Z'), 1, 'late');
    const run = later('2026-11-20T06:20:00Z');
    await acquireLease({
      store,
      prefix: leasePrefix('aiccs-call-records', RUN_INSTANCE, 'day=2026-11-20'),
      owner: 'backfill',
      durationMs: 600_000,
      now: () => t('2026-11-20T06:20:00Z'),
    });

    const summary = await runExport(TIMER, run);

    expect(summary.instances[0]?.lookBack).toMatchObject({ replaced: 0, deferred: 1 });
    expect(manifest(store)).toMatchObject({ revision: 1 });
  });

  it('fails the instance when a recheck fails for another reason than the deadline (the new hours stay published)', async () => {
    const { api, later } = await afterFirstRun();
    api.beforeCall = (_n, params) => {
      if (params['PageSize'] === '1') throw new Error('socket hang up');
    };
    await expect(runExport(TIMER, later('2026-11-20T07:15:00Z'))).rejects.toMatchObject({ code: 'EXPORT_FAILED' });
  });

  it('gives backfilled partitions the reason "backfill" and does not look back after a backfill', async () => {
    const { api, store, later } = await afterFirstRun(anExportSettings({ lookbackHours: 4, finalizeAfterHours: 1 }));
    const calls = api.calls.length;
    const summary = await runExport(
      { mode: 'backfill', instanceId: RUN_INSTANCE, range: { from: t('2026-11-20T02:00:00Z'), to: t('2026-11-20T04:00:00Z') } },
      later('2026-11-20T06:30:00Z'),
    );
    expect(summary.instances[0]?.lookBack).toBeUndefined();
    expect(api.calls.slice(calls).filter((call) => call.params['PageSize'] === '1' && call.params['PageNo'] === '1').length).toBeLessThanOrEqual(2);
    const feedKey =
      [...store.objects.keys()]
        .filter((key) => key.includes('/_changes/'))
        .sort()
        .at(-1) ?? '';
    const entry = ChangeFeedEntrySchema.parse(JSON.parse(store.objects.get(feedKey)?.toString() ?? ''));
    expect(entry.partitions.map(({ hour, reason, revision, final }) => `${hour}:${reason}:${revision}:${final}`)).toStrictEqual([
      '02:backfill:2:true',
      '03:backfill:2:true',
    ]);
  });
});
