/**
 * Normalization throughput on one core: raw records as pop-core hands them
 * over (parsed by json-bigint) → NormalizedCallRecord. Target ≥ 200,000/s.
 */
import { createRequire } from 'node:module';
import { generateCallRecords } from '../dev/aiccs';
import { normalizeRecords } from '../lib/records/normalize';

const JSONbig = createRequire(import.meta.url)('json-bigint') as { parse(text: string): unknown };

/**
 * A pool of 10,000 parsed records is normalized page by page (50 at a time)
 * until `count` records have gone through, as the functions do: a page is
 * parsed, normalized and dropped. (Holding 200k raw records alive instead
 * measures old-generation GC, not normalization.)
 */
export function benchNormalize(count = 1_000_000, rounds = 5) {
  const generated = generateCallRecords({ instanceId: 'bench', seed: 42, from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 8), count: 10_000 });
  // Through the same parser pop-core uses, so numbers and big GroupIds look exactly as in production.
  const raw = JSONbig.parse(JSON.stringify(generated).replace(/"GroupId":"(\d+)"/g, '"GroupId":$1')) as unknown[];
  const options = { instanceId: 'ccc_xp_pre-cn-bench', sourceTimeZone: 'Asia/Shanghai' };
  normalizeRecords(raw, options);
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    // Page-sized batches, as the functions call it.
    for (let done = 0; done < count; done += 50) {
      const offset = done % raw.length;
      normalizeRecords(raw.slice(offset, offset + 50), options);
    }
    rates.push(count / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { count, rounds, medianPerSecond: rates[Math.floor(rounds / 2)] as number, bestPerSecond: rates[rounds - 1] as number };
}

export function formatNormalize(r: ReturnType<typeof benchNormalize>): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return `| normalization, ${fmt(r.count)} records × ${r.rounds} rounds, one core | median **${fmt(r.medianPerSecond)} records/s** (target ≥ 200,000) | best ${fmt(r.bestPerSecond)} records/s |`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatNormalize(benchNormalize()));
}
