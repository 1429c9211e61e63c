import { describe, expect, it } from 'vitest';
import { StoreFailedError } from '../../lib/errors';
import { createInstanceTally, summarizeRun } from '../../lib/export/summary';
import type { InstanceStatus } from '../../lib/export/types';

const WINDOW = { from: Date.UTC(2026, 10, 20, 4), to: Date.UTC(2026, 10, 20, 6) };

describe('createInstanceTally', () => {
  it('adds up what the stages report, with the AICCS call counters read at the end', () => {
    const tally = createInstanceTally('i1', WINDOW);
    tally.add('pages', 3);
    tally.add('objects');
    tally.add('bytes', 120);
    tally.addAnomalies({ CallType: 1 });
    tally.addAnomalies({ CallType: 2, HangUpRole: 1 });
    tally.calls.retries = 4;
    tally.calls.throttled = 2;
    tally.reach(WINDOW.to);
    expect(tally.summary()).toStrictEqual({
      instanceId: 'i1',
      status: 'complete',
      window: { from: '2026-11-20T04:00:00Z', to: '2026-11-20T06:00:00Z' },
      exportedUntil: '2026-11-20T06:00:00Z',
      slices: 0,
      pieces: 0,
      splits: 0,
      refetches: 0,
      pages: 3,
      records: 0,
      objects: 1,
      objectsReused: 0,
      bytes: 120,
      retries: 4,
      throttles: 2,
      anomalies: { CallType: 3, HangUpRole: 1 },
    });
  });

  it('reports a failure as `CODE: detail` through describe(), never by comparing error names', () => {
    const tally = createInstanceTally('i1', WINDOW);
    tally.fail(new StoreFailedError({ operation: 'put', key: 'a/b', code: 'AccessDenied', httpStatus: 403, attempts: 1 }));
    expect(tally.summary()).toMatchObject({
      status: 'failed',
      error:
        "STORE_FAILED: OSS put of `a/b` failed after 1 attempts: AccessDenied (HTTP 403); the export function's RAM role may lack OSS permissions: attach ram/export-function-policy.json to the export function's role",
    });
    const bug = createInstanceTally('i2', WINDOW);
    bug.fail(new TypeError('x is undefined'));
    expect(bug.summary().error).toBe('INTERNAL_ERROR: An unexpected error occurred; see the function logs for this request id');
  });
});

describe('summarizeRun', () => {
  const instance = (status: InstanceStatus, records = 1) => {
    const tally = createInstanceTally(`i-${status}`, WINDOW);
    tally.add('records', records);
    if (status === 'failed') tally.fail(new Error('boom'));
    else if (status !== 'complete') tally.stop(status);
    return tally.summary();
  };

  it.each([
    { statuses: ['complete', 'up-to-date'] as const, status: 'complete' },
    { statuses: ['complete', 'partial'] as const, status: 'partial' },
    { statuses: ['skipped', 'complete'] as const, status: 'partial' },
    { statuses: ['partial', 'failed'] as const, status: 'failed' },
  ])('is $status for $statuses', ({ statuses, status }) => {
    const summary = summarizeRun(
      { runId: 'r', mode: 'incremental', format: 'jsonl', durationMs: 5, qps: 20 },
      statuses.map((s) => instance(s, 2)),
    );
    expect(summary).toMatchObject({ status, qps: 20, totals: { records: 2 * statuses.length } });
  });
});
