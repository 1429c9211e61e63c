import { describe, expect, it } from 'vitest';
import { ExportFailedError } from '../../lib/errors';
import { stateKey } from '../../lib/export/object-keys';
import { runExport } from '../../lib/export/run-export';
import type { ExportDeps, HourProgress } from '../../lib/export/types';
import { createRateLimiter } from '../../lib/flow/rate-limiter';
import { silentLogger } from '../../lib/log/logger';
import { FakeHotlineApi } from '../fakes/hotline-api';
import { MemoryStore } from '../fakes/memory-store';
import { RUN_INSTANCE, aClock, anExportSettings } from '../builders/export-run';

const t = (iso: string) => Date.parse(iso);

function deps(overrides: Partial<ExportDeps> = {}): ExportDeps & { api: FakeHotlineApi; store: MemoryStore } {
  const clock = aClock(t('2026-11-20T06:15:00Z'));
  return {
    api: new FakeHotlineApi().add(RUN_INSTANCE, t('2026-11-20T02:00:00Z'), 4 * 60, 'r', 60_000),
    store: new MemoryStore(),
    limiter: createRateLimiter({ ratePerSecond: 10_000 }),
    settings: anExportSettings({ lookbackHours: 4 }),
    logger: silentLogger,
    runId: 'run-pipeline',
    now: clock.now,
    deadline: clock.now() + 600_000,
    ...overrides,
  } as ExportDeps & { api: FakeHotlineApi; store: MemoryStore };
}

describe('runExport (the pipeline over in-memory fakes)', () => {
  it('exports every planned hour, publishing and then advancing the watermark hour by hour', async () => {
    const progress: HourProgress[] = [];
    const run = deps({ onHourDone: (hour) => progress.push(hour) });
    const summary = await runExport({ mode: 'incremental', instanceIds: [RUN_INSTANCE] }, run);
    expect(summary).toMatchObject({ status: 'complete', totals: { slices: 4, records: 240 } });
    expect(summary.instances[0]).toMatchObject({ status: 'complete', exportedUntil: '2026-11-20T06:00:00Z' });
    expect(progress.map((hour) => [hour.hour, hour.hoursDone, hour.records])).toStrictEqual([
      ['2026-11-20T02:00:00Z', 1, 60],
      ['2026-11-20T03:00:00Z', 2, 120],
      ['2026-11-20T04:00:00Z', 3, 180],
      ['2026-11-20T05:00:00Z', 4, 240],
    ]);
    // Per hour: the manifest is written before the watermark moves past it.
    const writes = run.store.calls.filter(
      (call) => call.op === 'put' && (call.key.endsWith('_manifest.json') || call.key === stateKey(run.settings.prefix, RUN_INSTANCE)),
    );
    expect(writes.map((call) => (call.key.endsWith('_manifest.json') ? 'manifest' : 'watermark'))).toStrictEqual(Array(4).fill(['manifest', 'watermark']).flat());
  });

  it('stops cleanly before an hour that might not finish in time, and the next run resumes there', async () => {
    const clock = aClock(t('2026-11-20T06:15:00Z'));
    const summary = await runExport({ mode: 'incremental', instanceIds: [RUN_INSTANCE] }, deps({ now: clock.now, deadline: clock.now() + 14_000 }));
    expect(summary.status).toBe('partial');
    expect(summary.instances[0]).toMatchObject({ status: 'partial', slices: 0, exportedUntil: '2026-11-20T02:00:00Z' });
    expect(summary.instances[0]?.reason).toBe("stopped before 2026-11-20T02:00:00Z to finish before the function's deadline; the next run resumes there");
  });

  it('finishes the other instances and then throws ExportFailedError with the complete summary', async () => {
    const run = deps();
    run.api.beforeCall = (_n, params) => {
      if (params['InstanceId'] === 'ccc_broken') throw new Error('socket hang up');
    };
    const failure = await runExport({ mode: 'incremental', instanceIds: ['ccc_broken', RUN_INSTANCE] }, run).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailedError);
    const { summary } = failure as ExportFailedError<Awaited<ReturnType<typeof runExport>>>;
    expect(summary.instances.map((instance) => instance.status)).toStrictEqual(['failed', 'complete']);
    expect(summary.instances[0]?.error).toMatch(/^UPSTREAM_UNAVAILABLE: AICCS kept failing \(Connection to AICCS failed\)/);
  });
});
