import { silentLogger } from '../../lib/log/logger';
import { createRateLimiter } from '../../lib/flow/rate-limiter';
import { loadExportConfig } from '../../lib/export/config';
import type { ExportSettings, RunContext } from '../../lib/export/types';
import { FakeHotlineApi } from '../fakes/hotline-api';
import { MemoryStore } from '../fakes/memory-store';

export const RUN_INSTANCE = 'ccc_xp_pre-cn-stage01';

/** Export settings as the config gives them, with UTC source times (the fake API's records are UTC). */
export function anExportSettings(overrides: Partial<ExportSettings> = {}): ExportSettings {
  const { settings } = loadExportConfig({ EXPORT_INSTANCE_IDS: RUN_INSTANCE, OSS_REGION: 'oss-cn-hangzhou', OSS_BUCKET: 'cdr-export', SOURCE_TIMEZONE: 'UTC' });
  return { ...settings, ...overrides };
}

/** A hand-moved clock. */
export function aClock(start = Date.UTC(2026, 10, 20, 6, 15)) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms), set: (epochMs: number) => void (time = epochMs) };
}

/** A RunContext over the in-memory fakes: no network, no timers that matter (the signal never aborts unless the test aborts it). */
export function aRunContext(
  overrides: Partial<RunContext> & { settings?: ExportSettings } = {},
): RunContext & { api: FakeHotlineApi; store: MemoryStore; abort: AbortController } {
  const abort = new AbortController();
  const now = overrides.now ?? aClock().now;
  const deadline = overrides.deadline ?? now() + 600_000;
  const timing = overrides.timing ?? { minHourBudgetMs: 10_000, finishMarginMs: 5_000 };
  return {
    api: new FakeHotlineApi(),
    store: new MemoryStore(),
    limiter: createRateLimiter({ ratePerSecond: 10_000 }),
    settings: anExportSettings(),
    logger: silentLogger,
    runId: 'run-test',
    onHourDone: undefined,
    ...overrides,
    now,
    deadline,
    timing,
    fetchUntil: overrides.fetchUntil ?? { at: deadline - timing.finishMarginMs, signal: abort.signal },
    abort,
  } as RunContext & { api: FakeHotlineApi; store: MemoryStore; abort: AbortController };
}
