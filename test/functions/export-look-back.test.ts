import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { startOssServer, type OssServer } from '../../dev/oss';
import { createOssStore, type ObjectStore } from '../../lib/adapters/oss/object-store';
import { StoreFailedError } from '../../lib/errors';
import { ChangeFeedEntrySchema, type ChangeFeedEntry } from '../../lib/export/change-feed';
import { createExportFunction } from '../../lib/export/export-function';
import type { ExportSummary } from '../../lib/export/types';
import { silentLogger } from '../../lib/log/logger';
import { TEST_CREDENTIALS, aContext } from '../builders/fc';
import { exactlyOnceDiff, readExport, sourceIds } from '../builders/export-reader';

/**
 * The timer's look-back and the visibility contract, through the real export handler, real ali-oss, the AICCS
 * emulator (its dev hooks add late records and change fields) and the OSS test server. The steps share one bucket
 * and run in order, each a later timer run of the same instance.
 */

const BUCKET = 'cdr-export';
const PREFIX = 'lake/cdr';
const L = 'ccc_xp_pre-cn-late0001';
const HOUR_MS = 3_600_000;
const START = Date.parse('2026-11-20T00:00:00Z');
const at = (iso: string) => Date.parse(iso);

let emulator: AiccsEmulator;
let oss: OssServer;
let records: RawCallRecord[];
/** Ids the emulator added late, by hook. */
const lateIds: string[] = [];
/** Every HotlineSessionQuery the emulator answered for L: window start and page size. */
const queries: Array<{ from: number; pageSize: number }> = [];

function env(overrides: Record<string, string> = {}) {
  return {
    AICCS_ENDPOINT: emulator.url,
    EXPORT_INSTANCE_IDS: L,
    OSS_REGION: 'oss-cn-hangzhou',
    OSS_BUCKET: BUCKET,
    OSS_ENDPOINT: oss.url,
    EXPORT_PREFIX: PREFIX,
    EXPORT_QPS: '80',
    EXPORT_LOOKBACK_HOURS: '6',
    EXPORT_FINALIZE_AFTER_HOURS: '2',
    EXPORT_RECHECK_HOURS: '48',
    AICCS_MAX_ATTEMPTS: '8',
    ...overrides,
  };
}

const timerEvent = () => Buffer.from(JSON.stringify({ triggerTime: '2026-11-20T06:15:00Z', triggerName: 'hourly', payload: '' }));
const exportContext = (timeoutSeconds = 900) => aContext({ function: { name: 'aiccs-export', handler: 'index.handler', memory: 1024, timeout: timeoutSeconds } });

async function timerRun(
  now: number | (() => number),
  options: { env?: Record<string, string>; storeFor?: (real: ObjectStore) => ObjectStore; timeoutSeconds?: number } = {},
) {
  const handler = createExportFunction({
    env: env(options.env),
    logger: silentLogger,
    now: typeof now === 'number' ? () => now : now,
    ...(options.storeFor
      ? {
          storeFor: (credentials, config) =>
            options.storeFor?.(
              createOssStore({ region: config.oss.region, bucket: config.oss.bucket, endpoint: config.oss.endpoint, credentials, maxAttempts: 2 }),
            ) as ObjectStore,
        }
      : {}),
  });
  const summary = await handler(timerEvent(), exportContext(options.timeoutSeconds));
  if (!('mode' in summary) || summary.mode === 'fan-out') throw new Error('expected an export run, got a fan-out or a job status');
  return summary as ExportSummary;
}

const manifestOf = (hour: string) => readExport(oss, BUCKET, PREFIX, L).manifests.find((manifest) => manifest.partition.hour === hour);
const changeFeed = (): ChangeFeedEntry[] =>
  oss
    .listKeys(BUCKET, `${PREFIX}/_changes/instance=${L}/`)
    .sort()
    .map((key) => ChangeFeedEntrySchema.parse(JSON.parse(oss.getObject(BUCKET, key)?.body.toString() ?? '')));
/** Every `part-*` a glob reader sees, against every file a manifest lists. */
const globAndManifests = () => {
  const contents = readExport(oss, BUCKET, PREFIX, L);
  const glob = oss.listKeys(BUCKET, `${PREFIX}/instance=${L}/`).filter((key) => /\/part-[^/]+$/.test(key));
  return { glob: glob.sort(), listed: contents.manifests.flatMap((manifest) => manifest.files.map((file) => file.key)).sort() };
};
const stagingKeys = () => oss.listKeys(BUCKET, `${PREFIX}/_staging/`);
const expectedIds = (until: number) => [...sourceIds(records, START, until), ...lateIds];
const fullReadsOf = (hour: number) => queries.filter((query) => query.from === hour && query.pageSize > 1).length;
const countsOf = (hour: number) => queries.filter((query) => query.from === hour && query.pageSize === 1).length;

beforeAll(async () => {
  const store = new RecordStore();
  records = generateCallRecords({ instanceId: L, seed: 21, from: START, to: START + 12 * HOUR_MS, count: 1_200 });
  store.add(L, records);
  emulator = await startAiccsEmulator({
    store,
    credentials: [{ ...TEST_CREDENTIALS }],
    requireSecurityToken: true,
    qps: 100_000,
    beforeQuery: (instanceId, query) => {
      // The adapter sends a window's start as its first millisecond − 1 (exclusive bounds); +1 gives the hour back.
      if (instanceId === L) queries.push({ from: Number(query['QueryStartTime']) + 1, pageSize: Number(query['PageSize']) });
    },
  });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.close();
  await oss.close();
});

describe('the timer looks back (real handler, real ali-oss, AICCS emulator dev hooks, OSS test server)', () => {
  it('publishes hours already older than EXPORT_FINALIZE_AFTER_HOURS final at once, the rest provisional, and feeds every new partition', async () => {
    const summary = await timerRun(at('2026-11-20T06:15:00Z'));

    expect(summary.status).toBe('complete');
    const manifests = readExport(oss, BUCKET, PREFIX, L).manifests;
    expect(manifests.map((manifest) => [manifest.partition.hour, manifest.final, manifest.revision])).toStrictEqual([
      ['00', true, 1],
      ['01', true, 1],
      ['02', true, 1],
      ['03', true, 1],
      ['04', false, 1],
      ['05', false, 1],
    ]);
    expect(manifests.every((manifest) => manifest.checkedAt === '2026-11-20T06:15:00.000Z')).toBe(true);
    const [entry, ...more] = changeFeed();
    expect(more).toStrictEqual([]);
    expect(entry).toMatchObject({ instanceId: L, runId: expect.stringMatching(/^20/), writtenAt: '2026-11-20T06:15:00.000Z' });
    expect(entry?.partitions.map(({ hour, reason, revision }) => `${hour}:${reason}:${revision}`)).toStrictEqual([
      '00:new:1',
      '01:new:1',
      '02:new:1',
      '03:new:1',
      '04:new:1',
      '05:new:1',
    ]);
    expect(oss.listKeys(BUCKET, `${PREFIX}/_changes/`)[0]).toMatch(/^lake\/cdr\/_changes\/instance=ccc_xp_pre-cn-late0001\/20261120T061500000Z-20\S+\.json$/);
    expect(stagingKeys()).toStrictEqual([]);
    expect(globAndManifests().glob).toStrictEqual(globAndManifests().listed);
  });

  it('exports records added late to an exported hour inside the horizon: none twice, revision up, reason "recheck"; final hours only counted', async () => {
    const late = emulator.addLateRecords({ instanceId: L, hour: '2026-11-20T03:00:00Z', count: 7 });
    lateIds.push(...late.ids);
    queries.length = 0;

    const summary = await timerRun(at('2026-11-20T07:15:00Z'));

    expect(summary.status).toBe('complete');
    expect(summary.instances[0]?.lookBack).toMatchObject({ checked: 6, replaced: 1, finalized: 1, deferred: 0 });
    const contents = readExport(oss, BUCKET, PREFIX, L);
    expect(exactlyOnceDiff(contents.ids, expectedIds(at('2026-11-20T07:00:00Z')))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(manifestOf('03')).toMatchObject({
      revision: 2,
      final: true,
      recordCount: sourceIds(records, at('2026-11-20T03:00:00Z'), at('2026-11-20T04:00:00Z')).length + 7,
    });
    // Hour 04 ended 2 h 15 min ago: read again in full and republished final, its count unchanged.
    expect(manifestOf('04')).toMatchObject({ revision: 2, final: true });
    expect(manifestOf('05')).toMatchObject({ revision: 1, final: false });
    // Final hours whose count did not change: one count request each, never read again.
    for (const hour of ['00', '01', '02']) {
      const from = at(`2026-11-20T${hour}:00:00Z`);
      expect({ hour, counts: countsOf(from), fullReads: fullReadsOf(from) }).toStrictEqual({ hour, counts: 1, fullReads: 0 });
    }
    expect(fullReadsOf(at('2026-11-20T03:00:00Z'))).toBeGreaterThan(0);
    const latest = changeFeed().at(-1);
    expect(latest?.partitions.map(({ hour, reason, revision, final }) => `${hour}:${reason}:${revision}:${final}`)).toStrictEqual([
      '06:new:1:false',
      '03:recheck:2:true',
      '04:finalize:2:true',
    ]);
    expect(stagingKeys()).toStrictEqual([]);
    expect(globAndManifests().glob).toStrictEqual(globAndManifests().listed);
  });

  it('republishes a provisional hour final with the changed field values once it is old enough', async () => {
    emulator.changeRecords({ instanceId: L, hour: '2026-11-20T05:00:00Z', fields: { EvaluationLevel: 5, EvaluationScore: 1 } });
    const hour05 = manifestOf('05');

    const summary = await timerRun(at('2026-11-20T08:15:00Z'));

    expect(summary.status).toBe('complete');
    const manifest = manifestOf('05');
    expect(manifest).toMatchObject({ revision: 2, final: true, recordCount: hour05?.recordCount });
    const values = (manifest?.files ?? []).flatMap((file) =>
      gunzipSync(oss.getObject(BUCKET, file.key)?.body ?? Buffer.alloc(0))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { evaluationLevel: number | null; evaluationScore: number | null }),
    );
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((record) => record.evaluationLevel === 5 && record.evaluationScore === 1)).toBe(true);
    expect(
      changeFeed()
        .at(-1)
        ?.partitions.map(({ hour, reason }) => `${hour}:${reason}`),
    ).toStrictEqual(['07:new', '05:finalize']);
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, L).ids, expectedIds(at('2026-11-20T08:00:00Z')))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('leaves an hour outside the recheck horizon untouched, late records or not', async () => {
    const late = emulator.addLateRecords({ instanceId: L, hour: '2026-11-20T00:00:00Z', count: 3 });
    queries.length = 0;

    const summary = await timerRun(at('2026-11-20T09:15:00Z'), { env: { EXPORT_RECHECK_HOURS: '3' } });

    expect(summary.status).toBe('complete');
    expect(queries.filter((query) => query.from === START)).toStrictEqual([]);
    expect(manifestOf('00')).toMatchObject({ revision: 1, final: true });
    // Rechecked: hours 06 and 07 (the horizon is [09:00 − 3 h, 09:00); hour 08 was published by this very run).
    expect(summary.instances[0]?.lookBack?.checked).toBe(2);
    // With the default 48-hour horizon, the next runs recheck hour 00 and export these.
    lateIds.push(...late.ids);
  });

  it('removes the part files it copied in when the manifest write fails, so a glob still equals the manifests', async () => {
    const late = emulator.addLateRecords({ instanceId: L, hour: '2026-11-20T07:00:00Z', count: 4 });
    const before = manifestOf('07');
    oss.setFaults({ match: (op, _bucket, key) => op === 'PutObject' && key.endsWith('hour=07/_manifest.json'), failNext: [{ status: 500, count: 50 }] });
    try {
      // OSS failures are retried until the run's deadline: a clock running 200× faster than real time reaches it in seconds.
      const realStart = Date.now();
      const failed = await timerRun(() => at('2026-11-20T09:20:00Z') + (Date.now() - realStart) * 200).catch((error: unknown) => error);
      // The manifest write is retried until the deadline; then the run stops cleanly with the hour deferred (or fails).
      if (!(failed instanceof Error)) expect((failed as ExportSummary).instances[0]?.lookBack?.deferred).toBeGreaterThanOrEqual(1);
    } finally {
      oss.setFaults({});
    }
    expect(manifestOf('07')).toStrictEqual(before);
    expect(globAndManifests().glob).toStrictEqual(globAndManifests().listed);
    expect(stagingKeys()).toStrictEqual([]);

    const summary = await timerRun(at('2026-11-20T09:25:00Z'));
    lateIds.push(...late.ids);
    expect(summary.status).toBe('complete');
    expect(manifestOf('07')).toMatchObject({ revision: (before?.revision ?? 0) + 1 });
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, L).ids, expectedIds(at('2026-11-20T09:00:00Z')))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });

  it('stops at a deadline that comes while an hour is being staged: nothing of that hour visible, its staging removed by the run itself', async () => {
    const late = emulator.addLateRecords({ instanceId: L, hour: '2026-11-20T05:00:00Z', count: 3 });
    let clock = at('2026-11-20T09:30:00Z');
    const before = manifestOf('05');
    // The upload of hour 05's new file is where the time runs out: the clock jumps past the deadline and the call fails as OSS calls do then.
    const timingOut = (real: ObjectStore): ObjectStore => ({
      ...real,
      put: async (key, body, options) => {
        if (key.includes('/_staging/') && key.includes('hour=05/part-')) {
          await real.put(key, body, options);
          clock += 60 * 60_000;
          throw new StoreFailedError({ operation: 'put', key, code: 'DeadlineReached' });
        }
        return real.put(key, body, options);
      },
      get: real.get,
      head: real.head,
      delete: real.delete,
      list: real.list,
      copy: real.copy,
    });

    const summary = await timerRun(() => clock, { storeFor: timingOut });

    expect(summary.instances[0]).toMatchObject({ status: 'up-to-date', lookBack: { deferred: 1 } });
    expect(manifestOf('05')).toStrictEqual(before);
    expect(globAndManifests().glob).toStrictEqual(globAndManifests().listed);
    expect(stagingKeys()).toStrictEqual([]);
    // The next run rechecks the hour again and publishes it.
    await timerRun(at('2026-11-20T09:45:00Z'));
    lateIds.push(...late.ids);
    expect(manifestOf('05')?.revision).toBe((before?.revision ?? 0) + 1);
  });

  it('settles a crashed run once its deadline has passed: its leases expire, its copied files and staging go', async () => {
    const late = emulator.addLateRecords({ instanceId: L, hour: '2026-11-20T06:00:00Z', count: 2 });
    lateIds.push(...late.ids);
    const crashAt = at('2026-11-20T10:15:00Z');
    // The process dies right after the first file is copied into a partition: nothing after that reaches OSS.
    let dead = false;
    const crashing = (real: ObjectStore): ObjectStore => {
      const guard =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          if (dead) throw new Error('process killed');
          return call(...args);
        };
      return {
        put: guard(real.put),
        get: guard(real.get),
        head: guard(real.head),
        delete: guard(real.delete),
        list: guard(real.list),
        copy: guard(async (source: string, target: string) => {
          const outcome = await real.copy(source, target);
          dead = true;
          return outcome;
        }),
      };
    };
    await timerRun(crashAt, { storeFor: crashing, timeoutSeconds: 60 }).catch(() => undefined);
    expect(dead).toBe(true);
    const left = globAndManifests();
    expect(left.glob.length).toBeGreaterThan(left.listed.length);
    expect(stagingKeys().length).toBeGreaterThan(0);

    // Its deadline (60 s timeout − 15 s reserve) plus the lease margin (30 s) has not passed: the lease holds.
    const blocked = await timerRun(crashAt + 74_000);
    expect(blocked.instances[0]).toMatchObject({ status: 'skipped' });
    expect(stagingKeys().length).toBeGreaterThan(0);

    const next = await timerRun(crashAt + 76_000);
    expect(next.status).toBe('complete');
    expect(globAndManifests().glob).toStrictEqual(globAndManifests().listed);
    expect(stagingKeys()).toStrictEqual([]);
    expect(manifestOf('06')).toMatchObject({ final: true });
    expect(exactlyOnceDiff(readExport(oss, BUCKET, PREFIX, L).ids, expectedIds(at('2026-11-20T10:00:00Z')))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });
});
