import { describe, expect, it } from 'vitest';
import { aCallRecord, formatShanghaiTime, generateCallRecords, hashString, parseShanghaiTime, type RawCallRecord } from '../../dev/aiccs';
import { newCallStats, type HotlineSessionApi } from '../../lib/adapters/aiccs/hotline-api';
import { parseQueryFilter } from '../../lib/contracts/query-filter';
import { planQuery } from '../../lib/query/query-plan';
import { runQuery, type RunQueryDeps } from '../../lib/query/run-query';
import { QueryResponseSchema } from '../../lib/contracts/query-response';

const INSTANCE = 'ccc_xp_pre-cn-walk0001';
const FROM = Date.UTC(2026, 10, 1);
const TO = Date.UTC(2026, 10, 3);

/**
 * A fake HotlineSessionQuery that pages in a scrambled order (stable per
 * record, unrelated to time), enforces the depth cap, and filters by the
 * inclusive time bounds the wire carries. A walk must not care about order.
 */
function aScrambledApi(records: RawCallRecord[], options: { maxPageNo?: number } = {}) {
  const calls = { count: 0 };
  const order = [...records].sort((a, b) => hashString(a.Id) - hashString(b.Id) || (a.Id < b.Id ? -1 : 1));
  const api: HotlineSessionApi = {
    async queryPage(params, { limiter }) {
      // As the real client: every attempt first takes a token from the limiter (the request's call budget).
      await limiter?.acquire();
      calls.count++;
      const pageNo = Number(params['PageNo']);
      const pageSize = Number(params['PageSize']);
      if (pageSize > 50 || pageNo > (options.maxPageNo ?? 1000))
        throw Object.assign(new Error('InvalidParameter'), { code: 'InvalidParameter', data: { Code: 'InvalidParameter' } });
      const start = params['QueryStartTime'] === undefined ? -Infinity : Number(params['QueryStartTime']);
      const end = params['QueryEndTime'] === undefined ? Infinity : Number(params['QueryEndTime']);
      const matching = order.filter((record) => {
        const time = parseShanghaiTime(record.CreateTime);
        return time >= start && time <= end;
      });
      return {
        requestId: `fake-${calls.count}`,
        pageNumber: pageNo,
        pageSize,
        totalCount: matching.length,
        records: matching.slice((pageNo - 1) * pageSize, pageNo * pageSize),
      };
    },
  };
  return { api, calls };
}

function depsFor(api: HotlineSessionApi, overrides: Partial<RunQueryDeps> = {}): RunQueryDeps {
  return {
    api,
    sourceTimeZone: 'Asia/Shanghai',
    timeUnit: 'ms',
    concurrency: 3,
    deadline: Date.now() + 600_000,
    stats: newCallStats(),
    anomalies: {},
    maxResponseBytes: 16_384,
    maxUpstreamCalls: 20,
    now: Date.now,
    ...overrides,
  };
}

async function walkAll(api: HotlineSessionApi, first: Record<string, unknown>, overrides: Partial<RunQueryDeps> = {}) {
  const ids: string[] = [];
  let body: Record<string, unknown> = first;
  let responses = 0;
  for (; responses < 5_000; responses++) {
    const parsed = parseQueryFilter(body);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const outcome = await runQuery(planQuery(parsed.filter, [INSTANCE]), 'json', depsFor(api, overrides));
    expect(outcome.bytes).toBeLessThanOrEqual(overrides.maxResponseBytes ?? 16_384);
    const response = QueryResponseSchema.parse(JSON.parse(outcome.body));
    ids.push(...response.records.map((record) => record.id ?? ''));
    if (!response.page.nextCursor) return { ids, responses: responses + 1 };
    body = { cursor: response.page.nextCursor };
  }
  throw new Error('the walk did not end');
}

describe('walkWindow through runQuery', () => {
  it('returns every record exactly once whatever order the API pages in, across many small responses', async () => {
    // Arrange: 3,000 records, 400 of them in one second, a filter cap of 500 per upstream filter.
    const busySecond = formatShanghaiTime(Date.UTC(2026, 10, 2, 3, 0, 0));
    const records = [
      ...generateCallRecords({ instanceId: INSTANCE, seed: 3, from: FROM, to: TO, count: 2_600 }),
      ...Array.from({ length: 400 }, (_, i) => aCallRecord({ Id: `busy${String(i).padStart(22, '0')}`, CreateTime: busySecond })),
    ];
    const { api } = aScrambledApi(records);
    // Act
    const { ids, responses } = await walkAll(api, { instanceId: INSTANCE, startTime: FROM, endTime: TO, all: true }, { maxRecordsPerFilter: 500 });
    // Assert
    expect(ids).toHaveLength(records.length);
    expect(new Set(ids)).toStrictEqual(new Set(records.map((record) => record.Id)));
    expect(responses).toBeGreaterThan(20);
  });

  it('walks an open-ended window (no startTime, no endTime) completely', async () => {
    const records = generateCallRecords({ instanceId: INSTANCE, seed: 4, from: FROM, to: TO, count: 700 });
    const { api } = aScrambledApi(records);
    const { ids } = await walkAll(api, { instanceId: INSTANCE, all: true }, { maxResponseBytes: 65_536, maxUpstreamCalls: 40 });
    expect(ids).toHaveLength(700);
    expect(new Set(ids).size).toBe(700);
  });

  it('never asks for a page beyond what the API serves, even for a window far above its depth', async () => {
    // A depth cap of 4 pages (200 records per filter) stands in for 1,000 pages.
    const records = generateCallRecords({ instanceId: INSTANCE, seed: 5, from: FROM, to: TO, count: 1_500 });
    const { api } = aScrambledApi(records, { maxPageNo: 4 });
    const { ids } = await walkAll(api, { instanceId: INSTANCE, startTime: FROM, endTime: TO, all: true }, { maxRecordsPerFilter: 200, maxResponseBytes: 1_048_576 });
    expect(new Set(ids).size).toBe(1_500);
    expect(ids).toHaveLength(1_500);
  });

  it('ends a response at QUERY_MAX_UPSTREAM_CALLS with a cursor, not an error', async () => {
    const records = generateCallRecords({ instanceId: INSTANCE, seed: 6, from: FROM, to: TO, count: 2_000 });
    const { api, calls } = aScrambledApi(records);
    const parsed = parseQueryFilter({ instanceId: INSTANCE, all: true, pageSize: 1 });
    if (!parsed.ok) throw new Error('filter');
    const outcome = await runQuery(planQuery(parsed.filter, [INSTANCE]), 'json', depsFor(api, { maxUpstreamCalls: 5, maxResponseBytes: 4_194_304 }));
    expect(calls.count).toBeLessThanOrEqual(5);
    expect(outcome.page).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
  });
});
