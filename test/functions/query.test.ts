import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { NormalizedCallRecordSchema } from '../../lib/contracts/call-record';
import { createQueryFunction } from '../../lib/query/query-function';
import { QueryResponseSchema } from '../../lib/contracts/query-response';
import { TEST_CREDENTIALS, aContext, anHttpEvent } from '../builders/fc';
import { aCapturingLogger } from '../builders/log-sink';

const INSTANCE = 'ccc_xp_pre-cn-test0001';
const SMALL_INSTANCE = 'ccc_xp_pre-cn-test0002';
const UNKNOWN_TO_AICCS = 'ccc_xp_pre-cn-gone0001';
const FROM = Date.UTC(2026, 10, 20, 0, 0, 0);
const TO = Date.UTC(2026, 10, 22, 0, 0, 0);

let emulator: AiccsEmulator;
let records: RawCallRecord[];
const log = aCapturingLogger('aiccs-query');

function aHandler(env: Record<string, string> = {}) {
  return createQueryFunction({
    env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: `${INSTANCE},${SMALL_INSTANCE},${UNKNOWN_TO_AICCS}`, AICCS_TIMEOUT_MS: '2000', ...env },
    logger: log.logger,
  });
}

async function post(body: unknown, options: { headers?: Record<string, string>; env?: Record<string, string>; handler?: ReturnType<typeof aHandler> } = {}) {
  const handler = options.handler ?? aHandler(options.env);
  const result = await handler(anHttpEvent({ body: body as object, ...(options.headers ? { headers: options.headers } : {}) }), aContext());
  const isJson = (result.headers['Content-Type'] ?? '').includes('json') && !(result.headers['Content-Type'] ?? '').includes('ndjson');
  return { status: result.statusCode, headers: result.headers, body: result.body, json: isJson ? (JSON.parse(result.body) as Record<string, any>) : undefined };
}

/** The order the API returns: CreateTime descending, then Id descending. */
const apiOrder = (a: RawCallRecord, b: RawCallRecord) => (a.CreateTime === b.CreateTime ? (a.Id < b.Id ? 1 : -1) : a.CreateTime < b.CreateTime ? 1 : -1);
const epochOf = (createTime: string) => Date.parse(`${createTime.replace(' ', 'T')}+08:00`);
const idsOf = (list: Array<{ id?: unknown; Id?: unknown }>) => list.map((record) => record.id ?? record.Id);

beforeAll(async () => {
  const store = new RecordStore();
  records = generateCallRecords({ instanceId: INSTANCE, seed: 7, from: FROM, to: TO, count: 600 });
  store.add(INSTANCE, records);
  store.add(SMALL_INSTANCE, generateCallRecords({ instanceId: SMALL_INSTANCE, seed: 8, from: FROM, to: TO, count: 30 }));
  emulator = await startAiccsEmulator({
    store,
    credentials: [{ ...TEST_CREDENTIALS }, { accessKeyId: 'LTAIlocalenv0001', accessKeySecret: 'local-env-secret-0001' }],
    requireSecurityToken: true,
  });
});

afterAll(async () => {
  await emulator.close();
});

afterEach(() => {
  emulator.setFaults({});
  emulator.resetStats();
  log.lines.length = 0;
});

describe('POST / (query)', () => {
  it('returns the first page of normalized records with page facts', async () => {
    const response = await post({ instanceId: INSTANCE });
    expect(response.status).toBe(200);
    const body = QueryResponseSchema.parse(response.json);
    expect(body.page).toStrictEqual({ pageNo: 1, pageSize: 20, totalCount: 600, hasMore: true });
    expect(idsOf(body.records)).toStrictEqual(idsOf([...records].sort(apiOrder).slice(0, 20)));
    for (const record of body.records) expect(NormalizedCallRecordSchema.parse(record).instanceId).toBe(INSTANCE);
    expect(body.requestId).toMatch(/[0-9A-F-]{8,}/);
    // Signed with the context's STS triple, params sent with their wire names only.
    expect(emulator.stats.lastParams).toMatchObject({ InstanceId: INSTANCE, PageNo: '1', PageSize: '20', SecurityToken: TEST_CREDENTIALS.securityToken });
    expect(Object.values(emulator.stats.lastParams ?? {})).not.toContain('undefined');
  });

  it('normalizes every record of the dataset consistently with its wire values', async () => {
    const response = await post({ instanceId: INSTANCE, all: true });
    const byId = new Map(records.map((record) => [record.Id, record]));
    for (const record of QueryResponseSchema.parse(response.json).records) {
      const wire = byId.get(record.id ?? '');
      expect(wire).toBeDefined();
      expect(record.createTime).toBe(`${wire?.CreateTime.replace(' ', 'T')}+08:00`);
      expect(record.groupId).toBe(wire?.GroupId);
      expect(record.callType).toBe(({ 1: 'outbound', 2: 'inbound', 3: 'transfer' } as Record<number, string>)[wire?.CallType ?? 0]);
      expect(record.callContinueTime).toBe(wire?.CallContinueTime);
    }
  });

  it('pages through with pageNo and pageSize', async () => {
    const sorted = [...records].sort(apiOrder);
    const second = await post({ instanceId: INSTANCE, pageNo: 2, pageSize: 50 });
    expect(idsOf(second.json?.['records'])).toStrictEqual(idsOf(sorted.slice(50, 100)));
    const last = await post({ instanceId: INSTANCE, pageNo: 12, pageSize: 50 });
    expect(last.json?.['page']).toStrictEqual({ pageNo: 12, pageSize: 50, totalCount: 600, hasMore: false });
    const past = await post({ instanceId: INSTANCE, pageNo: 13, pageSize: 50 });
    expect(past.json?.['records']).toStrictEqual([]);
  });

  it('uses the only configured instance when instanceId is omitted', async () => {
    const handler = createQueryFunction({ env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: SMALL_INSTANCE }, logger: log.logger });
    const response = await post({ pageSize: 5 }, { handler });
    expect(response.status).toBe(200);
    expect(response.json?.['page']).toMatchObject({ totalCount: 30 });
  });

  it('accepts a base64-encoded body and a direct invocation whose event is the filter', async () => {
    const handler = aHandler();
    const viaBase64 = await handler(anHttpEvent({ body: JSON.stringify({ instanceId: SMALL_INSTANCE, pageSize: 3 }), base64: true }), aContext());
    expect(viaBase64.statusCode).toBe(200);
    const direct = await handler(Buffer.from(JSON.stringify({ InstanceId: SMALL_INSTANCE, PageSize: 3 })), aContext());
    expect(direct.statusCode).toBe(200);
    expect(JSON.parse(direct.body).records).toStrictEqual(JSON.parse(viaBase64.body).records);
  });

  it.each([
    { info: 'NDJSON', accept: 'application/x-ndjson', type: 'application/x-ndjson' },
    { info: 'CSV', accept: 'text/csv', type: 'text/csv' },
  ])('returns $info when asked, with page facts in headers', async ({ accept, type }) => {
    const response = await post({ instanceId: SMALL_INSTANCE, pageSize: 7 }, { headers: { Accept: accept } });
    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toContain(type);
    expect(response.headers).toMatchObject({ 'X-Total-Count': '30', 'X-Has-More': 'true', 'X-Page-No': '1', 'X-Page-Size': '7' });
    const lines = response.body.trimEnd().split(/\r?\n/);
    expect(lines).toHaveLength(type === 'text/csv' ? 8 : 7);
    if (type === 'text/csv') expect(lines[0]).toMatch(/^instanceId,id,acid,callType,/);
    else expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ instanceId: SMALL_INSTANCE });
  });
});

describe('filters (each checked against the dataset, independently of the emulator)', () => {
  const sample = () => [...records].sort(apiOrder);
  const pick = <K extends keyof RawCallRecord>(field: K, nth = 0) => sample().filter((record) => record[field] !== null)[nth * 7]?.[field] as RawCallRecord[K];

  const cases: Array<{ info: string; filter: () => Record<string, unknown>; matches: (record: RawCallRecord) => boolean }> = [
    { info: 'acid', filter: () => ({ acid: pick('Acid') }), matches: (r) => r.Acid === pick('Acid') },
    { info: 'acidList', filter: () => ({ acidList: [pick('Acid'), pick('Acid', 1)] }), matches: (r) => [pick('Acid'), pick('Acid', 1)].includes(r.Acid) },
    { info: 'callType (word)', filter: () => ({ callType: 'transfer' }), matches: (r) => r.CallType === 3 },
    { info: 'callType (code)', filter: () => ({ callType: 1 }), matches: (r) => r.CallType === 1 },
    { info: 'callTypeList', filter: () => ({ callTypeList: ['outbound', 'transfer'] }), matches: (r) => r.CallType === 1 || r.CallType === 3 },
    { info: 'callingNumber', filter: () => ({ callingNumber: pick('CallingNumber') }), matches: (r) => r.CallingNumber === pick('CallingNumber') },
    {
      info: 'callingNumberList',
      filter: () => ({ callingNumberList: [pick('CallingNumber'), pick('CallingNumber', 2)] }),
      matches: (r) => [pick('CallingNumber'), pick('CallingNumber', 2)].includes(r.CallingNumber),
    },
    { info: 'calledNumber', filter: () => ({ calledNumber: pick('CalledNumber') }), matches: (r) => r.CalledNumber === pick('CalledNumber') },
    {
      info: 'calledNumberList',
      filter: () => ({ calledNumberList: [pick('CalledNumber'), pick('CalledNumber', 3)] }),
      matches: (r) => [pick('CalledNumber'), pick('CalledNumber', 3)].includes(r.CalledNumber),
    },
    { info: 'groupId', filter: () => ({ groupId: pick('GroupId') }), matches: (r) => r.GroupId === pick('GroupId') },
    {
      info: 'groupIdList',
      filter: () => ({ groupIdList: [pick('GroupId'), pick('GroupId', 4)] }),
      matches: (r) => [pick('GroupId'), pick('GroupId', 4)].includes(r.GroupId),
    },
    { info: 'groupName', filter: () => ({ groupName: pick('GroupName') }), matches: (r) => r.GroupName === pick('GroupName') },
    { info: 'servicerId', filter: () => ({ servicerId: pick('ServicerId') }), matches: (r) => r.ServicerId === pick('ServicerId') },
    {
      info: 'servicerIdList',
      filter: () => ({ servicerIdList: [pick('ServicerId'), pick('ServicerId', 5)] }),
      matches: (r) => [pick('ServicerId'), pick('ServicerId', 5)].includes(r.ServicerId),
    },
    { info: 'servicerName', filter: () => ({ servicerName: pick('ServicerName') }), matches: (r) => r.ServicerName === pick('ServicerName') },
    { info: 'memberId', filter: () => ({ memberId: pick('MemberId') }), matches: (r) => r.MemberId === pick('MemberId') },
    {
      info: 'memberIdList',
      filter: () => ({ memberIdList: [pick('MemberId'), pick('MemberId', 6)] }),
      matches: (r) => [pick('MemberId'), pick('MemberId', 6)].includes(r.MemberId),
    },
    { info: 'memberName', filter: () => ({ memberName: pick('MemberName') }), matches: (r) => r.MemberName === pick('MemberName') },
    { info: 'callResult', filter: () => ({ callResult: 'userHangup' }), matches: (r) => r.CallResult === 'userHangup' },
    {
      info: 'callResultList',
      filter: () => ({ callResultList: ['normal', 'touchInLoss'] }),
      matches: (r) => r.CallResult === 'normal' || r.CallResult === 'touchInLoss',
    },
    { info: 'id', filter: () => ({ id: pick('Id', 3) }), matches: (r) => r.Id === pick('Id', 3) },
    {
      info: 'several fields (AND across, OR within lists)',
      filter: () => ({ callTypeList: [2, 3], callResult: 'normal', servicerIdList: [pick('ServicerId'), pick('ServicerId', 1), pick('ServicerId', 2)] }),
      matches: (r) =>
        (r.CallType === 2 || r.CallType === 3) && r.CallResult === 'normal' && [pick('ServicerId'), pick('ServicerId', 1), pick('ServicerId', 2)].includes(r.ServicerId),
    },
    {
      info: 'startTime/endTime as a half-open range',
      filter: () => ({ startTime: new Date(epochOf(pick('CreateTime', 10))).toISOString(), endTime: epochOf(pick('CreateTime', 2)) }),
      matches: (r) => epochOf(r.CreateTime) >= epochOf(pick('CreateTime', 10)) && epochOf(r.CreateTime) < epochOf(pick('CreateTime', 2)),
    },
  ];

  it.each(cases)('$info', async ({ filter, matches }) => {
    const expected = records.filter(matches).sort(apiOrder);
    expect(expected.length).toBeGreaterThan(0);
    const response = await post({ instanceId: INSTANCE, all: true, ...filter() });
    expect(response.status).toBe(200);
    expect(idsOf(response.json?.['records'])).toStrictEqual(idsOf(expected));
    expect(response.json?.['page']).toMatchObject({ totalCount: expected.length, hasMore: false });
  });

  it('puts a record at exactly endTime in the next range, whatever bound semantics the API uses', async () => {
    const boundary = epochOf(pick('CreateTime', 20));
    const atBoundary = records.filter((record) => epochOf(record.CreateTime) === boundary).map((record) => record.Id);
    const exclusiveEnd = await startAiccsEmulator({ store: emulator.store, credentials: [{ ...TEST_CREDENTIALS }], timeBounds: 'exclusive-end' });
    try {
      for (const endpoint of [emulator.url, exclusiveEnd.url]) {
        const env = { AICCS_ENDPOINT: endpoint };
        const before = await post({ instanceId: INSTANCE, all: true, startTime: boundary - 3_600_000, endTime: boundary }, { env });
        const after = await post({ instanceId: INSTANCE, all: true, startTime: boundary, endTime: boundary + 3_600_000 }, { env });
        expect(idsOf(before.json?.['records'])).not.toEqual(expect.arrayContaining(atBoundary));
        expect(idsOf(after.json?.['records'])).toEqual(expect.arrayContaining(atBoundary));
      }
    } finally {
      await exclusiveEnd.close();
    }
  });
});

describe('auto-pagination', () => {
  it('fetches every page concurrently and returns the records in API order', async () => {
    const response = await post({ instanceId: INSTANCE, all: true });
    expect(response.status).toBe(200);
    expect(idsOf(response.json?.['records'])).toStrictEqual(idsOf([...records].sort(apiOrder)));
    expect(response.json?.['page']).toStrictEqual({ pageNo: 1, pageSize: 50, totalCount: 600, hasMore: false });
    expect(emulator.stats.ok).toBe(12);
  });

  it('stops at limit and says there is more', async () => {
    const response = await post({ instanceId: INSTANCE, all: true, limit: 120 });
    expect(idsOf(response.json?.['records'])).toStrictEqual(idsOf([...records].sort(apiOrder).slice(0, 120)));
    expect(response.json?.['page']).toMatchObject({ totalCount: 600, hasMore: true });
    expect(emulator.stats.ok).toBe(3);
  });

  it('starts at pageNo with the given pageSize', async () => {
    const response = await post({ instanceId: INSTANCE, all: true, pageNo: 3, pageSize: 40, limit: 100 });
    expect(idsOf(response.json?.['records'])).toStrictEqual(idsOf([...records].sort(apiOrder).slice(80, 180)));
  });

  it('survives throttling and transient faults on some pages', async () => {
    emulator.setFaults({ throttleRate: 0.3, systemErrorRate: 0.1 });
    const response = await post({ instanceId: INSTANCE, all: true }, { env: { AICCS_MAX_ATTEMPTS: '8' } });
    expect(response.status).toBe(200);
    expect(idsOf(response.json?.['records'])).toStrictEqual(idsOf([...records].sort(apiOrder)));
    const line = log.entries().at(-1);
    expect(line).toMatchObject({ status: 200, records: 600 });
    expect(Number(line?.['retries'])).toBeGreaterThan(0);
  });
});

describe('errors', () => {
  it.each([
    { info: 'malformed JSON', body: '{"instanceId":', headers: undefined, status: 400, code: 'MALFORMED_JSON' },
    { info: 'a body over 64 KiB', body: JSON.stringify({ params: 'x'.repeat(70_000) }), headers: undefined, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    {
      info: 'a non-JSON content type',
      body: 'instanceId=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    { info: 'a schema violation', body: JSON.stringify({ instanceId: INSTANCE, pageSize: 500 }), headers: undefined, status: 422, code: 'VALIDATION_FAILED' },
    {
      info: 'an instance outside the allowlist',
      body: JSON.stringify({ instanceId: 'ccc_xp_pre-cn-other' }),
      headers: undefined,
      status: 403,
      code: 'INSTANCE_NOT_ALLOWED',
    },
    { info: 'an unsupported Accept', body: JSON.stringify({ instanceId: INSTANCE }), headers: { Accept: 'application/xml' }, status: 406, code: 'NOT_ACCEPTABLE' },
  ])('answers $info with $status $code and never calls AICCS', async ({ body, headers, status, code }) => {
    const handler = aHandler();
    const result = await handler(anHttpEvent({ body, ...(headers ? { headers: { 'Content-Type': 'application/json', ...headers } } : {}) }), aContext());
    expect(result.statusCode).toBe(status);
    expect(result.headers['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(result.body)).toMatchObject({ status, code, instance: aContext().requestId });
    expect(emulator.stats.requests).toBe(0);
  });

  it('names every bad field in a 422', async () => {
    const response = await post({ InstanceId: INSTANCE, pageSize: 0, callType: 'sideways', extra: 1 });
    expect(response.status).toBe(422);
    expect(response.json?.['errors'].map((issue: { path: string }) => issue.path).sort()).toStrictEqual(['callType', 'extra', 'pageSize']);
  });

  it('maps NoTenantFound to 404', async () => {
    const response = await post({ instanceId: UNKNOWN_TO_AICCS });
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ code: 'INSTANCE_NOT_FOUND', upstreamCode: 'NoTenantFound' });
    expect(emulator.stats.requests).toBe(1);
  });

  it('answers 503 with Retry-After when AICCS keeps throttling', async () => {
    emulator.setFaults({ throttleRate: 1 });
    const response = await post({ instanceId: INSTANCE }, { env: { AICCS_MAX_ATTEMPTS: '3' } });
    expect(response.status).toBe(503);
    expect(response.headers['Retry-After']).toBe('1');
    expect(response.json).toMatchObject({ code: 'UPSTREAM_THROTTLED', upstreamCode: 'Throttling.User', attempts: 3 });
    expect(emulator.stats.requests).toBe(3);
  });

  it('answers 502 after retrying a persistent SystemError, and 200 once it clears', async () => {
    emulator.setFaults({ systemErrorRate: 1 });
    const failing = await post({ instanceId: INSTANCE }, { env: { AICCS_MAX_ATTEMPTS: '2' } });
    expect(failing.status).toBe(502);
    expect(failing.json).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamCode: 'SystemError', attempts: 2 });
    emulator.setFaults({});
    expect((await post({ instanceId: INSTANCE })).status).toBe(200);
  });

  it.each([
    { info: 'a non-JSON 5xx body', faults: { nonJson5xxRate: 1 } },
    { info: 'a truncated body', faults: { truncatedBodyRate: 1 } },
    { info: 'a connection reset', faults: { resetRate: 1 } },
  ])('retries $info and then answers 502', async ({ faults }) => {
    emulator.setFaults(faults);
    const response = await post({ instanceId: INSTANCE }, { env: { AICCS_MAX_ATTEMPTS: '2' } });
    expect(response.status).toBe(502);
    expect(response.json).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', attempts: 2 });
    expect(emulator.stats.requests).toBe(2);
  });

  it('answers 504 when AICCS is slower than the client timeout', async () => {
    emulator.setFaults({ latencyMs: 1_500 });
    const response = await post({ instanceId: INSTANCE }, { env: { AICCS_TIMEOUT_MS: '1000', AICCS_MAX_ATTEMPTS: '2' } });
    expect(response.status).toBe(504);
    expect(response.json).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('stops retrying when the function has no time left', async () => {
    emulator.setFaults({ latencyMs: 2_500 });
    const handler = aHandler({ AICCS_TIMEOUT_MS: '5000', AICCS_MAX_ATTEMPTS: '10' });
    // FC timeout 3 s minus the 1.5 s margin leaves 1.5 s: one attempt, its timeout clipped to that, then no more.
    const result = await handler(anHttpEvent({ body: { instanceId: INSTANCE } }), aContext({ function: { timeout: 3 } }));
    expect(result.statusCode).toBe(504);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'UPSTREAM_TIMEOUT', attempts: 1, detail: expect.stringContaining("function's deadline") });
    expect(emulator.stats.requests).toBe(1);
  });

  it('answers 502 UPSTREAM_AUTH_FAILED when AICCS rejects the credentials', async () => {
    const handler = aHandler();
    const result = await handler(anHttpEvent({ body: { instanceId: INSTANCE } }), aContext({ credentials: { ...TEST_CREDENTIALS, accessKeySecret: 'wrong-secret' } }));
    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', upstreamCode: 'SignatureDoesNotMatch', attempts: 1 });
  });

  it.each([
    { method: 'GET', path: '/', status: 405, code: 'METHOD_NOT_ALLOWED', allow: 'POST' },
    { method: 'POST', path: '/openapi.json', status: 405, code: 'METHOD_NOT_ALLOWED', allow: 'GET, HEAD' },
    { method: 'POST', path: '/records', status: 404, code: 'ROUTE_NOT_FOUND', allow: undefined },
  ])('$method $path → $status', async ({ method, path, status, code, allow }) => {
    const result = await aHandler()(anHttpEvent({ method, path, body: '{}' }), aContext());
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body)).toMatchObject({ code });
    expect(result.headers['Allow']).toBe(allow);
  });

  it('answers every request with a problem naming the variable when the config is bad', async () => {
    const handler = createQueryFunction({ env: { AICCS_INSTANCE_IDS: '' }, logger: log.logger });
    const result = await handler(anHttpEvent({ body: { pageSize: 1 } }), aContext());
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'CONFIG_INVALID', detail: expect.stringContaining('AICCS_INSTANCE_IDS') });
  });
});

describe('credentials', () => {
  it('falls back to the default chain (env vars) when the context has none', async () => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'LTAIlocalenv0001');
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'local-env-secret-0001');
    try {
      const result = await aHandler()(anHttpEvent({ body: { instanceId: SMALL_INSTANCE } }), aContext({ credentials: {} }));
      expect(result.statusCode).toBe(200);
      expect(emulator.stats.lastParams).toMatchObject({ AccessKeyId: 'LTAIlocalenv0001' });
      expect(emulator.stats.lastParams?.['SecurityToken']).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('GET /openapi.json', () => {
  it('describes the API with schemas generated from the validators', async () => {
    const result = await aHandler()(anHttpEvent({ method: 'GET', path: '/openapi.json' }), aContext());
    expect(result.statusCode).toBe(200);
    const document = JSON.parse(result.body);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.schemas).sort()).toStrictEqual(['NormalizedCallRecord', 'Problem', 'QueryFilter', 'QueryResponse']);
    expect(document.components.schemas.QueryFilter.additionalProperties).toBe(false);
    expect(document.components.schemas.QueryFilter.properties.pageSize).toMatchObject({ minimum: 1, maximum: 50 });
    expect(document.paths['/'].post.requestBody.content['application/json'].schema).toStrictEqual({ $ref: '#/components/schemas/QueryFilter' });
  });
});

describe('logs', () => {
  it('writes one JSON line per request with the facts, and no secrets or phone numbers', async () => {
    const phone = '13812345678';
    await post({ instanceId: INSTANCE, callingNumber: phone });
    emulator.setFaults({ systemErrorRate: 1 });
    await post({ instanceId: INSTANCE, calledNumber: phone }, { env: { AICCS_MAX_ATTEMPTS: '2' } });
    const entries = log.entries();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      level: 'info',
      message: 'request',
      route: 'POST /',
      status: 200,
      upstream_calls: 1,
      retries: 0,
      request_id: aContext().requestId,
    });
    expect(entries[1]).toMatchObject({ level: 'error', status: 502, upstream_calls: 2, retries: 1, code: 'UPSTREAM_UNAVAILABLE' });
    const text = log.lines.join('');
    for (const secret of [TEST_CREDENTIALS.accessKeySecret, TEST_CREDENTIALS.securityToken, phone]) expect(text).not.toContain(secret);
  });
});
