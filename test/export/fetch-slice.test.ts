import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { newCallStats } from '../../lib/adapters/aiccs/hotline-api';
import { AiccsCallError, IncompleteSliceError, UpstreamPermissionError } from '../../lib/errors';
import { fetchSlice, type SliceFetchDeps } from '../../lib/export/fetch-slice';
import { OUTPUT_FORMATS } from '../../lib/export/output-formats';
import { createRateLimiter } from '../../lib/flow/rate-limiter';
import { FakeHotlineApi } from '../fakes/hotline-api';

const INSTANCE = 'ccc_xp_pre-cn-slice01';
const HOUR = { from: Date.UTC(2026, 10, 20, 4), to: Date.UTC(2026, 10, 20, 5) };

function deps(api: FakeHotlineApi, overrides: Partial<SliceFetchDeps> = {}): SliceFetchDeps {
  return {
    api,
    instanceId: INSTANCE,
    sourceTimeZone: 'UTC',
    timeUnit: 'ms',
    limiter: createRateLimiter({ ratePerSecond: 10_000 }),
    concurrency: 2,
    deadline: Number.POSITIVE_INFINITY,
    stats: newCallStats(),
    anomalies: {},
    maxRefetches: 2,
    newWriter: () => OUTPUT_FORMATS.jsonl.createWriter({ maxRecords: 1_000_000, maxBytes: 1024 ** 3 }),
    ...overrides,
  };
}

const idsIn = (files: Array<{ body: Buffer }>) =>
  files.flatMap((file) => gunzipSync(file.body).toString('utf8').trim().split('\n')).map((line) => (JSON.parse(line) as { id: string }).id);

/** Lets every queued promise and I/O callback run, so fetches that can start have started. */
async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('fetchSlice', () => {
  it('reads every record of the range once, in the API order, with a first page, the rest, and a recount', async () => {
    // Arrange
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 120).add(INSTANCE, HOUR.to, 5, 'next-hour');
    // Act
    const result = await fetchSlice(HOUR, deps(api));
    // Assert
    expect(result).toMatchObject({ kind: 'complete', records: 120, totalCount: 120, pages: 1 + 2 + 1, refetches: 0 });
    if (result.kind !== 'complete') throw new Error('expected a complete slice');
    expect(idsIn(result.files)).toStrictEqual(Array.from({ length: 120 }, (_, i) => `r-${119 - i}`));
    expect(api.pagesRead()).toStrictEqual([1, 2, 3]);
  });

  it('keeps at most `concurrency` pages in flight and fetches at most 4 x concurrency pages ahead of the one being written', async () => {
    // Arrange: 30 pages; page 2 stalls, so nothing after it can be written
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 30 * 50, 'r', 2_000);
    const release = api.hold(2);
    // Act
    const running = fetchSlice({ from: HOUR.from, to: HOUR.from + 3 * 3_600_000 }, deps(api, { concurrency: 2 }));
    await settle();
    const startedWhileStalled = Math.max(...api.pagesRead());
    release();
    const result = await running;
    // Assert
    expect(startedWhileStalled).toBe(1 + 4 * 2);
    expect(api.maxInFlight).toBe(2);
    if (result.kind !== 'complete') throw new Error('expected a complete slice');
    expect(result.records).toBe(1500);
    expect(idsIn(result.files)).toStrictEqual(Array.from({ length: 1500 }, (_, i) => `r-${1499 - i}`));
  });

  it('reports a range beyond the paging depth as too large after one page, so the caller can split it', async () => {
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 30);
    expect(await fetchSlice(HOUR, deps(api, { maxRecordsPerFilter: 20 }))).toStrictEqual({ kind: 'too-large', totalCount: 30, pages: 1 });
  });

  it('reads the slice again when records arrive during paging, and exports them', async () => {
    // Arrange: 7 records arrive (newest first, so every later offset page shifts) while page 2 is being read
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 100);
    api.beforeCall = (n) => {
      if (n === 2) api.add(INSTANCE, HOUR.to - 60_000, 7, 'late');
    };
    const refetches: unknown[] = [];
    // Act
    const result = await fetchSlice(HOUR, deps(api, { onRefetch: (info) => refetches.push(info) }));
    // Assert
    // Page 2 shifted by the 7 arrivals: 7 records seen twice (dropped), 7 never seen.
    expect(refetches).toStrictEqual([{ range: HOUR, expected: 100, unique: 93, recount: 107 }]);
    expect(result).toMatchObject({ kind: 'complete', records: 107, refetches: 1 });
  });

  it('gives up with INCOMPLETE_SLICE when the records keep moving for every allowed pass', async () => {
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 60);
    let wave = 0;
    api.beforeCall = (_n, params) => {
      if (params['PageNo'] === '2') api.add(INSTANCE, HOUR.to - 600_000, 1, `wave${wave++}`);
    };
    const failure = await fetchSlice(HOUR, deps(api, { maxRefetches: 1 })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IncompleteSliceError);
    expect((failure as IncompleteSliceError).code).toBe('INCOMPLETE_SLICE');
    expect((failure as IncompleteSliceError).facts).toMatchObject({ passes: 2, range: { from: '2026-11-20T04:00:00Z', to: '2026-11-20T05:00:00Z' } });
  });

  it('turns an AICCS refusal into an upstream error whose advice names the export function and its RAM policy', async () => {
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 10);
    api.beforeCall = () => {
      throw new AiccsCallError('permission', 'AICCS answered Forbidden.RAM', 'Forbidden.RAM', 'UP-1', 403);
    };
    const failure = await fetchSlice(HOUR, deps(api)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamPermissionError);
    expect((failure as UpstreamPermissionError).detail).toContain('ram/export-function-policy.json');
    expect((failure as UpstreamPermissionError).detail).not.toContain('query');
  });

  it('hands the deadline and its abort signal to every AICCS call', async () => {
    const api = new FakeHotlineApi().add(INSTANCE, HOUR.from, 60);
    const signal = new AbortController().signal;
    await fetchSlice(HOUR, deps(api, { deadline: Date.UTC(2030, 0, 1), signal }));
    expect(api.calls.length).toBeGreaterThan(0);
    for (const call of api.calls) expect(call.options).toMatchObject({ deadline: Date.UTC(2030, 0, 1), signal });
  });
});
