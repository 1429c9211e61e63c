import RPCClient from '@alicloud/pop-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { aCallRecord, DEMO_CREDENTIALS, RecordStore, startAiccsEmulator } from '../../dev/aiccs/index';
import type { AiccsEmulator, AiccsEmulatorOptions } from '../../dev/aiccs/index';

const I = 'ccc_xp_pre-cn-faults';

interface PopError {
  name: string;
  code?: string;
  message: string;
  data?: Record<string, unknown>;
  entry?: { response: { statusCode: number } };
}

function popClient(url: string): RPCClient {
  return new RPCClient({ endpoint: url, apiVersion: '2019-10-15', ...DEMO_CREDENTIALS });
}

async function rejectionOf(promise: Promise<unknown>): Promise<PopError> {
  try {
    await promise;
  } catch (error) {
    return error as PopError;
  }
  throw new Error('Expected the request to fail, but it succeeded');
}

const started: AiccsEmulator[] = [];
async function emulator(options: AiccsEmulatorOptions = {}): Promise<AiccsEmulator> {
  const store = new RecordStore();
  store.add(
    I,
    Array.from({ length: 60 }, (_, i) => aCallRecord({ Id: `f${String(i).padStart(2, '0')}`, Acid: String(5000 + i) })),
  );
  const instance = await startAiccsEmulator({ store, qps: Number.POSITIVE_INFINITY, ...options });
  started.push(instance);
  return instance;
}
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

const PARAMS = { InstanceId: I, PageSize: 50 };
const call = (client: RPCClient, opts: Record<string, unknown> = {}) => client.request('HotlineSessionQuery', PARAMS, { method: 'POST', ...opts });

describe('account-wide QPS bucket', () => {
  // The bucket's exact arithmetic (a burst of qps, then qps per second) is tested on a fake clock in token-bucket.test.ts.
  // Over HTTP the quota is small enough that the calls cannot spread past it even on a loaded machine, and each call waits
  // as long as it must: a slow machine can neither fail nor pass these by timing.
  it('lets a burst of qps through and throttles the rest of 40 parallel calls with Throttling.User', async () => {
    const emu = await emulator({ qps: 5 });
    const client = popClient(emu.url);
    // 40 calls would have to spread over 7 seconds to all pass at 5/s.
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => call(client, { timeout: 60_000 })));
    const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as PopError);
    const ok = outcomes.length - errors.length;

    expect(ok).toBeGreaterThanOrEqual(5);
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((e) => `${String(e.code)}/${String(e.entry?.response.statusCode)}`))).toEqual(new Set(['Throttling.User/400']));
    expect(errors[0]?.data).toMatchObject({ HostId: 'aiccs.aliyuncs.com', Message: 'Request was denied due to user flow control.' });
    expect(emu.stats).toMatchObject({ requests: 40, ok, throttled: errors.length, errorsByCode: { 'Throttling.User': errors.length } });
  });

  it('refills over time', async () => {
    const emu = await emulator({ qps: 2 });
    const client = popClient(emu.url);
    await Promise.allSettled(Array.from({ length: 10 }, () => call(client, { timeout: 60_000 })));
    expect(emu.stats.throttled).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // ≥ 1 token; waiting longer only adds tokens
    await expect(call(client, { timeout: 60_000 })).resolves.toMatchObject({ Success: true });
  });

  it('does not spend tokens on requests that fail authentication', async () => {
    const emu = await emulator({ qps: 2 });
    const intruder = new RPCClient({ endpoint: emu.url, apiVersion: '2019-10-15', accessKeyId: DEMO_CREDENTIALS.accessKeyId, accessKeySecret: 'wrong' });
    for (let i = 0; i < 5; i++) await rejectionOf(call(intruder));
    const client = popClient(emu.url);
    await expect(call(client)).resolves.toMatchObject({ Success: true });
    await expect(call(client)).resolves.toMatchObject({ Success: true });
    expect(emu.stats.throttled).toBe(0);
  });
});

describe('injected faults, as pop-core sees them', () => {
  it('throttleRate → Throttling.User, with status 429 when throttleStatus is 429', async () => {
    const emu = await emulator({ faults: { throttleRate: 1, throttleStatus: 429 } });
    const error = await rejectionOf(call(popClient(emu.url)));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['Throttling.User', 429]);
    expect(emu.stats.faultsInjected).toEqual({ throttle: 1 });
    expect(emu.stats.throttled).toBe(1);
  });

  it('systemErrorRate → 500 SystemError with the business body', async () => {
    const emu = await emulator({ faults: { systemErrorRate: 1 } });
    const error = await rejectionOf(call(popClient(emu.url)));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['SystemError', 500]);
    expect(error.data).toMatchObject({ Success: false, Message: 'A system error occurred. Please contact the administrator.' });
  });

  it('resetRate → the socket is destroyed: ECONNRESET', async () => {
    const emu = await emulator({ faults: { resetRate: 1 } });
    const error = await rejectionOf(call(popClient(emu.url)));
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/ failed\.$/);
    expect(emu.stats.faultsInjected).toEqual({ reset: 1 });
  });

  it('nonJson5xxRate → 502 HTML, which pop-core reports as a SyntaxError without a code', async () => {
    const emu = await emulator({ faults: { nonJson5xxRate: 1 } });
    const error = await rejectionOf(call(popClient(emu.url)));
    expect(error.name).toBe('SyntaxError');
    expect(error.code).toBeUndefined();
    expect(emu.stats.faultsInjected).toEqual({ nonJson5xx: 1 });
  });

  it('truncatedBodyRate → a complete 200 response with half a JSON body: SyntaxError', async () => {
    const emu = await emulator({ faults: { truncatedBodyRate: 1 } });
    const error = await rejectionOf(call(popClient(emu.url)));
    expect(error.name).toBe('SyntaxError');
    expect(emu.stats).toMatchObject({ ok: 0, faultsInjected: { truncatedBody: 1 } });
  });

  it('latencyMs beyond the client timeout → RequestTimeoutError; below it the call just takes longer', async () => {
    const emu = await emulator({ faults: { latencyMs: 400 } });
    const error = await rejectionOf(call(popClient(emu.url), { timeout: 150 }));
    expect(error.name).toBe('RequestTimeoutError');
    expect(error.message).toMatch(/^ReadTimeout\(150\)/);

    // How long the delay lasts is the emulator's timer, not asserted here: a loaded machine must not fail the suite.
    emu.setFaults({ latencyMs: 60, latencyJitterMs: 20 });
    emu.resetStats();
    await expect(call(popClient(emu.url))).resolves.toMatchObject({ Success: true });
    expect(emu.stats).toMatchObject({ ok: 1, faultsInjected: { latency: 1 } });
  });

  it('setFaults replaces the options and validates them', async () => {
    const emu = await emulator({ faults: { resetRate: 1 } });
    emu.setFaults({});
    await expect(call(popClient(emu.url))).resolves.toMatchObject({ Success: true });
    expect(() => emu.setFaults({ resetRate: 1.5 })).toThrow('Expected faults.resetRate to be a number from 0 to 1, got 1.5');
    expect(() => emu.setFaults({ latencyMs: -1 })).toThrow(/latencyMs/);
  });

  it('draws the same fault sequence for the same seed', async () => {
    const outcomesFor = async (seed: number): Promise<string[]> => {
      const emu = await emulator({ seed, faults: { throttleRate: 0.3, systemErrorRate: 0.3 } });
      const client = popClient(emu.url);
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        outcomes.push(
          await call(client).then(
            () => 'ok',
            (error: PopError) => String(error.code),
          ),
        );
      }
      return outcomes;
    };
    const first = await outcomesFor(7);
    expect(await outcomesFor(7)).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'Throttling.User', 'SystemError']));
    expect(await outcomesFor(8)).not.toEqual(first);
  });
});

describe('lifecycle and stats', () => {
  it('resetStats zeroes the counters in place', async () => {
    const emu = await emulator();
    const stats = emu.stats;
    await call(popClient(emu.url));
    expect(stats).toMatchObject({ requests: 1, ok: 1 });
    emu.resetStats();
    expect(stats).toEqual({ requests: 0, requestTimes: [], ok: 0, throttled: 0, errorsByCode: {}, faultsInjected: {}, lastParams: null, lastQuery: null });
  });

  it('close() drops idle keep-alive connections and pending delayed requests promptly', async () => {
    const emu = await startAiccsEmulator({ store: new RecordStore(), qps: Number.POSITIVE_INFINITY });
    const client = popClient(emu.url);
    await rejectionOf(client.request('HotlineSessionQuery', PARAMS, { method: 'POST' })); // leaves a keep-alive socket
    // Parked far beyond the test's timeout: a close() that waited for it fails the test without anyone timing it.
    emu.setFaults({ latencyMs: 3_600_000 });
    const pending = rejectionOf(client.request('HotlineSessionQuery', PARAMS, { method: 'POST', timeout: 7_200_000 }));
    await vi.waitFor(() => expect(emu.stats.faultsInjected).toMatchObject({ latency: 1 }));

    await emu.close();
    expect((await pending).code).toBe('ECONNRESET');
    expect((await rejectionOf(client.request('HotlineSessionQuery', PARAMS, { method: 'POST' }))).code).toBe('ECONNREFUSED');
  });

  it('serves the demo data with the demo credentials by default', async () => {
    const emu = await startAiccsEmulator({ qps: Number.POSITIVE_INFINITY });
    started.push(emu);
    const body = await popClient(emu.url).request<{ Data: { TotalCount: number } }>(
      'HotlineSessionQuery',
      { InstanceId: 'ccc_xp_pre-cn-demo0001', PageSize: 1 },
      { method: 'POST' },
    );
    expect(body.Data.TotalCount).toBe(20_000);
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
  });
});
