/**
 * Export benchmarks (issue 3), each exporter run in a fresh process:
 *  1. Throughput against the emulator with 50 ms latency, as a fraction of
 *     the ceiling the API budget allows (EXPORT_QPS × 50 records/s), side by
 *     side with a one-page-at-a-time exporter (concurrency 1). Target ≥ 0.95,
 *     with the peak requests in any one second at the emulator ≤ EXPORT_QPS + 1
 *     (`--throughput-only` runs just this part).
 *  2. Peak RSS of the exporter for 100,000 and 1,000,000 records.
 *     Targets: ≤ 256 MB, and the 1M peak within 1.3× of the 100k peak.
 *  `--memory-only` runs only part 2; `--format parquet` measures Parquet exports
 *  (production heap cap only) instead: `npx tsx bench/export.ts --memory-only --format parquet`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ExportFormat } from '../lib/contracts/export-format';
import { buildFunction } from '../scripts/build.mjs';
import { BENCH_FROM, BENCH_INSTANCE } from './export-constants';

const here = new URL('.', import.meta.url).pathname;
const bundleDir = join(here, '..', '.tmp', 'bench');
let exporterBundle: string | undefined;

/** The exporter runs as a bundle under plain node, as on FC (no TypeScript loader in the measured process). */
async function exporterEntry(): Promise<string> {
  if (exporterBundle) return exporterBundle;
  mkdirSync(bundleDir, { recursive: true });
  writeFileSync(join(bundleDir, 'package.json'), '{"type":"commonjs"}');
  exporterBundle = join(bundleDir, 'export-run.cjs');
  await buildFunction({ entry: join(here, 'export-run.ts'), outfile: exporterBundle });
  return exporterBundle;
}

interface Servers {
  aiccsUrl: string;
  ossUrl: string;
  records: number;
  /** The most AICCS requests in any one second since the last call, and how many in all. */
  peak(): Promise<{ peakPerSecond: number; requests: number }>;
  stop(): void;
}

async function startServers(records: number, hours: number, latencyMs: number): Promise<Servers> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--max-old-space-size=4096', `${here}export-servers.ts`, '--records', String(records), '--hours', String(hours), '--latency', String(latencyMs)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve) => lines.once('line', resolve));
  const peak = async () => {
    const answer = new Promise<string>((resolve) => lines.once('line', resolve));
    child.stdin.write('peak\n');
    return JSON.parse(await answer) as { peakPerSecond: number; requests: number };
  };
  return { ...(JSON.parse(line) as Omit<Servers, 'stop' | 'peak'>), peak, stop: () => child.stdin.end() };
}

interface RunResult {
  records: number;
  pages: number;
  status: string;
  elapsedMs: number;
  maxRssMb: number;
  maxHeapUsedMb: number;
}

/** The heap cap s.yaml sets for the export function (NODE_OPTIONS). */
export const EXPORT_HEAP_FLAGS = ['--max-old-space-size=96'];

async function runExporter(servers: Servers, hours: number, qps: number, concurrency: number, nodeFlags: string[] = [], format?: ExportFormat): Promise<RunResult> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      await exporterEntry(),
      '--aiccs',
      servers.aiccsUrl,
      '--oss',
      servers.ossUrl,
      '--instance',
      BENCH_INSTANCE,
      '--from',
      String(BENCH_FROM),
      '--hours',
      String(hours),
      '--qps',
      String(qps),
      '--concurrency',
      String(concurrency),
      ...(format ? ['--format', format] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code, signal) => reject(new Error(`exporter exited (${signal ?? code}) without a result; flags ${nodeFlags.join(' ') || 'none'}`)));
  });
  return JSON.parse(line) as RunResult;
}

export async function benchExportThroughput(qps = 40, records = 48_000, hours = 8) {
  const servers = await startServers(records, hours, 50);
  try {
    await servers.peak();
    const pipelined = { ...(await runExporter(servers, hours, qps, 8, EXPORT_HEAP_FLAGS)), ...(await servers.peak()) };
    const sequential = { ...(await runExporter(servers, hours, qps, 1, EXPORT_HEAP_FLAGS)), ...(await servers.peak()) };
    const ceiling = qps * 50;
    const rate = (run: RunResult) => run.records / (run.elapsedMs / 1000);
    return { qps, records: servers.records, ceiling, pipelined: { ...pipelined, rate: rate(pipelined) }, sequential: { ...sequential, rate: rate(sequential) } };
  } finally {
    servers.stop();
  }
}

/** Memory against the window: the same density (records per hour), 10× the hours. Plus 1M in a day, and hours of 50,000 records (the most one filter reaches). */
export async function benchExportMemory(
  runs: Array<{ size: number; hours: number }> = [
    { size: 100_000, hours: 10 },
    { size: 1_000_000, hours: 100 },
    { size: 1_000_000, hours: 24 },
    { size: 200_000, hours: 4 },
  ],
) {
  const results: Array<RunResult & { size: number; hours: number; heap: string }> = [];
  for (const { size, hours } of runs) {
    const servers = await startServers(size, hours, 0);
    try {
      results.push({ size, hours, heap: EXPORT_HEAP_FLAGS.join(' '), ...(await runExporter(servers, hours, 10_000, 8, EXPORT_HEAP_FLAGS)) });
      results.push({ size, hours, heap: 'V8 default (4 GB limit here)', ...(await runExporter(servers, hours, 10_000, 8)) });
    } finally {
      servers.stop();
    }
  }
  return results;
}

/** Peak RSS of a Parquet export (column buffers and row groups instead of a gzip stream), production heap cap only. */
export async function benchExportMemoryParquet(
  runs: Array<{ size: number; hours: number }> = [
    { size: 100_000, hours: 10 },
    { size: 1_000_000, hours: 24 },
  ],
) {
  const results: Array<RunResult & { size: number; hours: number; heap: string }> = [];
  for (const { size, hours } of runs) {
    const servers = await startServers(size, hours, 0);
    try {
      results.push({ size, hours, heap: `${EXPORT_HEAP_FLAGS.join(' ')}, parquet`, ...(await runExporter(servers, hours, 10_000, 8, EXPORT_HEAP_FLAGS, 'parquet')) });
    } finally {
      servers.stop();
    }
  }
  return results;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const throughputOnly = process.argv.includes('--throughput-only');

if (import.meta.url === `file://${process.argv[1]}`) {
  const memoryOnly = process.argv.includes('--memory-only');
  const parquet = process.argv.includes('--format') && process.argv[process.argv.indexOf('--format') + 1] === 'parquet';
  if (!memoryOnly) {
    const t = await benchExportThroughput();
    console.log(`### Export throughput (emulator latency 50 ms, EXPORT_QPS ${t.qps}, ceiling ${fmt(t.ceiling)} records/s, ${fmt(t.records)} records)\n`);
    console.log('| exporter | records/s | ÷ ceiling | elapsed | AICCS requests | peak requests in any 1 s (rule ≤ EXPORT_QPS + 1) |\n|---|---|---|---|---|---|');
    console.log(
      `| pipelined (8 pages in flight, shared limiter) | ${fmt(t.pipelined.rate)} | **${fmt(t.pipelined.rate / t.ceiling, 2)}** (target ≥ 0.95) | ${fmt(t.pipelined.elapsedMs / 1000, 1)} s | ${fmt(t.pipelined.requests)} | **${t.pipelined.peakPerSecond}** (≤ ${t.qps + 1}) |`,
    );
    console.log(
      `| one page at a time | ${fmt(t.sequential.rate)} | ${fmt(t.sequential.rate / t.ceiling, 2)} | ${fmt(t.sequential.elapsedMs / 1000, 1)} s | ${fmt(t.sequential.requests)} | ${t.sequential.peakPerSecond} |`,
    );
    console.log(`| **ratio pipelined ÷ one-at-a-time** | **${fmt(t.pipelined.rate / t.sequential.rate, 2)}×** | | | | |\n`);
    if (throughputOnly) process.exit(0);
  }
  const m = parquet ? await benchExportMemoryParquet() : await benchExportMemory();
  console.log('### Exporter peak RSS (fresh process each; emulator and OSS server in another process)\n');
  console.log('| records | hours (records/hour) | heap | pages | elapsed | records/s | peak heap used | peak RSS |\n|---|---|---|---|---|---|---|---|');
  for (const run of m)
    console.log(
      `| ${fmt(run.size)} | ${run.hours} (${fmt(run.size / run.hours)}) | ${run.heap} | ${fmt(run.pages)} | ${fmt(run.elapsedMs / 1000, 1)} s | ${fmt(run.size / (run.elapsedMs / 1000))} | ${fmt(run.maxHeapUsedMb, 1)} MB | **${fmt(run.maxRssMb, 1)} MB** |`,
    );
  const [small, , large] = m;
  if (parquet && m[0] && m[1]) console.log(`\n1M as Parquet: **${fmt(m[1].maxRssMb, 1)} MB** peak RSS (target ≤ 256 MB)`);
  else if (small && large)
    console.log(`\n1M ÷ 100k peak RSS at the same density: **${fmt(large.maxRssMb / small.maxRssMb, 2)}×** (target ≤ 1.3×; absolute target ≤ 256 MB)`);
}
