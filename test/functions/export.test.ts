import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { startOssServer, type OssServer } from '../../dev/oss';
import { createPopHotlineApi, type HotlineSessionApi } from '../../lib/adapters/aiccs/hotline-api';
import { createOssStore } from '../../lib/adapters/oss/object-store';
import { ConfigError, ExportFailedError, ValidationError } from '../../lib/errors';
import { loadExportConfig } from '../../lib/export/config';
import { createExportFunction } from '../../lib/export/export-function';
import { runExport } from '../../lib/export/run-export';
import type { ExportSummary } from '../../lib/export/types';
import { silentLogger } from '../../lib/log/logger';
import { createRateLimiter } from '../../lib/flow/rate-limiter';
import { TEST_CREDENTIALS, aContext } from '../builders/fc';
import { exactlyOnceDiff, readExport, sourceIds } from '../builders/export-reader';
import { aCapturingLogger } from '../builders/log-sink';

const BUCKET = 'cdr-export';
const PREFIX = 'lake/cdr';
const A = 'ccc_xp_pre-cn-exp0001';
const B = 'ccc_xp_pre-cn-exp0002';
const DENSE = 'ccc_xp_pre-cn-dense001';
const MULTI = 'ccc_xp_pre-cn-multi001';
const START = Date.parse('2026-11-20T00:00:00Z');
const END = Date.parse('2026-11-20T06:00:00Z');
/** A moment after which [START, END) has settled, with a 6-hour lookback covering exactly it. */
const NOW = Date.parse('2026-11-20T06:15:00Z');

let emulator: AiccsEmulator;
let oss: OssServer;
let recordsA: RawCallRecord[];
let recordsMulti: RawCallRecord[];
const log = aCapturingLogger('aiccs-export');

function env(overrides: Record<string, string> = {}) {
  return {
    AICCS_ENDPOINT: emulator.url,
    EXPORT_INSTANCE_IDS: `${A},${B},${DENSE},${MULTI}`,
    OSS_REGION: 'oss-cn-hangzhou',
    OSS_BUCKET: BUCKET,
    OSS_ENDPOINT: oss.url,
    EXPORT_PREFIX: PREFIX,
    EXPORT_QPS: '80',
    EXPORT_LOOKBACK_HOURS: '6',
    AICCS_MAX_ATTEMPTS: '8',
    ...overrides,
  };
}

/** The real handler, for events that run an export (not a fan-out): its summary typed as ExportSummary. */
function exportRunner(options: Parameters<typeof createExportFunction>[0]) {
  // A job that stops early dispatches its continuation: recorded here (the gateway tests run them).
  const handler = createExportFunction({ dispatcherFor: () => ({ dispatch: async () => ({ outcome: 'dispatched', requestId: 'recorded' }) }), ...options });
  return async (...args: Parameters<typeof handler>): Promise<ExportSummary> => {
    const summary = await handler(...args);
    if (!('mode' in summary) || summary.mode === 'fan-out') throw new Error('expected an export run, got a fan-out or a job status');
    return summary;
  };
}

const timerEvent = (payload = '') => Buffer.from(JSON.stringify({ triggerTime: '2026-11-20T06:15:00Z', triggerName: 'hourly', payload }));
const backfillEvent = (body: Record<string, unknown>) => Buffer.from(JSON.stringify(body));
const exportContext = (timeoutSeconds = 900) => aContext({ function: { name: 'aiccs-export', handler: 'index.handler', memory: 1024, timeout: timeoutSeconds } });

function clearBucket() {
  for (const key of oss.listKeys(BUCKET)) oss.deleteObject(BUCKET, key);
}

function watermarkOf(instanceId: string): string | undefined {
  const body = oss.getObject(BUCKET, `${PREFIX}/_state/instance=${instanceId}.json`)?.body;
  return body ? (JSON.parse(body.toString()) as { watermark: string }).watermark : undefined;
}

beforeAll(async () => {
  const store = new RecordStore();
  recordsA = generateCallRecords({ instanceId: A, seed: 11, from: START - 3_600_000, to: END + 3_600_000, count: 3_200 });
  store.add(A, recordsA);
  store.add(B, generateCallRecords({ instanceId: B, seed: 12, from: START, to: END, count: 300 }));
  recordsMulti = generateCallRecords({ instanceId: MULTI, seed: 13, from: START, to: START + 3_600_000, count: 3_000 });
  store.add(MULTI, recordsMulti);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, qps: 100_000 });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.close();
  await oss.close();
});

afterEach(() => {
  emulator.setFaults({});
  oss.setFaults({});
  log.lines.length = 0;
});

describe('export end to end (real handler, real ali-oss, AICCS emulator, OSS test server)', () => {
  it('exports every record of the window exactly once through throttling, SystemErrors, resets and OSS 503s', async () => {
    clearBucket();
    emulator.setFaults({ throttleRate: 0.2, systemErrorRate: 0.05, resetRate: 0.02 });
    oss.setFaults({ unavailableRate: 0.1 });
    const handler = exportRunner({ env: env({ EXPORT_INSTANCE_IDS: `${A},${B}` }), logger: log.logger, now: () => NOW });

    const summary = await handler(timerEvent(), exportContext());

    const contents = readExport(oss, BUCKET, PREFIX, A);
    expect(exactlyOnceDiff(contents.ids, sourceIds(recordsA, START, END))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(contents.manifests).toHaveLength(6);
    expect(contents.unlisted).toStrictEqual([]);
    expect(watermarkOf(A)).toBe('2026-11-20T06:00:00Z');
    expect(summary.status).toBe('complete');
    expect(summary.totals.records).toBe(sourceIds(recordsA, START, END).length + 300);
    expect(summary.totals.retries).toBeGreaterThan(0);
    expect(summary.totals.throttles).toBeGreaterThan(0);
    expect(oss.stats.faults.unavailable).toBeGreaterThan(0);
    expect(oss.incompleteUploads(BUCKET)).toStrictEqual([]);
    const manifest = contents.manifests.find((candidate) => candidate.partition.hour === '03');
    expect(manifest).toMatchObject({
      instanceId: A,
      partition: { dt: '2026-11-20', hour: '03' },
      window: { from: '2026-11-20T03:00:00Z', to: '2026-11-20T04:00:00Z' },
      timeZone: 'UTC',
      schemaVersion: 1,
    });
    expect(manifest?.sourceTotalCount).toBe(manifest?.recordCount);
    // One JSON summary line, one progress line per hour and instance.
    expect(log.entries().filter((entry) => entry['message'] === 'slice exported')).toHaveLength(12);
    expect(log.entries().filter((entry) => entry['message'] === 'export finished')).toHaveLength(1);
  });

  it('gives readers the same records, none twice, when the window runs again', async () => {
    const before = readExport(oss, BUCKET, PREFIX, A);
    const handler = exportRunner({ env: env(), logger: log.logger, now: () => NOW });

    const summary = await handler(backfillEvent({ instanceId: A, from: '2026-11-20T00:00:00Z', to: '2026-11-20T06:00:00Z' }), exportContext());

    const after = readExport(oss, BUCKET, PREFIX, A);
    expect(exactlyOnceDiff(after.ids, sourceIds(recordsA, START, END))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(after.manifests.flatMap((manifest) => manifest.files.map((file) => file.key)).sort()).toStrictEqual(
      before.manifests.flatMap((manifest) => manifest.files.map((file) => file.key)).sort(),
    );
    expect(summary.instances[0]).toMatchObject({ status: 'complete', objects: 0 });
    expect(summary.instances[0]?.objectsReused).toBeGreaterThan(0);
    // A backfill never moves the watermark.
    expect(watermarkOf(A)).toBe('2026-11-20T06:00:00Z');
  });

  it('refuses a CSV backfill into a JSON Lines prefix (FORMAT_CONFLICT, nothing written) and writes CSV to another prefix', async () => {
    const handler = exportRunner({ env: env(), logger: log.logger, now: () => NOW });
    const csvBackfill = backfillEvent({ instanceId: A, from: '2026-11-20T01:00:00Z', to: '2026-11-20T02:00:00Z', format: 'csv' });
    const before = oss.listKeys(BUCKET).map((key) => [key, oss.getObject(BUCKET, key)?.body.toString('base64')]);
    const refused = await handler(csvBackfill, exportContext()).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'FORMAT_CONFLICT', status: 409 });
    expect((refused as Error).message).toContain(`"${PREFIX}" holds jsonl files`);
    expect(oss.listKeys(BUCKET).map((key) => [key, oss.getObject(BUCKET, key)?.body.toString('base64')])).toStrictEqual(before);

    const csvPrefix = `${PREFIX}-csv`;
    await exportRunner({ env: env({ EXPORT_PREFIX: csvPrefix }), logger: log.logger, now: () => NOW })(csvBackfill, exportContext());
    const contents = readExport(oss, BUCKET, csvPrefix, A);
    expect(contents.manifests.map((manifest) => manifest.partition.hour)).toStrictEqual(['01']);
    expect(contents.manifests[0]?.files.every((file) => file.format === 'csv' && file.key.endsWith('.csv.gz'))).toBe(true);
    expect(exactlyOnceDiff(contents.ids, sourceIds(recordsA, START + 3_600_000, START + 7_200_000))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(JSON.parse(oss.getObject(BUCKET, `${csvPrefix}/_schema.json`)?.body.toString() ?? '{}')).toMatchObject({ schemaVersion: 1, format: 'csv' });
  });

  it('stops cleanly before the deadline, and the next run completes the window', async () => {
    clearBucket();
    let clock = NOW;
    const sink = aCapturingLogger('aiccs-export');
    const logger = {
      ...sink.logger,
      info: (message: string, fields?: Record<string, unknown>) => {
        sink.logger.info(message, fields);
        // After two hours are durable, time jumps to just before the deadline.
        if (message === 'slice exported' && sink.entries().filter((entry) => entry['message'] === 'slice exported').length === 2) clock += 45_000;
      },
      child: () => logger,
    };
    const handler = exportRunner({ env: env({ EXPORT_INSTANCE_IDS: A }), logger, now: () => clock });

    const first = await handler(timerEvent(), exportContext(60));
    expect(first.instances[0]).toMatchObject({ status: 'partial', exportedUntil: '2026-11-20T02:00:00Z' });
    expect(first.instances[0]?.reason).toMatch(/deadline/);
    expect(watermarkOf(A)).toBe('2026-11-20T02:00:00Z');
    expect(readExport(oss, BUCKET, PREFIX, A).manifests).toHaveLength(2);

    const second = await handler(timerEvent(), exportContext(900));
    expect(second.instances[0]).toMatchObject({ status: 'complete', exportedUntil: '2026-11-20T06:00:00Z', slices: 4 });
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, A).ids, sourceIds(recordsA, START, END))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('keeps the watermark consistent and exports once when two runs start at the same time', async () => {
    clearBucket();
    const handler = exportRunner({ env: env({ EXPORT_INSTANCE_IDS: A }), logger: log.logger, now: () => NOW });
    const summaries = await Promise.all([handler(timerEvent(), exportContext()), handler(timerEvent(), exportContext())]);
    const statuses = summaries.map((summary) => summary.instances[0]?.status).sort();
    expect(statuses).toStrictEqual(['complete', 'skipped']);
    expect(watermarkOf(A)).toBe('2026-11-20T06:00:00Z');
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, A).ids, sourceIds(recordsA, START, END))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });

    // Two backfills of the same day: one exports, the other stops at the leased day and says so.
    const backfills = await Promise.all([
      handler(backfillEvent({ instanceId: A, from: '2026-11-20T00:00:00Z', to: '2026-11-20T06:00:00Z' }), exportContext()),
      handler(backfillEvent({ instanceId: A, from: '2026-11-20T00:00:00Z', to: '2026-11-20T06:00:00Z' }), exportContext()),
    ]);
    expect(backfills.map((summary) => summary.instances[0]?.status).sort()).toStrictEqual(['complete', 'partial']);
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, A).ids, sourceIds(recordsA, START, END))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('uploads large files in parts, and aborts the upload when a part keeps failing until the deadline', async () => {
    clearBucket();
    const settings = env({ EXPORT_MULTIPART_THRESHOLD_BYTES: '102400', EXPORT_PART_SIZE_BYTES: '102400' });
    // Batch retries are patient until the deadline: a clock running 30× fast brings a 60 s deadline in about 2 s.
    const started = Date.now();
    const fastClock = () => NOW + (Date.now() - started) * 30;
    const patient = exportRunner({ env: settings, logger: log.logger, now: fastClock });
    const handler = exportRunner({ env: settings, logger: log.logger, now: () => NOW });
    const hourOne = backfillEvent({ instanceId: MULTI, from: '2026-11-20T00:00:00Z', to: '2026-11-20T01:00:00Z' });
    oss.setFaults({ failPartNumber: 2 });
    const stopped = await patient(hourOne, exportContext(60));
    expect(stopped.instances[0]).toMatchObject({ status: 'partial', reason: expect.stringMatching(/deadline/) });
    expect(oss.incompleteUploads(BUCKET)).toStrictEqual([]);
    expect(oss.abortedUploads(BUCKET).length).toBeGreaterThan(0);
    expect(oss.listKeys(BUCKET, `${PREFIX}/instance=${MULTI}/`)).toStrictEqual([]);

    oss.setFaults({});
    await handler(hourOne, exportContext());
    const contents = readExport(oss, BUCKET, PREFIX, MULTI);
    expect(
      exactlyOnceDiff(
        contents.ids,
        recordsMulti.map((record) => record.Id),
      ),
    ).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    const file = contents.manifests[0]?.files[0];
    expect(file?.bytes).toBeGreaterThan(2 * 102_400);
    expect(oss.getObject(BUCKET, file?.key ?? '')?.meta.objectType).toBe('Multipart');
    expect(oss.incompleteUploads(BUCKET)).toStrictEqual([]);
  });

  it('detects records arriving while an hour is paged, reads it again and exports them (real handler)', async () => {
    const LATE = 'ccc_xp_pre-cn-late0001';
    const hour = { from: Date.parse('2026-11-20T04:00:00Z'), to: Date.parse('2026-11-20T05:00:00Z') };
    const store = new RecordStore();
    store.add(LATE, generateCallRecords({ instanceId: LATE, seed: 31, from: hour.from, to: hour.to, count: 300 }));
    // Newest first in API order: records landing in the hour's last minute shift every later offset page.
    const late = generateCallRecords({ instanceId: LATE, seed: 32, from: hour.to - 60_000, to: hour.to, count: 9 }).map((record, index) => ({
      ...record,
      Id: `arrived-mid-read-${index}`,
    }));
    let added = false;
    const lateEmulator = await startAiccsEmulator({
      store,
      credentials: [{ ...TEST_CREDENTIALS }],
      qps: 100_000,
      beforeQuery: (_instanceId, query) => {
        if (!added && query['PageNo'] === 3) {
          added = true;
          store.add(LATE, late);
        }
      },
    });
    try {
      const handler = exportRunner({ env: env({ AICCS_ENDPOINT: lateEmulator.url, EXPORT_INSTANCE_IDS: LATE }), logger: log.logger, now: () => NOW });
      const summary = await handler(backfillEvent({ instanceId: LATE, from: '2026-11-20T04:00:00Z', to: '2026-11-20T05:00:00Z' }), exportContext());
      expect(added).toBe(true);
      expect(summary.instances[0]).toMatchObject({ status: 'complete', records: 309 });
      expect(summary.instances[0]?.refetches).toBeGreaterThan(0);
      const contents = readExport(oss, BUCKET, PREFIX, LATE);
      expect(
        exactlyOnceDiff(
          contents.ids,
          store.all(LATE).map((record) => record.Id),
        ),
      ).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
      expect(log.entries().some((entry) => entry['message'] === 'records moved during paging; reading the slice again')).toBe(true);
    } finally {
      await lateEmulator.close();
    }
  });

  it('fails fast on a bad event: nothing read, nothing written, watermark untouched', async () => {
    clearBucket();
    oss.putObject(
      BUCKET,
      `${PREFIX}/_state/instance=${A}.json`,
      JSON.stringify({ instanceId: A, watermark: '2026-11-20T01:00:00Z', updatedAt: '2026-11-20T01:10:00Z', runId: 'r0' }),
    );
    emulator.resetStats();
    const requestsBefore = Object.values(oss.stats.requests).reduce((total, count) => total + (count ?? 0), 0);
    const handler = exportRunner({ env: env(), logger: log.logger, now: () => NOW });
    for (const event of [Buffer.from('not json'), backfillEvent({ instanceId: A, from: '2026-11-20', to: '2026-11-21' }), timerEvent('{"bogus":1}')]) {
      await expect(handler(event, exportContext())).rejects.toBeInstanceOf(ValidationError);
    }
    expect(Object.values(oss.stats.requests).reduce((total, count) => total + (count ?? 0), 0)).toBe(requestsBefore);
    expect(emulator.stats.requests).toBe(0);
    expect(watermarkOf(A)).toBe('2026-11-20T01:00:00Z');
  });

  it('with a bad configuration, logs it once at cold start and fails every invocation naming the variable', async () => {
    clearBucket();
    const sink = aCapturingLogger('aiccs-export');
    const handler = createExportFunction({ env: env({ OSS_BUCKET: 'No_Such' }), logger: sink.logger });
    expect(sink.entries()).toStrictEqual([expect.objectContaining({ level: 'error', message: 'invalid configuration', code: 'CONFIG_INVALID', variable: 'OSS_BUCKET' })]);
    for (let invocation = 0; invocation < 2; invocation++) {
      const failure = await handler(Buffer.from(JSON.stringify({ instanceId: A, from: '2026-11-20T00:00:00Z', to: '2026-11-20T01:00:00Z' })), exportContext()).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as ConfigError).message).toMatch(/OSS_BUCKET/);
    }
    expect(oss.listKeys(BUCKET)).toStrictEqual([]);
  });
});

describe('export core against the emulator and the OSS server (scenarios that need control of the source)', () => {
  function deps(api: HotlineSessionApi, overrides: Partial<ReturnType<typeof loadExportConfig>['settings']> = {}) {
    const config = loadExportConfig(env());
    return {
      api,
      store: createOssStore({ region: 'oss-cn-hangzhou', bucket: BUCKET, endpoint: oss.url, credentials: { ...TEST_CREDENTIALS } }),
      limiter: createRateLimiter({ ratePerSecond: 10_000 }),
      settings: { ...config.settings, ...overrides },
      logger: silentLogger,
      runId: `test-${Math.random().toString(16).slice(2)}`,
      deadline: Date.now() + 120_000,
    };
  }
  const popApi = () => createPopHotlineApi({ endpoint: emulator.url, credentials: { ...TEST_CREDENTIALS }, timeoutMs: 5_000, maxAttempts: 5 });

  it('detects records that arrive during paging, reads the slice again and exports them', async () => {
    clearBucket();
    const base = popApi();
    const hour = { from: Date.parse('2026-11-20T04:00:00Z'), to: Date.parse('2026-11-20T05:00:00Z') };
    // Late records inside the hour being read, newest first in API order, so every later offset page shifts.
    const late = generateCallRecords({ instanceId: B, seed: 99, from: hour.to - 60_000, to: hour.to, count: 7 }).map((record, index) => ({
      ...record,
      Id: `late-arrival-${index}`,
    }));
    let calls = 0;
    const api: HotlineSessionApi = {
      async queryPage(params, options) {
        calls++;
        if (calls === 2) emulator.store.add(B, late);
        return base.queryPage(params, options);
      },
    };
    const summary: ExportSummary = await runExport({ mode: 'backfill', instanceId: B, range: hour }, deps(api));
    const all = emulator.store.all(B);
    expect(summary.instances[0]?.refetches).toBeGreaterThan(0);
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, B).ids, sourceIds(all, hour.from, hour.to))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(readExport(oss, BUCKET, PREFIX, B).ids).toEqual(expect.arrayContaining(late.map((record) => record.Id)));
  });

  it('splits slices over the depth cap recursively and loses nothing (cap lowered to 100)', async () => {
    clearBucket();
    const hour = { from: START, to: START + 3_600_000 };
    const summary = await runExport({ mode: 'backfill', instanceId: A, range: hour }, deps(popApi(), { maxRecordsPerFilter: 100 }));
    expect(summary.instances[0]?.splits).toBeGreaterThan(2);
    const contents = readExport(oss, BUCKET, PREFIX, A);
    expect(contents.manifests).toHaveLength(1);
    expect(contents.manifests[0]?.files.length).toBe(summary.instances[0]?.pieces);
    expect(exactlyOnceDiff(contents.ids, sourceIds(recordsA, hour.from, hour.to))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('splits an hour of more than 50,000 records at the real cap and loses nothing', async () => {
    clearBucket();
    const hour = { from: Date.parse('2026-11-21T10:00:00Z'), to: Date.parse('2026-11-21T11:00:00Z') };
    const dense = generateCallRecords({ instanceId: DENSE, seed: 5, from: hour.from, to: hour.to, count: 52_000 });
    emulator.store.add(DENSE, dense);
    const summary = await runExport(
      { mode: 'backfill', instanceId: DENSE, range: hour },
      { ...deps(popApi()), settings: { ...deps(popApi()).settings, concurrency: 16 } },
    );
    expect(summary.instances[0]).toMatchObject({ status: 'complete', records: 52_000, splits: 1, pieces: 2 });
    expect(
      exactlyOnceDiff(
        readExport(oss, BUCKET, PREFIX, DENSE).ids,
        dense.map((record) => record.Id),
      ),
    ).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  }, 60_000);

  it('names a one-second slice that still holds too many records instead of truncating', async () => {
    const second = Date.parse('2026-11-22T00:00:00Z');
    const burst = generateCallRecords({ instanceId: DENSE, seed: 6, from: second, to: second + 1_000, count: 30 });
    emulator.store.add(DENSE, burst);
    const failure = await runExport(
      { mode: 'backfill', instanceId: DENSE, range: { from: second, to: second + 3_600_000 } },
      deps(popApi(), { maxRecordsPerFilter: 10 }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailedError);
    expect((failure as ExportFailedError).summary.instances[0]?.error).toMatch(/\[2026-11-22T00:00:00Z, 2026-11-22T00:00:01Z\) holds 30 records/);
  });
});
