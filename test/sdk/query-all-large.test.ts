import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, RecordStore, generateCallRecords, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import { createCallRecordsClient } from '../../lib/sdk';
import { createQueryFunction } from '../../lib/query/query-function';

const INSTANCE = 'ccc_xp_pre-cn-client0051';
const FROM = Date.UTC(2026, 8, 1);
const TO = Date.UTC(2026, 8, 15);
/** Above the API's depth cap of 1,000 pages × 50, which used to end queryAll with PaginationDepthError. */
const COUNT = 51_000;
const CALLER = { accessKeyId: 'STS.CallerRole51', accessKeySecret: 'caller-secret-51', securityToken: 'caller-sts-token-51' };

let emulator: AiccsEmulator;
let gateway: FcGateway;
let ids: Set<string>;

beforeAll(async () => {
  const store = new RecordStore();
  const records = generateCallRecords({ instanceId: INSTANCE, seed: 51, from: FROM, to: TO, count: COUNT });
  ids = new Set(records.map((record) => record.Id));
  store.add(INSTANCE, records);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...DEMO_CREDENTIALS }], qps: Number.POSITIVE_INFINITY });
  const query = createQueryFunction({ env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: INSTANCE, LOG_LEVEL: 'error' } });
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'call-records-query',
    credentials: [CALLER],
    functions: { 'call-records-query': { handler: query, credentials: { ...DEMO_CREDENTIALS }, timeoutSeconds: 120 } },
  });
}, 60_000);

afterAll(async () => {
  await gateway.close();
  await emulator.close();
});

describe('queryAll over a window above the depth cap', () => {
  it(`reads all ${COUNT} records, each once, through the gateway by following cursors`, async () => {
    // Arrange
    const client = createCallRecordsClient({
      functionName: 'call-records-query',
      region: 'cn-hangzhou',
      accountId: '1234567890123456',
      endpoint: gateway.url,
      credentials: CALLER,
      timeoutMs: 120_000,
    });
    // Act
    const seen: string[] = [];
    for await (const record of client.queryAll({ startTime: new Date(FROM).toISOString(), endTime: new Date(TO).toISOString() })) seen.push(record.id ?? '');
    // Assert
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen)).toStrictEqual(ids);
    // Each invocation answers at most 5,000 records (the default limit).
    expect(gateway.invocations['call-records-query']).toBeGreaterThanOrEqual(Math.ceil(COUNT / 5000));
  }, 180_000);
});
