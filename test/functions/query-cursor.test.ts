import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aCallRecord, generateCallRecords, RecordStore, startAiccsEmulator, type AiccsEmulator, type RawCallRecord } from '../../dev/aiccs';
import { createQueryFunction } from '../../lib/query/query-function';
import { QueryResponseSchema } from '../../lib/contracts/query-response';
import { TEST_CREDENTIALS, aContext, anHttpEvent } from '../builders/fc';
import { aCapturingLogger } from '../builders/log-sink';

const BIG = 'ccc_xp_pre-cn-cursor0001';
const SMALL = 'ccc_xp_pre-cn-cursor0002';
const FROM = Date.UTC(2026, 9, 1);
const TO = Date.UTC(2026, 9, 21);
/** Above the API's depth cap of 1,000 pages × 50. */
const BIG_COUNT = 52_000;
const SMALL_FROM = Date.UTC(2026, 10, 20);
const SMALL_TO = Date.UTC(2026, 10, 22);

let emulator: AiccsEmulator;
let bigRecords: RawCallRecord[];
const log = aCapturingLogger('aiccs-query');

function aHandler(env: Record<string, string> = {}) {
  return createQueryFunction({ env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: `${BIG},${SMALL}`, AICCS_TIMEOUT_MS: '5000', ...env }, logger: log.logger });
}

type Handler = ReturnType<typeof aHandler>;

async function post(handler: Handler, body: unknown, accept?: string) {
  const result = await handler(
    anHttpEvent({ body: body as object, ...(accept ? { headers: { Accept: accept } } : {}) }),
    aContext({ function: { name: 'q', handler: 'index.handler', memory: 512, timeout: 300 } }),
  );
  return { status: result.statusCode, headers: result.headers, body: result.body, bytes: Buffer.byteLength(result.body, 'utf8') };
}

/** Follows cursors from `first` to the end; returns every record id in the order received and the size of every body. */
async function walk(handler: Handler, first: Record<string, unknown>, format: 'json' | 'ndjson' | 'csv') {
  const accept = { json: 'application/json', ndjson: 'application/x-ndjson', csv: 'text/csv' }[format];
  const ids: string[] = [];
  const sizes: number[] = [];
  let body: Record<string, unknown> = first;
  for (let responses = 0; responses < 10_000; responses++) {
    const response = await post(handler, body, accept);
    expect(response.status, response.body.slice(0, 300)).toBe(200);
    sizes.push(response.bytes);
    let cursor: string | undefined;
    if (format === 'json') {
      const parsed = QueryResponseSchema.parse(JSON.parse(response.body));
      ids.push(...parsed.records.map((record) => record.id ?? ''));
      cursor = parsed.page.nextCursor ?? undefined;
      expect(parsed.page.hasMore).toBe(cursor !== undefined);
    } else if (format === 'ndjson') {
      for (const line of response.body.split('\n').filter(Boolean)) ids.push((JSON.parse(line) as { id: string }).id);
      cursor = response.headers['X-Next-Cursor'];
    } else {
      const rows = response.body.split('\r\n').filter(Boolean).slice(1);
      // id is the second column; every string is quoted and an id never holds a comma or a quote.
      for (const row of rows) ids.push((row.split(',')[1] ?? '').replace(/^"(.*)"$/, '$1'));
      cursor = response.headers['X-Next-Cursor'];
    }
    expect(response.headers['X-Has-More'] ?? String(cursor !== undefined)).toBe(String(cursor !== undefined));
    if (cursor === undefined) return { ids, sizes };
    body = { cursor };
  }
  throw new Error('the walk did not end');
}

const newestFirst = (a: RawCallRecord, b: RawCallRecord) => (a.CreateTime === b.CreateTime ? (a.Id < b.Id ? 1 : -1) : a.CreateTime < b.CreateTime ? 1 : -1);

beforeAll(async () => {
  const store = new RecordStore();
  bigRecords = generateCallRecords({ instanceId: BIG, seed: 11, from: FROM, to: TO, count: BIG_COUNT });
  store.add(BIG, bigRecords);
  store.add(SMALL, generateCallRecords({ instanceId: SMALL, seed: 12, from: SMALL_FROM, to: SMALL_TO, count: 400 }));
  // No QPS limit: the walks make thousands of calls and the bucket is not what is tested here.
  emulator = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], qps: Number.POSITIVE_INFINITY });
}, 60_000);

afterAll(async () => {
  await emulator.close();
});

afterEach(() => {
  emulator.setFaults({});
  emulator.resetStats();
  log.lines.length = 0;
});

describe(`a walk over a window of ${BIG_COUNT} records (above the 50,000 depth cap)`, () => {
  const expected = () => new Set(bigRecords.map((record) => record.Id));

  it('JSON: every record exactly once, newest first, no response over QUERY_MAX_RESPONSE_BYTES', async () => {
    const maxBytes = 1_048_576;
    const handler = aHandler({ QUERY_MAX_RESPONSE_BYTES: String(maxBytes) });
    const { ids, sizes } = await walk(handler, { instanceId: BIG, startTime: FROM, endTime: TO, all: true }, 'json');
    expect(ids).toHaveLength(BIG_COUNT);
    expect(new Set(ids)).toStrictEqual(expected());
    expect(ids).toStrictEqual([...bigRecords].sort(newestFirst).map((record) => record.Id));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(maxBytes);
    expect(sizes.length).toBeGreaterThan(BIG_COUNT / 5000);
    // No page beyond the depth cap was ever asked for.
    expect(emulator.stats.errorsByCode['InvalidParameter'] ?? 0).toBe(0);
  }, 120_000);

  it.each(['ndjson', 'csv'] as const)(
    '%s: every record exactly once with X-Next-Cursor, within the byte bound',
    async (format) => {
      const maxBytes = 4_194_304;
      const handler = aHandler();
      const { ids, sizes } = await walk(handler, { instanceId: BIG, startTime: new Date(FROM).toISOString(), endTime: new Date(TO).toISOString(), all: true }, format);
      expect(ids).toHaveLength(BIG_COUNT);
      expect(new Set(ids)).toStrictEqual(expected());
      expect(Math.max(...sizes)).toBeLessThanOrEqual(maxBytes);
    },
    120_000,
  );
});

describe('bounds', () => {
  it('a small QUERY_MAX_RESPONSE_BYTES forces many responses, each within it, and the walk stays exact', async () => {
    const maxBytes = 16_384;
    const handler = aHandler({ QUERY_MAX_RESPONSE_BYTES: String(maxBytes) });
    for (const format of ['json', 'ndjson', 'csv'] as const) {
      const { ids, sizes } = await walk(handler, { instanceId: SMALL, startTime: SMALL_FROM, endTime: SMALL_TO, all: true }, format);
      expect(ids).toHaveLength(400);
      expect(new Set(ids).size).toBe(400);
      expect(sizes.length).toBeGreaterThan(5);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(maxBytes);
    }
  });

  it('{"all": true, "pageSize": 1} makes at most QUERY_MAX_UPSTREAM_CALLS upstream calls, retries included, and ends with a cursor', async () => {
    const handler = aHandler({ QUERY_MAX_UPSTREAM_CALLS: '6', AICCS_MAX_ATTEMPTS: '5' });
    emulator.setFaults({ throttleRate: 0.3 });
    const response = await post(handler, { instanceId: BIG, all: true, pageSize: 1 });
    expect(response.status).toBe(200);
    expect(emulator.stats.requests).toBeLessThanOrEqual(6);
    const body = QueryResponseSchema.parse(JSON.parse(response.body));
    expect(body.page).toMatchObject({ hasMore: true, pageSize: 50, nextCursor: expect.any(String) });
    expect(log.entries().at(-1)).toMatchObject({ status: 200, upstream_calls: emulator.stats.requests, response_bytes: response.bytes });
  });

  it('with the default bound, {"all": true, "pageSize": 1} makes at most 120 calls and upstream pages are 50', async () => {
    const response = await post(aHandler(), { instanceId: BIG, all: true, pageSize: 1, limit: 5000 });
    expect(response.status).toBe(200);
    expect(emulator.stats.requests).toBeLessThanOrEqual(120);
    expect(emulator.stats.lastParams?.['PageSize']).toBe('50');
    expect(QueryResponseSchema.parse(JSON.parse(response.body)).records.length).toBeGreaterThan(1000);
  });
});

describe('cursor requests', () => {
  it('a single-page request continues page by page with the same page size', async () => {
    const handler = aHandler();
    const sorted = () => emulator.store.query(SMALL, { PageNo: 2, PageSize: 30 }).page;
    const first = QueryResponseSchema.parse(JSON.parse((await post(handler, { instanceId: SMALL, pageSize: 30 })).body));
    const second = QueryResponseSchema.parse(JSON.parse((await post(handler, { cursor: first.page.nextCursor })).body));
    expect(second.page).toMatchObject({ pageNo: 2, pageSize: 30, totalCount: 400, hasMore: true });
    expect(second.records.map((record) => record.id)).toStrictEqual(sorted().map((record) => record.Id));
  });

  it.each([
    {
      info: 'a tampered cursor',
      mutate: (cursor: string) => `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`,
      status: 422,
      code: 'INVALID_CURSOR',
    },
    { info: 'a truncated cursor', mutate: (cursor: string) => cursor.slice(0, -3), status: 422, code: 'INVALID_CURSOR' },
    { info: 'a made-up cursor', mutate: () => 'eyJ2IjoxfQ.AAAAAAAAAAAAAAAA', status: 422, code: 'INVALID_CURSOR' },
  ])('answers $info with $status $code and no upstream call', async ({ mutate, status, code }) => {
    const handler = aHandler();
    const first = QueryResponseSchema.parse(JSON.parse((await post(handler, { instanceId: SMALL, all: true, limit: 10 })).body));
    emulator.resetStats();
    const response = await post(handler, { cursor: mutate(first.page.nextCursor ?? '') });
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ code });
    expect(emulator.stats.requests).toBe(0);
  });

  it('answers a cursor with another filter field with 422 naming the field, and no upstream call', async () => {
    const handler = aHandler();
    const first = QueryResponseSchema.parse(JSON.parse((await post(handler, { instanceId: SMALL, all: true, limit: 10 })).body));
    emulator.resetStats();
    const response = await post(handler, { cursor: first.page.nextCursor, callType: 'inbound', limit: 5 });
    expect(response.status).toBe(422);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'callType', code: 'invalid_combination' }] });
    expect(emulator.stats.requests).toBe(0);
  });

  it('answers a cursor for an instance no longer allowed with 403, and no upstream call', async () => {
    const first = QueryResponseSchema.parse(JSON.parse((await post(aHandler(), { instanceId: SMALL, all: true, limit: 10 })).body));
    emulator.resetStats();
    const narrowed = aHandler({ AICCS_INSTANCE_IDS: BIG });
    const response = await post(narrowed, { cursor: first.page.nextCursor });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'INSTANCE_NOT_ALLOWED' });
    expect(emulator.stats.requests).toBe(0);
  });

  it('takes limit with a walk cursor, and refuses limit with a page cursor', async () => {
    const handler = aHandler();
    const walkFirst = QueryResponseSchema.parse(JSON.parse((await post(handler, { instanceId: SMALL, all: true, limit: 10 })).body));
    const walkNext = QueryResponseSchema.parse(JSON.parse((await post(handler, { cursor: walkFirst.page.nextCursor, limit: 7 })).body));
    expect(walkNext.records).toHaveLength(7);
    expect(walkNext.page.pageNo).toBe(2);
    const pageFirst = QueryResponseSchema.parse(JSON.parse((await post(handler, { instanceId: SMALL, pageSize: 5 })).body));
    const refused = await post(handler, { cursor: pageFirst.page.nextCursor, limit: 7 });
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ path: 'limit', code: 'invalid_combination' }] });
  });

  it('keeps cursors compact: well under 1 KB for an ordinary filter', async () => {
    const handler = aHandler({ QUERY_MAX_RESPONSE_BYTES: '16384' });
    const response = await post(handler, {
      instanceId: SMALL,
      startTime: '2026-11-20T00:00:00+08:00',
      endTime: '2026-11-22T00:00:00+08:00',
      callTypeList: ['inbound', 'outbound'],
      all: true,
    });
    const cursor = QueryResponseSchema.parse(JSON.parse(response.body)).page.nextCursor ?? '';
    expect(cursor.length).toBeGreaterThan(0);
    expect(cursor.length).toBeLessThan(700);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/);
  });
});

describe('records arriving while a walk runs', () => {
  it('are returned when they land in the part not yet read, never twice, and not at all behind the position', async () => {
    const store = new RecordStore();
    const base = generateCallRecords({ instanceId: SMALL, seed: 21, from: SMALL_FROM, to: SMALL_TO, count: 300 });
    store.add(SMALL, base);
    const live = await startAiccsEmulator({ store, credentials: [{ ...TEST_CREDENTIALS }], qps: Number.POSITIVE_INFINITY });
    try {
      const handler = createQueryFunction({ env: { AICCS_ENDPOINT: live.url, AICCS_INSTANCE_IDS: SMALL, QUERY_MAX_RESPONSE_BYTES: '32768' }, logger: log.logger });
      const ids: string[] = [];
      let body: Record<string, unknown> = { startTime: SMALL_FROM, endTime: SMALL_TO, all: true };
      const arrivals = { ahead: [] as string[], behind: [] as string[] };
      for (let step = 0; ; step++) {
        const parsed = QueryResponseSchema.parse(JSON.parse((await post(handler, body)).body));
        ids.push(...parsed.records.map((record) => record.id ?? ''));
        const cursor = parsed.page.nextCursor;
        if (!cursor) break;
        if (step === 1) {
          // One record newer than everything returned so far (behind the walk), one at the very start of the window (ahead of it).
          const behind = aCallRecord({ Id: 'arrivedbehind0000000000001', CreateTime: '2026-11-22 07:59:59' });
          const ahead = aCallRecord({ Id: 'arrivedahead00000000000001', CreateTime: '2026-11-20 08:00:00' });
          store.add(SMALL, [behind, ahead]);
          arrivals.behind.push(behind.Id);
          arrivals.ahead.push(ahead.Id);
        }
        body = { cursor };
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(301);
      expect(ids).toContain(arrivals.ahead[0]);
      expect(ids).not.toContain(arrivals.behind[0]);
      expect(new Set(ids)).toStrictEqual(new Set([...base.map((record) => record.Id), ...arrivals.ahead]));
    } finally {
      await live.close();
    }
  });
});
