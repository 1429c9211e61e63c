// Bundles each function into dist/<function>/index.js: CommonJS for FC's
// nodejs20 runtime, handler `index.handler`, minified with a source map.
import { build } from 'esbuild';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** FC code packages stay small and cold starts fast: every bundle must fit this (unzipped). */
const BUDGET_BYTES = 1.5 * 1024 * 1024;
const functionsDir = join(root, 'functions');
const outRoot = join(root, 'dist');
const names = (await readdir(functionsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

await rm(outRoot, { recursive: true, force: true });
const overBudget = [];
for (const name of names) {
  const outfile = join(outRoot, name, 'index.js');
  const result = await build({
    metafile: true,
    entryPoints: [join(functionsDir, name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    // ali-oss's urllib has an optional require('proxy-agent') that is never installed.
    external: ['proxy-agent'],
    alias: { 'iconv-lite': join(root, 'scripts', 'shims', 'iconv-lite.cjs') },
    logLevel: 'warning',
  });
  // The local stack and the tests must never ship.
  const leaked = Object.keys(result.metafile.inputs).filter((input) => /^(dev|test|bench)\//.test(input));
  if (leaked.length > 0) overBudget.push(`dist/${name}/index.js bundles development code: ${leaked.join(', ')}`);
  const { size } = await stat(outfile);
  console.log(`dist/${name}/index.js  ${(size / 1024).toFixed(0)} KiB (budget ${(BUDGET_BYTES / 1024).toFixed(0)} KiB)`);
  if (size > BUDGET_BYTES) overBudget.push(`dist/${name}/index.js is ${size} bytes, over the ${BUDGET_BYTES}-byte budget by ${size - BUDGET_BYTES}`);
}
// The repo is "type": "module"; this keeps the CommonJS bundles loadable from inside it (FC deploys only dist/<function>).
await mkdir(outRoot, { recursive: true });
await writeFile(join(outRoot, 'package.json'), '{ "type": "commonjs" }\n');
if (overBudget.length > 0) {
  console.error(`Bundle check failed:\n  ${overBudget.join('\n  ')}`);
  process.exit(1);
}
