import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { startOssServer, type OssServer } from '../../dev/oss';
import type { BackfillEvent } from '../../lib/contracts/backfill-event';
import type { JobStatus } from '../../lib/contracts/export-job';
import { ConfigError, JobNotFoundError, ValidationError } from '../../lib/errors';
import { createExportFunction, type ExportResult } from '../../lib/export/export-function';
import type { JobRangeSummary } from '../../lib/export/jobs/run-job';
import { createLogger, type Logger } from '../../lib/log/logger';
import { TEST_CREDENTIALS, aContext } from '../builders/fc';
import { exactlyOnceDiff, readExport, sourceIds } from '../builders/export-reader';

/**
 * Backfill jobs through the real handler, the AICCS emulator and the OSS
 * test server: patient retries, continuations, skip-on-same-jobId, stop,
 * status. Continuations are captured by a recording dispatcher and run by
 * the test, as FC would run the async task.
 */
const BUCKET = 'cdr-export';
const PREFIX = 'jobs';
const INSTANCE = 'ccc_xp_pre-cn-jobs0001';
const START = Date.parse('2026-11-20T00:00:00Z');
const END = Date.parse('2026-11-20T06:00:00Z');
const NOW = Date.parse('2026-11-21T00:00:00Z');
const RECORDS = 20_000;

let emulator: AiccsEmulator;
let oss: OssServer;
let records: RawCallRecord[];

beforeAll(async () => {
  const store = new RecordStore();
  records = generateCallRecords({ instanceId: INSTANCE, seed: 1010, from: START, to: END, count: RECORDS });
  store.add(INSTANCE, records);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, qps: 100_000, seed: 10 });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: [BUCKET], seed: 10 });
});

afterAll(async () => {
  await emulator.close();
  await oss.close();
});

beforeEach(() => {
  for (const key of oss.listKeys(BUCKET)) oss.deleteObject(BUCKET, key);
  emulator.setFaults({});
  oss.setFaults({});
  emulator.resetStats();
});

interface Dispatch {
  event: BackfillEvent;
  taskId: string;
  delaySeconds: number | undefined;
}

/** The real handler with a recording dispatcher, a controllable clock and a hook on every log message. */
function aJobHandler(options: { env?: Record<string, string>; clock?: () => number; onLog?: (message: string) => void } = {}) {
  const dispatches: Dispatch[] = [];
  const base = createLogger({ service: 'jobs-test', level: 'error', sink: () => {} });
  const logger: Logger = {
    ...base,
    info: (message: string) => options.onLog?.(message),
    child: () => logger,
  };
  const handler = createExportFunction({
    env: {
      AICCS_ENDPOINT: emulator.url,
      EXPORT_INSTANCE_IDS: INSTANCE,
      OSS_REGION: 'oss-cn-hangzhou',
      OSS_BUCKET: BUCKET,
      OSS_ENDPOINT: oss.url,
      EXPORT_PREFIX: PREFIX,
      EXPORT_QPS: '80',
      ...options.env,
    },
    logger,
    now: options.clock ?? (() => NOW),
    dispatcherFor: () => ({
      async dispatch(event, task) {
        dispatches.push({ event, taskId: task.taskId, delaySeconds: task.delaySeconds });
        return { outcome: 'dispatched', requestId: `async-${dispatches.length}` };
      },
    }),
  });
  let invocations = 0;
  const invoke = (event: object, timeoutSeconds = 900): Promise<ExportResult> =>
    handler(
      Buffer.from(JSON.stringify(event)),
      aContext({ requestId: `req-${++invocations}`, function: { name: 'aiccs-export', handler: 'index.handler', memory: 1024, timeout: timeoutSeconds } }),
    );
  return { invoke, dispatches };
}

const backfill = (extra: Record<string, unknown> = {}) => ({ instanceId: INSTANCE, from: new Date(START).toISOString(), to: new Date(END).toISOString(), ...extra });
const asRange = (result: ExportResult) => result as JobRangeSummary;
const exact = () => exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, INSTANCE).ids, sourceIds(records, START, END));

describe('export jobs (real handler, AICCS emulator, OSS test server)', () => {
  it('one invocation completes a 6-hour, 20,000-record backfill at 10% throttling, 3% SystemError, 2% resets and 5% OSS 503s, exactly', async () => {
    emulator.setFaults({ throttleRate: 0.1, systemErrorRate: 0.03, resetRate: 0.02 });
    oss.setFaults({ unavailableRate: 0.05 });
    const { invoke, dispatches } = aJobHandler({ env: { AICCS_TIMEOUT_MS: '2000' } });
    const result = asRange(await invoke(backfill({ jobId: 'faulty-1' })));
    expect(result).toMatchObject({ jobId: 'faulty-1', status: 'complete', job: { rangeState: 'succeeded', continuation: 0 } });
    expect(result.totals.records).toBe(RECORDS);
    expect(result.totals.retries).toBeGreaterThan(0);
    expect(dispatches).toStrictEqual([]);
    expect(exact()).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    const status = (await invoke({ action: 'status', jobId: 'faulty-1' })) as JobStatus;
    expect(status).toMatchObject({ state: 'succeeded', hoursTotal: 6, hoursDone: 6, records: RECORDS });
    expect(status.finishedAt).toBeDefined();
  });

  it('waits out a short AICCS outage within EXPORT_MAX_OUTAGE_SECONDS', async () => {
    let hours = 0;
    const { invoke, dispatches } = aJobHandler({
      env: { EXPORT_MAX_OUTAGE_SECONDS: '30' },
      clock: Date.now,
      onLog: (message) => {
        if (message === 'slice exported' && ++hours === 2) {
          // Every request fails for 2 s (scaled down from 20 s to keep the suite fast; the limit is what matters).
          emulator.setFaults({ systemErrorRate: 1 });
          setTimeout(() => emulator.setFaults({}), 2_000);
        }
      },
    });
    const result = asRange(await invoke(backfill({ jobId: 'outage-short' })));
    expect(result).toMatchObject({ status: 'complete', job: { rangeState: 'succeeded' } });
    expect(emulator.stats.errorsByCode['SystemError'] ?? 0).toBeGreaterThan(0);
    expect(dispatches).toStrictEqual([]);
    expect(exact()).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('ends cleanly on an outage longer than EXPORT_MAX_OUTAGE_SECONDS; the delayed continuation finishes, reading ≤ 1.1× a fault-free run', async () => {
    const faultFree = aJobHandler();
    await faultFree.invoke(backfill({ jobId: 'baseline' }));
    const baselineRequests = emulator.stats.requests;
    for (const key of oss.listKeys(BUCKET)) oss.deleteObject(BUCKET, key);
    emulator.resetStats();

    let hours = 0;
    const { invoke, dispatches } = aJobHandler({
      env: { EXPORT_MAX_OUTAGE_SECONDS: '1', EXPORT_CONCURRENCY: '2' },
      clock: Date.now,
      onLog: (message) => {
        if (message === 'slice exported' && ++hours === 3) emulator.setFaults({ systemErrorRate: 1 });
      },
    });
    const first = asRange(await invoke(backfill({ jobId: 'outage-long' })));
    expect(first).toMatchObject({ status: 'partial', job: { rangeState: 'running', next: 'continuation' } });
    expect(first.instances[0]?.reason).toMatch(/failed for more than 1 s/);
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]).toMatchObject({ taskId: 'job_outage-long_g0_r0_c1', delaySeconds: 1, event: { jobId: 'outage-long', rangeIndex: 0, continuation: 1 } });
    const during = (await invoke({ action: 'status', jobId: 'outage-long' })) as JobStatus;
    expect(during).toMatchObject({ state: 'running', hoursDone: 3, hoursTotal: 6 });
    expect(during.ranges[0]?.error).toMatch(/AICCS request failed/);

    emulator.setFaults({});
    const second = asRange(await invoke((dispatches[0] as Dispatch).event));
    expect(second).toMatchObject({ status: 'complete', job: { rangeState: 'succeeded', continuation: 1 } });
    expect(exact()).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(emulator.stats.requests).toBeLessThanOrEqual(1.1 * baselineRequests);
    expect((await invoke({ action: 'status', jobId: 'outage-long' })) as JobStatus).toMatchObject({
      state: 'succeeded',
      hoursDone: 6,
      records: RECORDS,
      continuations: 1,
    });
  });

  it('a deadline in the middle of a job → continuation → exact; then the same jobId reads no published hour, and no jobId reads everything', async () => {
    let clock = NOW;
    let hours = 0;
    const { invoke, dispatches } = aJobHandler({
      clock: () => clock,
      onLog: (message) => {
        // After two durable hours, time jumps past the run's own deadline (FC's timeout is 300 s).
        if (message === 'slice exported' && ++hours === 2) clock += 290_000;
      },
    });
    const first = asRange(await invoke(backfill({ jobId: 'deadline-1' }), 300));
    expect(first).toMatchObject({ status: 'partial', job: { rangeState: 'running', next: 'continuation' } });
    expect(dispatches[0]).toMatchObject({ taskId: 'job_deadline-1_g0_r0_c1', delaySeconds: undefined });
    clock = NOW + 3_600_000;
    const second = asRange(await invoke((dispatches[0] as Dispatch).event));
    expect(second).toMatchObject({ status: 'complete', job: { rangeState: 'succeeded' } });
    expect(exact()).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });

    emulator.resetStats();
    const again = asRange(await invoke(backfill({ jobId: 'deadline-1' })));
    expect(again).toMatchObject({ status: 'complete', job: { rangeState: 'succeeded' } });
    expect(emulator.stats.requests).toBe(0);
    expect((await invoke({ action: 'status', jobId: 'deadline-1' })) as JobStatus).toMatchObject({ state: 'succeeded', hoursDone: 6, records: RECORDS });

    const fresh = asRange(await invoke(backfill()));
    expect(fresh.jobId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(fresh.totals.records).toBe(RECORDS);
    expect(emulator.stats.requests).toBeGreaterThan(6);
    expect(exact()).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('stop in the middle: the range ends after its current hour, nothing half-published, no continuation; status says stopped', async () => {
    let hours = 0;
    let stopping: Promise<ExportResult> | undefined;
    const job = aJobHandler({
      onLog: (message) => {
        if (message === 'slice exported' && ++hours === 2) stopping = job.invoke({ action: 'stop', jobId: 'stop-1' });
      },
    });
    const result = asRange(await job.invoke(backfill({ jobId: 'stop-1' })));
    await stopping;
    expect(result).toMatchObject({ status: 'partial', job: { rangeState: 'stopped' } });
    expect(job.dispatches).toStrictEqual([]);
    const contents = readExport(oss, BUCKET, PREFIX, INSTANCE);
    expect(contents.unlisted).toStrictEqual([]);
    expect(contents.manifests.length).toBeGreaterThanOrEqual(2);
    expect(contents.manifests.length).toBeLessThan(6);
    const status = (await job.invoke({ action: 'status', jobId: 'stop-1' })) as JobStatus;
    expect(status).toMatchObject({ state: 'stopped', hoursDone: contents.manifests.length });
    expect(status.finishedAt).toBeDefined();
  });

  it('answers status and stop of an unknown job with a clear 404-style error, and a bad action with a validation error', async () => {
    const { invoke } = aJobHandler();
    await expect(invoke({ action: 'status', jobId: 'never-started' })).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(invoke({ action: 'stop', jobId: 'never-started' })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND', status: 404 });
    await expect(invoke({ action: 'pause', jobId: 'x' })).rejects.toBeInstanceOf(ValidationError);
    await expect(invoke(backfill({ jobId: 'bad id!' }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a job id reused for another range', async () => {
    const { invoke } = aJobHandler();
    await invoke({ ...backfill({ jobId: 'reuse-1' }), to: new Date(START + 3_600_000).toISOString() });
    await expect(invoke(backfill({ jobId: 'reuse-1' }))).rejects.toMatchObject({ code: 'JOB_CONFLICT' });
  });

  it('names AICCS_ACCOUNT_QPS and EXPORT_QPS in config errors', async () => {
    const { invoke } = aJobHandler({ env: { EXPORT_QPS: '100' } });
    await expect(invoke(backfill())).rejects.toSatisfy((error) => error instanceof ConfigError && /EXPORT_QPS.*AICCS_ACCOUNT_QPS/.test(error.message));
  });
});
