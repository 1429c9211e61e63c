/**
 * Cold start of the query function: a fresh process requires the handler
 * and serves its first query (50 records from the emulator). The esbuild
 * bundle (what FC runs) side by side with the same code loading its
 * dependencies from node_modules, alternating, 15 runs each.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, createDemoStore, startAiccsEmulator } from '../dev/aiccs';
import { buildFunction, functionEntry } from '../scripts/build.mjs';
import { percentile } from './stats';

const root = new URL('..', import.meta.url).pathname;
// Async: the emulator serving the child lives in this process's event loop.
const run = promisify(execFile);
const out = join(root, '.tmp', 'cold-start');

export async function benchColdStart(runs = 15) {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}');
  await buildFunction({ entry: functionEntry('query'), outfile: join(out, 'bundled.js') });
  // Our code in one file, every package required from node_modules at run time.
  await buildFunction({ entry: functionEntry('query'), outfile: join(root, '.tmp', 'cold-start-unbundled.cjs'), minify: false, packages: 'external' });
  const emulator = await startAiccsEmulator({ store: createDemoStore(Date.UTC(2026, 10, 24)), credentials: [{ ...DEMO_CREDENTIALS }], qps: 100_000 });
  try {
    const variants = { bundle: join(out, 'bundled.js'), node_modules: join(root, '.tmp', 'cold-start-unbundled.cjs') };
    const samples: Record<string, Array<{ require: number; firstRequest: number; total: number }>> = { bundle: [], node_modules: [] };
    for (let i = 0; i < runs; i++) {
      for (const [name, file] of Object.entries(variants)) {
        const { stdout } = await run(
          process.execPath,
          [join(root, 'bench', 'cold-start-child.cjs'), file, emulator.url, DEMO_INSTANCE_ID, JSON.stringify(DEMO_CREDENTIALS)],
          { encoding: 'utf8' },
        );
        const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { status: number; require: number; firstRequest: number; total: number };
        if (result.status !== 200) throw new Error(`${name}: first request answered ${result.status}`);
        samples[name]?.push(result);
      }
    }
    const summary = (name: string) => {
      const list = samples[name] ?? [];
      return {
        require: percentile(
          list.map((s) => s.require),
          50,
        ),
        firstRequest: percentile(
          list.map((s) => s.firstRequest),
          50,
        ),
        total: percentile(
          list.map((s) => s.total),
          50,
        ),
      };
    };
    return { runs, bundle: summary('bundle'), nodeModules: summary('node_modules') };
  } finally {
    await emulator.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchColdStart();
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`### Query function cold start (fresh process, median of ${r.runs} alternating runs)\n`);
  console.log('| variant | require | first request | process start → first response |\n|---|---|---|---|');
  console.log(`| esbuild bundle (dist/query) | ${f(r.bundle.require)} | ${f(r.bundle.firstRequest)} | **${f(r.bundle.total)}** |`);
  console.log(`| same code, packages from node_modules | ${f(r.nodeModules.require)} | ${f(r.nodeModules.firstRequest)} | **${f(r.nodeModules.total)}** |`);
  console.log(
    `| **bundle ÷ node_modules (require)** | **${(r.bundle.require / r.nodeModules.require).toFixed(2)}×** | | ${(r.bundle.total / r.nodeModules.total).toFixed(2)}× |`,
  );
}
