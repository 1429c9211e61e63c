/**
 * Handler overhead: the full query function (event parse, validation,
 * pop-core call, normalization, JSON response, log line) against a bare
 * pop-core call for the same 50-record page, interleaved in one run so both
 * see the same machine state. Target: ≤ 2 ms added at p50.
 */
import PopCore from '@alicloud/pop-core';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, createDemoStore, startAiccsEmulator } from '../dev/aiccs';
import { silentLogger } from '../lib/log/logger';
import { createQueryFunction } from '../lib/query/query-function';
import { aContext, anHttpEvent } from '../test/builders/fc';
import { ms, percentile } from './stats';

type Rpc = { request(action: string, params: object, options: object): Promise<unknown> };

export async function benchQueryOverhead(iterations = Number(process.env['BENCH_ITERATIONS'] ?? 2000)) {
  const emulator = await startAiccsEmulator({ store: createDemoStore(Date.UTC(2026, 10, 24)), credentials: [{ ...DEMO_CREDENTIALS }], qps: 1_000_000 });
  try {
    const RPCClient = (PopCore as unknown as { RPCClient: new (config: object) => Rpc }).RPCClient;
    const bare = new RPCClient({ endpoint: emulator.url, apiVersion: '2019-10-15', ...DEMO_CREDENTIALS });
    const handler = createQueryFunction({ env: { AICCS_ENDPOINT: emulator.url, AICCS_INSTANCE_IDS: DEMO_INSTANCE_ID }, logger: silentLogger });
    const event = anHttpEvent({ body: { instanceId: DEMO_INSTANCE_ID, pageSize: 50 } });
    const context = aContext({ credentials: { ...DEMO_CREDENTIALS } });

    const runBare = async () => {
      const started = performance.now();
      const body = (await bare.request('HotlineSessionQuery', { InstanceId: DEMO_INSTANCE_ID, PageNo: 1, PageSize: 50 }, { method: 'POST', timeout: 10_000 })) as {
        Data: { CallDetailRecord: unknown[] };
      };
      if (body.Data.CallDetailRecord.length !== 50) throw new Error('expected a 50-record page');
      return performance.now() - started;
    };
    const runHandler = async () => {
      const started = performance.now();
      const result = await handler(event, context);
      if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}`);
      return performance.now() - started;
    };

    for (let i = 0; i < 200; i++) {
      await runBare();
      await runHandler();
    }
    const bareTimes: number[] = [];
    const handlerTimes: number[] = [];
    for (let i = 0; i < iterations; i++) {
      // Alternate which goes first so neither always runs on a warmer socket.
      if (i % 2 === 0) {
        bareTimes.push(await runBare());
        handlerTimes.push(await runHandler());
      } else {
        handlerTimes.push(await runHandler());
        bareTimes.push(await runBare());
      }
    }
    const result = {
      iterations,
      bare: { p50: percentile(bareTimes, 50), p95: percentile(bareTimes, 95) },
      handler: { p50: percentile(handlerTimes, 50), p95: percentile(handlerTimes, 95) },
    };
    return { ...result, addedP50: result.handler.p50 - result.bare.p50, addedP95: result.handler.p95 - result.bare.p95 };
  } finally {
    await emulator.close();
  }
}

export function formatQueryOverhead(r: Awaited<ReturnType<typeof benchQueryOverhead>>): string {
  return [
    `| 50-record page, ${r.iterations} interleaved runs | p50 | p95 |`,
    '|---|---|---|',
    `| bare pop-core call | ${ms(r.bare.p50)} | ${ms(r.bare.p95)} |`,
    `| query handler (event → records → JSON) | ${ms(r.handler.p50)} | ${ms(r.handler.p95)} |`,
    `| **added by the handler** | **${ms(r.addedP50)}** (target ≤ 2 ms) | ${ms(r.addedP95)} |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatQueryOverhead(await benchQueryOverhead()));
}
