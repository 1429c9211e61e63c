import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCallRecords, peakPerSecond, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import { startOssServer, type OssServer } from '../../dev/oss';
import type { JobStatus } from '../../lib/contracts/export-job';
import { createExportFunction } from '../../lib/export/export-function';
import { silentLogger } from '../../lib/log/logger';
import { TEST_CREDENTIALS } from '../builders/fc';
import { exactlyOnceDiff, readExport, sourceIds } from '../builders/export-reader';

const INSTANCE = 'ccc_xp_pre-cn-fanout01';
const FROM = Date.parse('2026-11-01T00:00:00Z');
const TO = Date.parse('2026-11-11T00:00:00Z');
let emulator: AiccsEmulator;
let oss: OssServer;
let gateway: FcGateway;
let records: RawCallRecord[];
let env: Record<string, string>;

beforeAll(async () => {
  const store = new RecordStore();
  records = generateCallRecords({ instanceId: INSTANCE, seed: 21, from: FROM, to: TO, count: 4_800 });
  store.add(INSTANCE, records);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, qps: 100_000 });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: ['cdr-export'] });
  // The gateway's URL is only known once it listens; the handler reads its config on first use.
  env = {
    AICCS_ENDPOINT: emulator.url,
    EXPORT_INSTANCE_IDS: INSTANCE,
    OSS_REGION: 'oss-cn-hangzhou',
    OSS_BUCKET: 'cdr-export',
    OSS_ENDPOINT: oss.url,
    EXPORT_PREFIX: 'fan',
    EXPORT_QPS: '45',
    EXPORT_FANOUT_PARALLELISM: '3',
  };
  let handler: ReturnType<typeof createExportFunction> | undefined;
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'aiccs-export',
    functions: {
      'aiccs-export': {
        timeoutSeconds: 900,
        // The ranges take EXPORT_FANOUT_PARALLELISM slots; one more keeps status and stop answerable (a sync call beyond it gets 429).
        reservedConcurrency: 4,
        credentials: { ...TEST_CREDENTIALS },
        handler: (event, context) => {
          handler ??= createExportFunction({ env, logger: silentLogger });
          return handler(event, context);
        },
      },
    },
  });
  env['EXPORT_INVOKE_ENDPOINT'] = gateway.url;
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
  await oss.close();
});

describe('fan-out backfills through the local FC gateway', () => {
  it('runs a 10-day job as async tasks, at most 3 ranges at once, within EXPORT_QPS + 3 in any second at AICCS; status follows it to succeeded', async () => {
    const response = await fetchSync(gateway.url, { instanceId: INSTANCE, from: '2026-11-01T00:00:00Z', to: '2026-11-11T00:00:00Z', jobId: 'ten-days' });
    expect(response).toMatchObject({ jobId: 'ten-days', mode: 'fan-out', status: 'dispatched', parallelism: 3, qpsPerRange: 15 });
    expect((response as { dispatched: unknown[] }).dispatched).toHaveLength(3);

    // Status while it runs (a sync call: the fourth slot of reservedConcurrency keeps it from being throttled).
    const seen: number[] = [];
    let peakRunning = 0;
    for (;;) {
      peakRunning = Math.max(peakRunning, gateway.running('aiccs-export'));
      const status = (await fetchSync(gateway.url, { action: 'status', jobId: 'ten-days' }, { retryThrottled: true })) as JobStatus;
      seen.push(status.hoursDone);
      if (status.state !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await gateway.waitForAsyncIdle();
    const final = (await fetchSync(gateway.url, { action: 'status', jobId: 'ten-days' })) as JobStatus;
    expect(final).toMatchObject({ state: 'succeeded', hoursTotal: 240, hoursDone: 240, records: records.length });
    expect(final.ranges).toHaveLength(10);
    expect(final.ranges.every((range) => range.state === 'succeeded')).toBe(true);
    expect(final.finishedAt).toBeDefined();
    expect(seen.some((hours) => hours > 0 && hours < 240)).toBe(true);

    const runs = gateway.asyncInvocations();
    expect(runs).toHaveLength(10);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    expect(peakRunning).toBeLessThanOrEqual(4);
    expect(peakPerSecond(emulator.stats.requestTimes)).toBeLessThanOrEqual(45 + 3);
    const contents = readExport(oss, 'cdr-export', 'fan', INSTANCE);
    expect(contents.manifests).toHaveLength(240);
    expect(exactlyOnceDiff(contents.ids, sourceIds(records, FROM, TO))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });

    // A repeated dispatch of a task that already ran is answered 409 by FC: harmless.
    const { createFcJobDispatcher } = await import('../../lib/export/jobs/dispatch');
    const { loadExportConfig } = await import('../../lib/export/config');
    const dispatcher = createFcJobDispatcher(
      {
        requestId: 'dup',
        retryCount: 0,
        startedAt: Date.now(),
        credentials: { ...TEST_CREDENTIALS },
        credentialsInput: { ...TEST_CREDENTIALS },
        deadline: { at: Date.now() + 60_000, signal: new AbortController().signal },
        storeDeadline: { at: Date.now() + 60_000, signal: new AbortController().signal },
        location: { functionName: 'aiccs-export', accountId: '1234567890123456', region: 'cn-hangzhou' },
      },
      loadExportConfig(env),
    );
    const event = { instanceId: INSTANCE, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', jobId: 'ten-days', rangeIndex: 0, continuation: 0, generation: 0 };
    await expect(dispatcher.dispatch(event, { taskId: 'job_ten-days_g0_r0_c0' })).resolves.toStrictEqual({ outcome: 'duplicate' });
    await gateway.waitForAsyncIdle();
    expect(gateway.asyncInvocations()).toHaveLength(10);
  });
});

/** Invokes the export function synchronously through the gateway's FC 3.0 API with the SDK client transport. */
async function fetchSync(url: string, payload: Record<string, unknown>, options: { retryThrottled?: boolean } = {}): Promise<unknown> {
  const { createFc3Invoker } = await import('../../lib/sdk/fc3-invoker');
  const { resolveCredentialSource } = await import('../../lib/credentials/credentials');
  const invoker = createFc3Invoker({ endpoint: new URL(url), credentials: resolveCredentialSource({ ...TEST_CREDENTIALS }), qualifier: 'LATEST', timeoutMs: 60_000 });
  const { InvokeTransportError } = await import('../../lib/sdk/errors');
  for (;;) {
    try {
      return decode(await invoker.invoke('aiccs-export', Buffer.from(JSON.stringify(payload)), { async: false }));
    } catch (error) {
      // While a range hands its slot to the next one, both hold one for a moment: FC answers a sync call 429, as the SDK's waitForExport expects.
      if (!(options.retryThrottled && error instanceof InvokeTransportError && error.status === 429)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function decode(result: { status: number; headers: Record<string, string>; body: Buffer }): unknown {
  expect(result.status).toBe(200);
  expect(result.headers['x-fc-error-type']).toBeUndefined();
  return JSON.parse(result.body.toString('utf8'));
}
