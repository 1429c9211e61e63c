/**
 * Bounded load test, loopback only: the AICCS emulator (default 80 QPS
 * account-wide bucket) and the local FC gateway run in this process with the
 * real query handler; LOAD_CLIENTS concurrent keep-alive `fetch` loops send
 * valid queries for LOAD_SECONDS, then everything stops by itself.
 *
 * Pass criteria: every 5xx is a 503 with `Retry-After` and
 * `code: "UPSTREAM_THROTTLED"`; no lost requests (client network errors or
 * timeouts); no RSS growth trend after a 5 s warm-up.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID } from '../dev/aiccs';
import { startFcGateway } from '../dev/fc-gateway';
import { silentLogger } from '../lib/log/logger';
import { createQueryFunction } from '../lib/query/query-function';
import { ms, percentile } from './stats';

const WARM_UP_SECONDS = 5;
const CLIENT_TIMEOUT_MS = 35_000; // above the function's 30 s timeout

const mb = (bytes: number) => bytes / (1024 * 1024);
const fmtMb = (value: number) => `${value.toFixed(1)} MB`;

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export async function benchLoad(seconds = Number(process.env['LOAD_SECONDS'] ?? 30), clients = Number(process.env['LOAD_CLIENTS'] ?? 50)) {
  // The emulator (upstream) runs in its own process: its 15-minute nonce memory is not ours to measure.
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./load-emulator.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const emulatorUrl = (JSON.parse(await nextLine()) as { url: string }).url;
  const handler = createQueryFunction({ env: { AICCS_ENDPOINT: emulatorUrl, AICCS_INSTANCE_IDS: DEMO_INSTANCE_ID }, logger: silentLogger });
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapSamples: Array<{ x: number; y: number }> = [];
  const gateway = await startFcGateway({ port: 0, httpFunction: 'query', functions: { query: { handler, credentials: { ...DEMO_CREDENTIALS }, timeoutSeconds: 30 } } });

  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  let throttled503 = 0;
  const other5xx: string[] = [];
  const lost: string[] = [];
  const rssSamples: Array<{ t: number; rss: number }> = [];

  try {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const sampler = setInterval(() => {
      const t = (performance.now() - started) / 1000;
      rssSamples.push({ t, rss: process.memoryUsage().rss });
      // With --expose-gc: the live heap after a full collection, the figure a leak would move.
      if (gc) {
        gc();
        heapSamples.push({ x: t, y: process.memoryUsage().heapUsed / 1048576 });
      }
    }, 1000);

    const pageSizes = [10, 20, 50];
    const callTypes = ['inbound', 'outbound', undefined];
    const client = async (id: number) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const body: Record<string, unknown> = { instanceId: DEMO_INSTANCE_ID, pageSize: pageSizes[(id + i) % 3], pageNo: 1 + ((id * 7 + i) % 5) };
        const callType = callTypes[(id + 2 * i) % 3];
        if (callType !== undefined) body['callType'] = callType;
        const t0 = performance.now();
        try {
          const response = await fetch(`${gateway.url}/`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
          });
          const text = await response.text();
          latencies.push(performance.now() - t0);
          byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
          if (response.status >= 500) {
            let code: unknown;
            try {
              code = (JSON.parse(text) as { code?: unknown }).code;
            } catch {
              code = undefined;
            }
            if (response.status === 503 && response.headers.get('retry-after') !== null && code === 'UPSTREAM_THROTTLED') throttled503++;
            else other5xx.push(`${response.status} ${String(code)}: ${text.slice(0, 200)}`);
          }
        } catch (error) {
          lost.push(error instanceof Error ? `${error.name}: ${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, id) => client(id)));
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const rssAfter = process.memoryUsage().rss;

    const steady = rssSamples.filter((s) => s.t >= WARM_UP_SECONDS);
    const rssSlopeMbPerMin = slope(steady.map((s) => ({ x: s.t / 60, y: mb(s.rss) })));
    return {
      seconds,
      clients,
      elapsed,
      total: latencies.length + lost.length,
      answered: latencies.length,
      rps: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      byStatus,
      throttled503,
      other5xx,
      lost,
      rss: {
        before: rssBefore,
        after: rssAfter,
        first: steady[0]?.rss ?? Number.NaN,
        last: steady.at(-1)?.rss ?? Number.NaN,
        max: Math.max(...rssSamples.map((s) => s.rss)),
        samples: steady.length,
        slopeMbPerMin: rssSlopeMbPerMin,
      },
      emulator: await (async () => {
        const statsLine = nextLine();
        child.stdin.end();
        return JSON.parse(await statsLine) as { requests: number; ok: number; throttled: number; errorsByCode: Record<string, number> };
      })(),
      liveHeap:
        heapSamples.length > 1
          ? {
              first: heapSamples[Math.min(5, heapSamples.length - 1)]?.y ?? 0,
              last: heapSamples.at(-1)?.y ?? 0,
              slopeMbPerMin: slope(heapSamples.filter((point) => point.x >= 5)) * 60,
            }
          : undefined,
    };
  } finally {
    await gateway.close();
    child.kill();
  }
}

export function formatLoad(r: Awaited<ReturnType<typeof benchLoad>>): string {
  const statuses = Object.entries(r.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const lines = [
    `### Load: ${r.clients} concurrent clients for ${r.seconds} s`,
    '',
    `Emulator (80 QPS account-wide bucket) + FC gateway + real query handler + ${r.clients} keep-alive \`fetch\` loops,`,
    `the gateway, the handler and the clients in **one Node process** and the emulator in another, **on a 2-core machine**, loopback only (\`bench/load.ts\`; \`LOAD_SECONDS\`, \`LOAD_CLIENTS\`).`,
    'Client and server share the event loop, so latency includes client-side queueing; fine for a bounded soak, not a capacity figure.',
    '',
    '| measure | value |',
    '|---|---|',
    `| requests (answered + lost) | ${r.total} in ${r.elapsed.toFixed(1)} s |`,
    `| requests/s (answered) | ${r.rps.toFixed(1)} |`,
    `| latency p50 / p99 | ${ms(r.p50)} / ${ms(r.p99)} |`,
    `| by HTTP status | ${statuses} |`,
    `| 503 with \`Retry-After\` + \`UPSTREAM_THROTTLED\` | ${r.throttled503} |`,
    `| other 5xx (must be 0) | **${r.other5xx.length}** |`,
    `| lost: client network errors/timeouts (must be 0) | **${r.lost.length}** |`,
    `| emulator: requests / ok / \`Throttling.User\` | ${r.emulator.requests} / ${r.emulator.ok} / ${r.emulator.throttled} |`,
    `| RSS before → after | ${fmtMb(mb(r.rss.before))} → ${fmtMb(mb(r.rss.after))} |`,
    `| RSS after ${WARM_UP_SECONDS} s warm-up, 1 s samples (n=${r.rss.samples}): first / last / max | ${fmtMb(mb(r.rss.first))} / ${fmtMb(mb(r.rss.last))} / ${fmtMb(mb(r.rss.max))} |`,
    `| RSS least-squares slope after warm-up | ${r.rss.slopeMbPerMin.toFixed(2)} MB/min |`,
    r.liveHeap
      ? `| live heap after full GC (--expose-gc), first / last, slope after warm-up | ${r.liveHeap.first.toFixed(1)} MB / ${r.liveHeap.last.toFixed(1)} MB, **${r.liveHeap.slopeMbPerMin.toFixed(2)} MB/min** |`
      : '| live heap after full GC | (run with `node --expose-gc --import tsx bench/load.ts` to measure) |',
  ];
  const otherCodes = Object.entries(r.emulator.errorsByCode).filter(([code]) => code !== 'Throttling.User');
  if (otherCodes.length > 0) lines.push('', `Emulator error codes other than throttling: ${otherCodes.map(([c, n]) => `${c}: ${n}`).join(', ')}`);
  const examples = (label: string, items: string[]) => {
    if (items.length === 0) return;
    const distinct = [...new Set(items)].slice(0, 5);
    lines.push('', `${label} (first distinct of ${items.length}):`, ...distinct.map((s) => `- \`${s.replaceAll('`', "'")}\``));
  };
  examples('Other 5xx', r.other5xx);
  examples('Lost requests', r.lost);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatLoad(await benchLoad()));
  process.exit(0);
}
