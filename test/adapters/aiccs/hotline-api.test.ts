import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStore, startAiccsEmulator, type AiccsEmulator } from '../../../dev/aiccs';
import { createPopHotlineApi } from '../../../lib/adapters/aiccs/hotline-api';
import { toWireParams } from '../../../lib/adapters/aiccs/wire-params';
import { AiccsCallError, RetriesExhaustedError } from '../../../lib/errors';
import { TEST_CREDENTIALS } from '../../builders/fc';

const INSTANCE = 'ccc_xp_pre-cn-adapter01';
let emulator: AiccsEmulator;

beforeAll(async () => {
  emulator = await startAiccsEmulator({ store: new RecordStore(), credentials: [{ ...TEST_CREDENTIALS }] });
});

afterAll(async () => {
  await emulator.close();
});

describe('createPopHotlineApi over loopback', () => {
  it('cancels the attempt in flight when the deadline signal aborts, instead of waiting for the answer', async () => {
    // Arrange: AICCS answers only after 2 s; the signal aborts once the request is out
    emulator.setFaults({ latencyMs: 2_000 });
    const api = createPopHotlineApi({ endpoint: emulator.url, credentials: { ...TEST_CREDENTIALS }, timeoutMs: 30_000, maxAttempts: 1 });
    const controller = new AbortController();
    const params = toWireParams({ instanceId: INSTANCE }, { pageNo: 1, pageSize: 10 }, { timeUnit: 'ms' });
    // Act
    const pending = api.queryPage(params, { deadline: Date.now() + 60_000, signal: controller.signal }).catch((error: unknown) => error);
    setImmediate(() => controller.abort());
    const failure = await pending;
    emulator.setFaults({});
    // Assert: without the abort this call would have answered a page
    expect(failure).toBeInstanceOf(RetriesExhaustedError);
    expect(failure).toMatchObject({ attempts: 1, stoppedBy: 'deadline' });
    const last = (failure as RetriesExhaustedError).lastError;
    expect(last).toBeInstanceOf(AiccsCallError);
    expect((last as AiccsCallError).kind).toBe('timeout');
    expect(((last as AiccsCallError).cause as Error).name).toBe('AbortError');
  });

  it('does not start an attempt once the signal has aborted', async () => {
    const api = createPopHotlineApi({ endpoint: emulator.url, credentials: { ...TEST_CREDENTIALS }, timeoutMs: 30_000, maxAttempts: 3 });
    const before = emulator.stats.requests;
    const params = toWireParams({ instanceId: INSTANCE }, { pageNo: 1, pageSize: 10 }, { timeUnit: 'ms' });
    await expect(api.queryPage(params, { deadline: Date.now() + 60_000, signal: AbortSignal.abort() })).rejects.toMatchObject({
      stoppedBy: 'deadline',
      lastError: { kind: 'timeout' },
    });
    expect(emulator.stats.requests).toBe(before);
  });
});
