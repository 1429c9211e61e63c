import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCallRecord, generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startOssServer, type OssServer } from '../../dev/oss';
import { createExportFunction } from '../../lib/export/export-function';
import { createQueryFunction } from '../../lib/query/query-function';
import { TEST_CREDENTIALS, aContext, anHttpEvent } from '../builders/fc';
import { aCapturingLogger } from '../builders/log-sink';

// Recognisable values: if any of them shows up where it must not, the test names it.
const [CALLING, CALLED, TRUNK] = ['13812345678', '13987654321', '057188889999'] as const;
const PHONES = [CALLING, CALLED, TRUNK];
const SECRETS = [TEST_CREDENTIALS.accessKeySecret, TEST_CREDENTIALS.securityToken];
const INSTANCE = 'ccc_xp_pre-cn-leak0001';
const HOUR = Date.parse('2026-11-05T02:00:00Z');
const HASH_KEY = 'leak-test-hmac-key-0001';

let emulator: AiccsEmulator;
let echoingEmulator: AiccsEmulator;
let oss: OssServer;
const log = aCapturingLogger();

function assertClean(where: string, text: string, { phones = true } = {}) {
  // A leading fragment counts too: truncated messages must not carry part of a secret.
  for (const secret of SECRETS) expect(text.includes(secret.slice(0, 8)), `${where} contains (part of) a secret`).toBe(false);
  if (phones) for (const phone of PHONES) expect(text.includes(phone), `${where} contains the phone number ${phone}`).toBe(false);
}

beforeAll(async () => {
  const store = new RecordStore();
  const records = generateCallRecords({ instanceId: INSTANCE, seed: 4, from: HOUR, to: HOUR + 3_600_000, count: 40 });
  // Full, unmasked numbers in the source, as a real tenant's data may have.
  store.add(INSTANCE, [...records, aCallRecord({ Id: 'leak-1', CallingNumber: CALLING, CalledNumber: CALLED, TrunkCall: TRUNK, CreateTime: '2026-11-05 10:30:00' })]);
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, qps: 100_000 });
  // Real POP gateways echo the string to sign (every signed parameter, token included) on SignatureDoesNotMatch.
  echoingEmulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], requireSecurityToken: true, echoStringToSign: true });
  oss = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: ['cdr-export'] });
});

afterAll(async () => {
  await emulator.close();
  await echoingEmulator.close();
  await oss.close();
});

describe('no secrets or phone numbers where they must not be', () => {
  it('query function, PHONE_MASKING=mask: responses, problems and logs stay clean on every path', async () => {
    const env = { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: INSTANCE, PHONE_MASKING: 'mask', AICCS_MAX_ATTEMPTS: '2' };
    const handler = createQueryFunction({ env, logger: log.logger });
    const bodies: string[] = [];
    const call = async (body: unknown, context = aContext(), h = handler) => {
      const result = await h(anHttpEvent({ body: body as object }), context);
      bodies.push(result.body);
      return result;
    };
    // Success, with phone numbers in the filter and in the records.
    expect((await call({ instanceId: INSTANCE, all: true })).statusCode).toBe(200);
    expect((await call({ instanceId: INSTANCE, callingNumber: CALLING })).statusCode).toBe(200);
    // Validation failure echoing a phone-shaped value.
    expect((await call({ instanceId: INSTANCE, callingNumberList: [CALLING], pageSize: 500 })).statusCode).toBe(422);
    // Upstream failures: persistent SystemError, then credentials refused by a gateway that echoes the string to sign.
    emulator.setFaults({ systemErrorRate: 1 });
    expect((await call({ instanceId: INSTANCE, calledNumber: CALLED })).statusCode).toBe(502);
    emulator.setFaults({});
    const echoing = createQueryFunction({ env: { ...env, AICCS_ENDPOINT: echoingEmulator.url }, logger: log.logger });
    const refused = await call(
      { instanceId: INSTANCE, callingNumber: CALLING },
      aContext({ credentials: { ...TEST_CREDENTIALS, accessKeySecret: 'wrong-secret-value' } }),
      echoing,
    );
    expect(refused.statusCode).toBe(502);
    for (const [index, body] of bodies.entries()) assertClean(`response ${index}`, body);
    assertClean('the logs', log.lines.join(''));
    expect(log.lines.join('')).not.toContain('wrong-secret-value');
  });

  it('query function default (PHONE_MASKING=none) returns numbers as AICCS sent them, and still logs none', async () => {
    log.lines.length = 0;
    const handler = createQueryFunction({ env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: INSTANCE }, logger: log.logger });
    const result = await handler(anHttpEvent({ body: { instanceId: INSTANCE, id: 'leak-1' } }), aContext());
    expect(JSON.parse(result.body).records[0]).toMatchObject({ callingNumber: CALLING, calledNumber: CALLED });
    assertClean('the logs', log.lines.join(''));
  });

  it('export function, PHONE_MASKING=hash: files, object metadata and logs stay clean, success and failure', async () => {
    log.lines.length = 0;
    const env = {
      AICCS_ENDPOINT: emulator.url,
      EXPORT_INSTANCE_IDS: INSTANCE,
      OSS_REGION: 'oss-cn-hangzhou',
      OSS_BUCKET: 'cdr-export',
      OSS_ENDPOINT: oss.url,
      EXPORT_PREFIX: 'leak',
      EXPORT_QPS: '80',
      PHONE_MASKING: 'hash',
      PHONE_HASH_KEY: HASH_KEY,
    };
    const handler = createExportFunction({ env, logger: log.logger });
    const event = Buffer.from(JSON.stringify({ instanceId: INSTANCE, from: '2026-11-05T02:00:00Z', to: '2026-11-05T03:00:00Z' }));
    await handler(event, aContext({ function: { timeout: 900 } }));
    const keys = oss.listKeys('cdr-export', 'leak/');
    expect(keys.some((key) => key.endsWith('.jsonl.gz'))).toBe(true);
    for (const key of keys) {
      const object = oss.getObject('cdr-export', key);
      const content = key.endsWith('.gz') ? gunzipSync(object?.body ?? Buffer.alloc(0)).toString('utf8') : (object?.body.toString('utf8') ?? '');
      assertClean(key, content);
      assertClean(`${key} metadata`, JSON.stringify(object?.meta ?? {}));
    }
    // The HMAC of the number is there instead: joins still work.
    const { createHmac } = await import('node:crypto');
    const hashed = createHmac('sha256', HASH_KEY).update(CALLING).digest('hex');
    expect(
      keys
        .filter((key) => key.endsWith('.gz'))
        .map((key) => gunzipSync(oss.getObject('cdr-export', key)?.body ?? Buffer.alloc(0)).toString('utf8'))
        .join(''),
    ).toContain(hashed);

    // A failing run: OSS keeps answering 503 (retried patiently until the deadline of a 20 s function).
    oss.setFaults({ unavailableRate: 1 });
    await expect(handler(event, aContext({ function: { timeout: 20 } }))).rejects.toThrow();
    oss.setFaults({});
    assertClean('the logs', log.lines.join(''));
  }, 60_000);
});
