import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import { startOssServer, type OssServer } from '../../dev/oss';
import { createExportFunction } from '../../lib/export/export-function';
import { silentLogger } from '../../lib/log/logger';
import { TEST_CREDENTIALS } from '../builders/fc';
import { exactlyOnceDiff, readExport, sourceIds } from '../builders/export-reader';

const INSTANCE = 'ccc_xp_pre-cn-fanout01';
const FROM = Date.parse('2026-11-01T00:00:00Z');
const TO = Date.parse('2026-11-04T00:00:00Z');
let emulator: AiccsEmulator;
let oss: OssServer;
let gateway: FcGateway;
let records: RawCallRecord[];

beforeAll(async () => {
  const store = new RecordStore();
  records = generateCallRecords({ instanceId: INSTANCE, seed: 21, from: FROM, to: TO, count: 900 });
  store.add(INSTANCE, records);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, qps: 100_000 });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: ['cdr-export'] });
  // The gateway's URL is only known once it listens; the handler reads its config on first use.
  const env: Record<string, string> = {
    AICCS_ENDPOINT: emulator.url,
    EXPORT_INSTANCE_IDS: INSTANCE,
    OSS_REGION: 'oss-cn-hangzhou',
    OSS_BUCKET: 'cdr-export',
    OSS_ENDPOINT: oss.url,
    EXPORT_PREFIX: 'fan',
    EXPORT_QPS: '60',
    EXPORT_FANOUT_PARALLELISM: '3',
  };
  let handler: ReturnType<typeof createExportFunction> | undefined;
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'aiccs-export',
    functions: {
      'aiccs-export': {
        timeoutSeconds: 900,
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
  it('splits a three-day backfill into signed async invocations of itself that together export every record once', async () => {
    const response = await fetchSync(gateway.url, { instanceId: INSTANCE, from: '2026-11-01T00:00:00Z', to: '2026-11-04T00:00:00Z' });
    expect(response).toMatchObject({ mode: 'fan-out', status: 'dispatched', parallelism: 3, qpsPerRange: 20 });
    expect((response as { dispatched: unknown[] }).dispatched).toHaveLength(3);

    await gateway.waitForAsyncIdle();
    const runs = gateway.asyncInvocations();
    expect(runs).toHaveLength(3);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    const contents = readExport(oss, 'cdr-export', 'fan', INSTANCE);
    expect(contents.manifests).toHaveLength(72);
    expect(exactlyOnceDiff(contents.ids, sourceIds(records, FROM, TO))).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
  });
});

/** Invokes the export function synchronously through the gateway's FC 3.0 API with the SDK client transport. */
async function fetchSync(url: string, payload: Record<string, unknown>): Promise<unknown> {
  const { createFc3Invoker } = await import('../../lib/sdk/fc3-invoker');
  const { resolveCredentialSource } = await import('../../lib/credentials/credentials');
  const invoker = createFc3Invoker({ endpoint: new URL(url), credentials: resolveCredentialSource({ ...TEST_CREDENTIALS }), qualifier: 'LATEST', timeoutMs: 60_000 });
  const result = await invoker.invoke('aiccs-export', Buffer.from(JSON.stringify(payload)), { async: false });
  expect(result.status).toBe(200);
  expect(result.headers['x-fc-error-type']).toBeUndefined();
  return JSON.parse(result.body.toString('utf8'));
}
