/**
 * Child process for the export benchmarks: the AICCS emulator (with
 * `--records` generated over `--hours` hours) and a disk-backed OSS server,
 * kept out of the exporter's process so its memory is measured alone.
 * Prints one JSON line with the URLs, then serves until stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { DEMO_CREDENTIALS, RecordStore, generateCallRecords, peakPerSecond, startAiccsEmulator } from '../dev/aiccs';
import { startOssServer } from '../dev/oss';

import { BENCH_FROM, BENCH_INSTANCE } from './export-constants';

const { values } = parseArgs({ options: { records: { type: 'string' }, hours: { type: 'string' }, latency: { type: 'string' } } });
const count = Number(values.records ?? 100_000);
const hours = Number(values.hours ?? 24);
const store = new RecordStore();
// Generated in chunks to keep the generator's own peak low.
const chunk = 100_000;
for (let done = 0; done < count; done += chunk) {
  const n = Math.min(chunk, count - done);
  const span = (hours * 3_600_000 * n) / count;
  const from = BENCH_FROM + (hours * 3_600_000 * done) / count;
  store.add(BENCH_INSTANCE, generateCallRecords({ instanceId: BENCH_INSTANCE, seed: 1000 + done, from, to: from + span, count: n }));
}
const emulator = await startAiccsEmulator({ store, credentials: [{ ...DEMO_CREDENTIALS }], qps: 1_000_000, faults: { latencyMs: Number(values.latency ?? 0) } });
const dir = mkdtempSync(join(tmpdir(), 'bench-oss-'));
const oss = await startOssServer({ buckets: ['cdr-export'], credentials: [{ ...DEMO_CREDENTIALS }], storage: { kind: 'disk', dir } });
process.stdout.write(`${JSON.stringify({ aiccsUrl: emulator.url, ossUrl: oss.url, records: store.count(BENCH_INSTANCE) })}\n`);
// A `peak` line asks for the most AICCS requests in any one second since the last `peak` (then the count starts over).
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'peak') return;
  process.stdout.write(`${JSON.stringify({ peakPerSecond: peakPerSecond(emulator.stats.requestTimes), requests: emulator.stats.requests })}\n`);
  emulator.resetStats();
});
process.stdin.on('end', async () => {
  await emulator.close();
  await oss.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
