import { execFile } from 'node:child_process';
import { join } from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aCallRecord, DEMO_CREDENTIALS, DevHookError, formatShanghaiTime, isLoopbackAddress, RecordStore, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';

const INSTANCE = 'ccc_xp_pre-cn-hooks01';
// The emulator checks request timestamps against its clock, so the hours are relative to now.
const HOUR_MS = 3_600_000;
const CURRENT_HOUR_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
/** Two hours back: still over if the test runs across an hour boundary. */
const PAST_HOUR_MS = CURRENT_HOUR_MS - 2 * HOUR_MS;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const PAST_HOUR = iso(PAST_HOUR_MS);
const at = (offsetMs: number) => formatShanghaiTime(PAST_HOUR_MS + offsetMs);

interface QueryBody {
  Data: { TotalCount: number; CallDetailRecord: Array<Record<string, unknown>> };
}

/** Three records in the past hour (its first, a middle and its last second) and one in the hour before. */
function aStore(): RecordStore {
  const store = new RecordStore();
  store.add(INSTANCE, [
    aCallRecord({ Id: 'r1', CreateTime: at(0), EvaluationLevel: null, EvaluationScore: null }),
    aCallRecord({ Id: 'r2', CreateTime: at(20 * 60_000), EvaluationLevel: null, EvaluationScore: null }),
    aCallRecord({ Id: 'r3', CreateTime: at(HOUR_MS - 1000), EvaluationLevel: null, EvaluationScore: null, ServicerName: '王芳' }),
    aCallRecord({ Id: 'r0', CreateTime: at(-1000), EvaluationLevel: null, EvaluationScore: null }),
  ]);
  return store;
}

let emulator: AiccsEmulator;
beforeEach(async () => {
  emulator = await startAiccsEmulator({ store: aStore() });
});
afterEach(async () => {
  await emulator.close();
});

/** A signed HotlineSessionQuery over one UTC hour, through pop-core as the product sends it. */
async function queryHour(hourStart: number, extra: Record<string, unknown> = {}): Promise<QueryBody['Data']> {
  const client = new RPCClient({ endpoint: emulator.url, apiVersion: '2019-10-15', ...DEMO_CREDENTIALS });
  const body = (await client.request(
    'HotlineSessionQuery',
    { InstanceId: INSTANCE, QueryStartTime: hourStart, QueryEndTime: hourStart + 3_599_999, PageSize: 50, PageNo: 1, ...extra },
    { method: 'POST', timeout: 5_000 },
  )) as QueryBody;
  return body.Data;
}

describe('emulator.addLateRecords', () => {
  it('adds records to a past hour that the API then returns, with new ids', async () => {
    const before = await queryHour(PAST_HOUR_MS);

    const result = emulator.addLateRecords({ instanceId: INSTANCE, hour: PAST_HOUR, count: 7 });

    const after = await queryHour(PAST_HOUR_MS);
    expect(before.TotalCount).toBe(3);
    expect(after.TotalCount).toBe(10);
    expect(result.hour).toEqual({ from: PAST_HOUR, to: iso(PAST_HOUR_MS + HOUR_MS) });
    expect(new Set(result.ids).size).toBe(7);
    expect(after.CallDetailRecord.map((record) => record['Id'])).toEqual(expect.arrayContaining(result.ids));
    // The neighbouring hour is untouched.
    expect((await queryHour(PAST_HOUR_MS - 3_600_000)).TotalCount).toBe(1);
  });

  it('accepts any instant inside the hour and epoch ms, and a second batch gets other ids', () => {
    const first = emulator.addLateRecords({ instanceId: INSTANCE, hour: new Date(PAST_HOUR_MS + 42 * 60_000 + 10_000).toISOString().replace('Z', '+00:00'), count: 3 });
    const second = emulator.addLateRecords({ instanceId: INSTANCE, hour: PAST_HOUR_MS, count: 3 });

    expect(first.hour.from).toBe(PAST_HOUR);
    expect(second.ids.filter((id) => first.ids.includes(id))).toEqual([]);
    expect(emulator.store.count(INSTANCE)).toBe(10);
  });

  it.each([
    [{ instanceId: INSTANCE, hour: iso(CURRENT_HOUR_MS), count: 1 }, 400, 'has not ended yet'],
    [{ instanceId: 'ccc_xp_pre-cn-nobody', hour: PAST_HOUR, count: 1 }, 404, 'does not exist in the emulator'],
    [{ instanceId: INSTANCE, hour: PAST_HOUR, count: 0 }, 400, 'count'],
    [{ instanceId: INSTANCE, hour: 'yesterday', count: 1 }, 400, 'hour'],
  ])('refuses %j (%i)', (request, status, message) => {
    const error = capture(() => emulator.addLateRecords(request));
    expect(error).toBeInstanceOf(DevHookError);
    expect(error).toMatchObject({ status });
    expect((error as Error).message).toContain(message);
  });
});

describe('emulator.changeRecords', () => {
  it('sets fields on every record of the hour; the API serves the new values and filters on them', async () => {
    const result = emulator.changeRecords({ instanceId: INSTANCE, hour: PAST_HOUR, fields: { EvaluationLevel: 1, EvaluationScore: 2, ServicerName: '李娜' } });

    const data = await queryHour(PAST_HOUR_MS);
    expect(result.ids.sort()).toEqual(['r1', 'r2', 'r3']);
    expect(data.CallDetailRecord.map((record) => [record['EvaluationLevel'], record['EvaluationScore']])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    // The ServicerName index was rebuilt: a filter on the new value finds all three, the old value none.
    expect((await queryHour(PAST_HOUR_MS, { ServicerName: '李娜' })).TotalCount).toBe(3);
    expect((await queryHour(PAST_HOUR_MS, { ServicerName: '王芳' })).TotalCount).toBe(0);
    expect((await queryHour(PAST_HOUR_MS - 3_600_000)).CallDetailRecord[0]?.['EvaluationLevel']).toBeNull();
  });

  it('changes only the newest `limit` records', () => {
    const result = emulator.changeRecords({ instanceId: INSTANCE, hour: PAST_HOUR, fields: { EvaluationLevel: 5 }, limit: 1 });
    expect(result.ids).toEqual(['r3']);
    expect(
      emulator.store
        .all(INSTANCE)
        .filter((record) => record.EvaluationLevel === 5)
        .map((record) => record.Id),
    ).toEqual(['r3']);
  });

  it.each([
    [{ Id: 'x' }, 'Id'],
    [{ CreateTime: '2024-03-01 13:00:00' }, 'CreateTime'],
    [{ EvaluationLevel: 'high' }, 'EvaluationLevel'],
    [{ HangUpTime: '2024-03-01T13:00:00Z' }, 'HangUpTime'],
    [{}, 'at least one field'],
  ])('refuses fields %j naming the problem', (fields, named) => {
    const error = capture(() => emulator.changeRecords({ instanceId: INSTANCE, hour: PAST_HOUR, fields: fields as never }));
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain(named);
  });
});

describe('dev endpoints over HTTP', () => {
  it('POST /_dev/late-records and /_dev/record-changes act like the in-process hooks', async () => {
    const late = await post('/_dev/late-records', { instanceId: INSTANCE, hour: PAST_HOUR, count: 2 });
    const change = await post('/_dev/record-changes', { instanceId: INSTANCE, hour: PAST_HOUR, fields: { EvaluationScore: 0 } });

    expect(late.status).toBe(200);
    expect(change.status).toBe(200);
    expect((await late.json()) as { ids: string[] }).toMatchObject({ hour: { from: PAST_HOUR } });
    expect(((await change.json()) as { ids: string[] }).ids).toHaveLength(5);
    // Dev requests are not API traffic.
    expect(emulator.stats.requests).toBe(0);
  });

  it.each([
    ['/_dev/late-records', { instanceId: INSTANCE, hour: PAST_HOUR }, 400, 'count'],
    ['/_dev/record-changes', { instanceId: 'nobody', hour: PAST_HOUR, fields: { EvaluationLevel: 1 } }, 404, 'does not exist'],
    ['/_dev/unknown', {}, 404, 'POST /_dev/late-records'],
  ])('%s %j answers %i naming the problem', async (path, body, status, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { Message: string }).Message).toContain(message);
  });

  it('is off with devEndpoints: false (the path is then an ordinary, unsigned API call)', async () => {
    const closed = await startAiccsEmulator({ store: aStore(), devEndpoints: false });
    try {
      const response = await fetch(`${closed.url}/_dev/late-records`, { method: 'POST', body: '{}' });
      expect(response.status).not.toBe(200);
      expect(closed.store.count(INSTANCE)).toBe(4);
    } finally {
      await closed.close();
    }
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['::ffff:192.168.1.2', false],
    ['fe80::1', false],
    [undefined, false],
  ])('treats %s as loopback: %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe('npm run dev:late / dev:change', () => {
  const root = join(import.meta.dirname, '..', '..');
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(root, 'node_modules', '.bin', 'tsx'),
        [join(root, 'dev', 'stack', 'dev-hooks-cli.ts'), ...args],
        { cwd: root, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('adds late records and changes fields through the dev endpoints', async () => {
    const late = await run(['late', '--emulator', emulator.url, '--instance', INSTANCE, '--hour', PAST_HOUR, '--count', '4']);
    const change = await run([
      'change',
      '--emulator',
      emulator.url,
      '--instance',
      INSTANCE,
      '--hour',
      PAST_HOUR,
      '--set',
      'evaluationLevel=2',
      '--set',
      'PassiveTransferIdType=1',
    ]);

    expect(late.code).toBe(0);
    expect(change.code).toBe(0);
    expect(late.stderr).toContain('added 4 records');
    expect(emulator.store.count(INSTANCE)).toBe(8);
    expect(
      emulator.store.between(INSTANCE, PAST_HOUR_MS, PAST_HOUR_MS + 3_600_000).every((record) => record.EvaluationLevel === 2 && record.PassiveTransferIdType === '1'),
    ).toBe(true);
  });

  it("exits 1 with the emulator's reason for a refused change", async () => {
    const result = await run(['change', '--emulator', emulator.url, '--instance', INSTANCE, '--hour', PAST_HOUR, '--set', 'EvaluationLevel=high']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('EvaluationLevel');
  });
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function capture(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the hook to throw');
}
