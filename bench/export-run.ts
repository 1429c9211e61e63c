/**
 * Child process for the export benchmarks: one backfill through runExport
 * (the production pipeline: pop-core → normalize → gzip → ali-oss) against
 * the servers of export-servers.ts. Prints a JSON line with the summary,
 * the elapsed time and this process's peak RSS.
 */
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { DEMO_CREDENTIALS } from '../dev/aiccs';
import { createPopHotlineApi } from '../lib/adapters/aiccs/hotline-api';
import { createOssStore } from '../lib/adapters/oss/object-store';
import type { ExportFormat } from '../lib/contracts/export-format';
import { loadExportConfig } from '../lib/export/config';
import { runExport } from '../lib/export/run-export';
import { silentLogger } from '../lib/log/logger';
import { createRateLimiter } from '../lib/flow/rate-limiter';

// A function, not top-level await: this file is also bundled as CommonJS.
async function main() {
  const { values } = parseArgs({
    options: {
      aiccs: { type: 'string' },
      oss: { type: 'string' },
      instance: { type: 'string' },
      from: { type: 'string' },
      hours: { type: 'string' },
      format: { type: 'string' },
      qps: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const from = Number(values.from);
  const hours = Number(values.hours ?? 24);
  const config = loadExportConfig({
    EXPORT_INSTANCE_IDS: values.instance,
    OSS_REGION: 'oss-cn-hangzhou',
    OSS_BUCKET: 'cdr-export',
    OSS_ENDPOINT: values.oss,
    EXPORT_QPS: '80',
  });
  const started = performance.now();
  let maxHeapUsedMb = 0;
  const sampler = setInterval(() => {
    maxHeapUsedMb = Math.max(maxHeapUsedMb, process.memoryUsage().heapUsed / 1048576);
  }, 50);
  const summary = await runExport(
    {
      mode: 'backfill',
      instanceId: String(values.instance),
      range: { from, to: from + hours * 3_600_000 },
      ...(values.format ? { format: values.format as ExportFormat } : {}),
    },
    {
      api: createPopHotlineApi({ endpoint: String(values.aiccs), credentials: { ...DEMO_CREDENTIALS }, timeoutMs: 30_000, maxAttempts: 4 }),
      store: createOssStore({ region: 'oss-cn-hangzhou', bucket: 'cdr-export', endpoint: values.oss, credentials: { ...DEMO_CREDENTIALS } }),
      limiter: createRateLimiter({ ratePerSecond: Number(values.qps ?? 20) }),
      settings: { ...config.settings, concurrency: Number(values.concurrency ?? config.settings.concurrency) },
      logger: silentLogger,
      runId: 'bench',
      deadline: Date.now() + 3_600_000,
    },
  );
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  process.stdout.write(
    `${JSON.stringify({ records: summary.totals.records, pages: summary.totals.pages, objects: summary.totals.objects, status: summary.status, elapsedMs, maxRssMb: process.resourceUsage().maxRSS / 1024, maxHeapUsedMb, heapLimitMb: getHeapStatistics().heap_size_limit / 1048576 })}\n`,
  );
}

void main();
