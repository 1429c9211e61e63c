import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CREDENTIALS, generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startOssServer, type OssServer } from '../../dev/oss';
import type { FcEventHandler } from '../../dev/fc-gateway';
import { buildFreshBundle, type FreshBundle } from '../builders/bundles';
import { exactlyOnceDiff, readExport } from '../builders/export-reader';

// The export bundle exactly as `npm run build` makes it (iconv-lite shim included), built fresh, against real servers over loopback.
const INSTANCE = 'ccc_xp_pre-cn-bundle01';
const FROM = Date.parse('2026-11-10T00:00:00Z');
let emulator: AiccsEmulator;
let oss: OssServer;
let bundle: FreshBundle;
let handler: FcEventHandler;

beforeAll(async () => {
  bundle = await buildFreshBundle('export');
  const store = new RecordStore();
  store.add(INSTANCE, generateCallRecords({ instanceId: INSTANCE, seed: 3, from: FROM, to: FROM + 2 * 3_600_000, count: 400 }));
  emulator = await startAiccsEmulator({ store, credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true, qps: 10_000 });
  oss = await startOssServer({ credentials: [{ ...DEMO_CREDENTIALS }], buckets: ['cdr-export'] });
  const env = {
    AICCS_ENDPOINT: emulator.url,
    EXPORT_INSTANCE_IDS: INSTANCE,
    OSS_REGION: 'oss-cn-hangzhou',
    OSS_BUCKET: 'cdr-export',
    OSS_ENDPOINT: oss.url,
    EXPORT_PREFIX: 'bundle',
    EXPORT_QPS: '80',
    LOG_LEVEL: 'error',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  // The bundle reads its config on first use.
  handler = bundle.load<{ handler: FcEventHandler }>().handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator.close();
  await oss.close();
  bundle.remove();
});

describe('the built export bundle', () => {
  it('exports a backfill through real ali-oss to the OSS server, exactly once', async () => {
    const summary = (await handler(Buffer.from(JSON.stringify({ instanceId: INSTANCE, from: '2026-11-10T00:00:00Z', to: '2026-11-10T02:00:00Z' })), {
      requestId: 'bundle-test',
      credentials: { ...DEMO_CREDENTIALS },
      function: { name: 'aiccs-export', timeout: 900 },
    })) as { status: string; totals: { records: number } };
    expect(summary).toMatchObject({ status: 'complete', totals: { records: 400 } });
    const contents = readExport(oss, 'cdr-export', 'bundle', INSTANCE);
    expect(
      exactlyOnceDiff(
        contents.ids,
        emulator.store.all(INSTANCE).map((record) => record.Id),
      ),
    ).toStrictEqual({ lost: 0, duplicates: 0, extra: 0 });
    expect(oss.stats.signatureVersions.v4).toBeGreaterThan(0);
  });
});
