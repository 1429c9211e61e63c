import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_CREDENTIALS, RecordStore, generateCallRecords, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import {
  CallRecordsProblemError,
  ValidationError,
  FunctionInvocationError,
  InvokeTransportError,
  createCallRecordsClient,
  type CallRecordsClientOptions,
  type Invoker,
} from '../../lib/sdk';
import { createQueryFunction } from '../../lib/query/query-function';
import type { JobStatus } from '../../lib/contracts/export-job';
import { JobNotFoundError } from '../../lib/errors';
import { ExportJobNotFoundError } from '../../lib/sdk';

const INSTANCE = 'ccc_xp_pre-cn-client0300';
const NOW = Date.UTC(2026, 10, 24);
const CALLER = { accessKeyId: 'STS.CallerRole01', accessKeySecret: 'caller-secret-abc', securityToken: 'caller-sts-token-xyz' };
const ENV_KEY = { accessKeyId: 'LTAIenvironment01', accessKeySecret: 'env-secret-def' };

let emulator: AiccsEmulator;
let gateway: FcGateway;
const exportEvents: Buffer[] = [];
const jobScripts = new Map<string, { hoursTotal: number; polls: number; stopped: boolean }>();

/** A status object as the export function answers it. */
function aJobStatus(overrides: Partial<JobStatus> & Pick<JobStatus, 'jobId'>): JobStatus {
  return {
    instanceId: INSTANCE,
    from: '2026-11-01T00:00:00Z',
    to: '2026-11-02T00:00:00Z',
    format: 'jsonl',
    state: 'running',
    hoursTotal: 24,
    hoursDone: 0,
    records: 0,
    files: 0,
    retries: 0,
    throttles: 0,
    continuations: 0,
    ranges: [],
    startedAt: '2026-11-24T00:00:00.000Z',
    updatedAt: '2026-11-24T00:00:00.000Z',
    ...overrides,
  };
}

beforeAll(async () => {
  const store = new RecordStore();
  store.add(INSTANCE, generateCallRecords({ instanceId: INSTANCE, seed: 7, from: NOW - 86_400_000, to: NOW, count: 300 }));
  emulator = await startAiccsEmulator({ store, credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
  const query = createQueryFunction({ env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: INSTANCE, LOG_LEVEL: 'error' } });
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'call-records-query',
    credentials: [CALLER, ENV_KEY],
    fc2Services: { 'call-records': { query: 'call-records-query', export: 'call-records-export' } },
    functions: {
      // The query function calls AICCS with its own role (context.credentials), as on FC.
      'call-records-query': { handler: query, credentials: { ...DEMO_CREDENTIALS }, timeoutSeconds: 10 },
      'call-records-export': {
        // Answers job actions like the export function does, from a status the test scripts; records every other event.
        handler: async (event) => {
          const body = JSON.parse(event.toString()) as { action?: string; jobId?: string };
          if (body.action !== undefined) {
            const script = jobScripts.get(body.jobId ?? '');
            if (!script) throw new JobNotFoundError(body.jobId ?? '');
            if (body.action === 'stop') script.stopped = true;
            const hoursDone = Math.min(script.hoursTotal, script.polls++ * 2);
            const state = script.stopped ? 'stopped' : hoursDone === script.hoursTotal ? 'succeeded' : 'running';
            return aJobStatus({ jobId: body.jobId ?? '', hoursDone, hoursTotal: script.hoursTotal, state });
          }
          exportEvents.push(event);
          return { exported: true };
        },
      },
      broken: {
        handler: async () => {
          throw new Error('database on fire');
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
});

beforeEach(() => {
  exportEvents.length = 0;
  vi.unstubAllEnvs();
});

function client(overrides: Partial<CallRecordsClientOptions> = {}) {
  return createCallRecordsClient({
    functionName: 'call-records-query',
    exportFunctionName: 'call-records-export',
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    endpoint: gateway.url,
    credentials: CALLER,
    timeoutMs: 10_000,
    ...overrides,
  });
}

const fc2Options = { transport: 'fc2', serviceName: 'call-records', functionName: 'query', exportFunctionName: 'export' } as const;

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createCallRecordsClient against the gateway and the real query handler', () => {
  it.each([
    ['fc3', {}],
    ['fc2', fc2Options],
  ])('query() over %s returns a parsed QueryResponse', async (_transport, overrides) => {
    // Act
    const response = await client(overrides).query({ callType: 'inbound', pageSize: 5 });
    // Assert
    expect(response.records).toHaveLength(5);
    expect(response.records.every((record) => record.callType === 'inbound' && record.instanceId === INSTANCE)).toBe(true);
    expect(response.page).toMatchObject({ pageNo: 1, pageSize: 5, hasMore: true });
  });

  it('gives the same records over both transports', async () => {
    const viaFc3 = await client().query({ pageSize: 20, pageNo: 2 });
    const viaFc2 = await client(fc2Options).query({ pageSize: 20, pageNo: 2 });
    expect(viaFc2.records).toEqual(viaFc3.records);
  });

  it('queryAll() yields all 300 records once, newest first, following cursors', async () => {
    // Arrange
    const reference = await client().query({ all: true, limit: 5000 });
    const before = gateway.invocations['call-records-query'] ?? 0;
    // Act
    const records = [];
    for await (const record of client().queryAll({})) records.push(record);
    // Assert
    expect(records).toHaveLength(300);
    expect(new Set(records.map((record) => record.id)).size).toBe(300);
    expect(records.map((record) => record.id)).toEqual(reference.records.map((record) => record.id));
    // 300 records fit one response: one invocation, no cursor.
    expect((gateway.invocations['call-records-query'] ?? 0) - before).toBe(1);
  });

  it('turns a 422 problem into CallRecordsProblemError', async () => {
    const error = await caught(client().query({ startTime: '2026-11-24T08:00:00+08:00', endTime: '2026-11-24T07:00:00+08:00' }));
    expect(error).toBeInstanceOf(CallRecordsProblemError);
    expect(error).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', errors: [{ path: 'endTime', code: 'invalid_range' }] });
  });

  it('rejects an invalid filter client-side without invoking', async () => {
    const before = gateway.invocations['call-records-query'] ?? 0;
    const bad = { pageSize: 500, callType: 'sideways', colour: 'red' } as unknown as Parameters<ReturnType<typeof client>['query']>[0];
    const error = await caught(client().query(bad));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual(['callType', 'colour', 'pageSize']);
    expect(gateway.invocations['call-records-query'] ?? 0).toBe(before);
  });

  it('turns X-Fc-Error-Type into FunctionInvocationError', async () => {
    const error = await caught(client({ functionName: 'broken' }).query({}));
    expect(error).toBeInstanceOf(FunctionInvocationError);
    expect(error).toMatchObject({
      errorType: 'UnhandledInvocationError',
      errorMessage: 'database on fire',
      functionErrorType: 'Error',
      requestId: expect.stringMatching(/^1-/),
    });
  });

  it.each([
    ['fc3', {}],
    ['fc2', fc2Options],
  ])('exportRange() over %s is accepted with 202 and the export function gets exactly the range', async (_transport, overrides) => {
    const accepted = await client(overrides).exportRange({ instanceId: INSTANCE, from: new Date(NOW - 86_400_000), to: '2026-11-24T08:00:00+08:00', format: 'csv' });
    expect(accepted).toEqual({ jobId: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), accepted: true, requestId: expect.stringMatching(/^1-/) });
    await gateway.waitForAsyncIdle();
    expect(exportEvents.map((event) => JSON.parse(event.toString()))).toEqual([
      { instanceId: INSTANCE, from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T08:00:00+08:00', format: 'csv', jobId: accepted.jobId },
    ]);
    expect(gateway.asyncInvocations().find((record) => record.requestId === accepted.requestId)).toMatchObject({
      functionName: 'call-records-export',
      status: 'succeeded',
    });
  });

  it.each([
    ['fc3', {}],
    ['fc2', fc2Options],
  ])('follows a job over %s: exportStatus, waitForExport with progress, stopExport, typed not-found', async (_transport, overrides) => {
    jobScripts.set('followed', { hoursTotal: 6, polls: 0, stopped: false });
    const typed = client(overrides);
    await expect(typed.exportRange({ instanceId: INSTANCE, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', jobId: 'followed' })).resolves.toMatchObject({
      jobId: 'followed',
    });
    expect(await typed.exportStatus('followed')).toMatchObject({ jobId: 'followed', state: 'running', hoursDone: 0, hoursTotal: 6 });
    const seen: number[] = [];
    const final = await typed.waitForExport('followed', { pollMs: 10, onProgress: (status) => seen.push(status.hoursDone) });
    expect(final).toMatchObject({ state: 'succeeded', hoursDone: 6 });
    expect(seen).toStrictEqual([2, 4, 6]);

    jobScripts.set('stopped', { hoursTotal: 100, polls: 0, stopped: false });
    expect(await typed.stopExport('stopped')).toMatchObject({ state: 'stopped' });
    await expect(typed.exportStatus('nobody')).rejects.toBeInstanceOf(ExportJobNotFoundError);
    const aborted = new AbortController();
    aborted.abort(new Error('caller gave up'));
    await expect(typed.waitForExport('nobody', { signal: aborted.signal })).rejects.toThrow('caller gave up');
    await expect(typed.waitForExport('nobody', { pollMs: 5, notFoundGraceMs: 20 })).rejects.toBeInstanceOf(ExportJobNotFoundError);
    await gateway.waitForAsyncIdle();
  });

  it('validates the export range before invoking', async () => {
    const error = await caught(client().exportRange({ instanceId: INSTANCE, from: '2026-11-24T00:00:00Z', to: '2026-11-23T00:00:00Z' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(exportEvents).toHaveLength(0);
  });
});

describe('credentials', () => {
  it('passes the STS token through: the gateway refuses the same key with another token', async () => {
    const error = await caught(client({ credentials: { ...CALLER, securityToken: 'stolen-or-stale' } }).query({}));
    expect(error).toBeInstanceOf(InvokeTransportError);
    expect(error).toMatchObject({ status: 403, code: 'InvalidSecurityToken' });
    const fc2Error = await caught(client({ ...fc2Options, credentials: { ...CALLER, securityToken: 'stolen-or-stale' } }).query({}));
    expect(fc2Error).toMatchObject({ status: 403, code: 'InvalidSecurityToken' });
    for (const text of [String(error), String(fc2Error)]) {
      expect(text).not.toContain(CALLER.accessKeySecret);
      expect(text).not.toContain('stolen-or-stale');
    }
  });

  it.each([
    ['fc3', {}],
    ['fc2', fc2Options],
  ])('falls back to the default chain (ALIBABA_CLOUD_* env vars) over %s when no credentials are given', async (_transport, overrides) => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', ENV_KEY.accessKeyId);
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', ENV_KEY.accessKeySecret);
    vi.stubEnv('ALIBABA_CLOUD_SECURITY_TOKEN', '');
    const { credentials: _none, ...options } = { ...overrides, credentials: undefined };
    const response = await createCallRecordsClient({
      functionName: 'call-records-query',
      region: 'cn-hangzhou',
      accountId: '1234567890123456',
      endpoint: gateway.url,
      ...options,
    }).query({ pageSize: 1 });
    expect(response.records).toHaveLength(1);
    // `{}` is what context.credentials holds for a function without a role.
    expect((await client({ ...overrides, credentials: {} }).query({ pageSize: 1 })).records).toHaveLength(1);
  });
});

describe('transport and pagination limits', () => {
  it('wraps a connection failure in InvokeTransportError', async () => {
    const closed = await startFcGateway({ port: 0, httpFunction: 'x', functions: { x: { handler: async () => '' } } });
    await closed.close();
    const error = await caught(client({ endpoint: closed.url, timeoutMs: 2_000 }).query({}));
    expect(error).toBeInstanceOf(InvokeTransportError);
    expect(String(error)).not.toContain(CALLER.accessKeySecret);
  });

  it('queryAll follows nextCursor until it is null, sending only the cursor', async () => {
    // Arrange: a fake transport answering three walk responses.
    const [record] = (await client().query({ pageSize: 1 })).records;
    const sent: unknown[] = [];
    const invoker: Invoker = {
      async invoke(_name, payload) {
        const request = JSON.parse(payload.toString()) as Record<string, unknown>;
        sent.push(request);
        const step = sent.length;
        const page = { pageNo: step, pageSize: 50, totalCount: 3, hasMore: step < 3, nextCursor: step < 3 ? `cursor-${step}` : null };
        const struct = {
          statusCode: 200,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ schemaVersion: 1, records: [record], page, requestId: null }),
          isBase64Encoded: false,
        };
        return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(struct)) };
      },
    };
    // Act
    const seen: unknown[] = [];
    for await (const each of client({ invoker }).queryAll({ callType: 'inbound' })) seen.push(each);
    // Assert
    expect(seen).toHaveLength(3);
    expect(sent).toStrictEqual([{ callType: 'inbound', all: true }, { cursor: 'cursor-1' }, { cursor: 'cursor-2' }]);
  });

  it.each(['all', 'limit', 'pageNo', 'pageSize', 'cursor'])('refuses `%s` in queryAll, which walks by itself', async (field) => {
    const error = await caught(
      (async () => {
        for await (const _ of client().queryAll({ [field]: field === 'cursor' ? 'x' : field === 'all' ? true : 1 })) break;
      })(),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ issues: [{ path: field, code: 'not_supported' }] });
  });
});
