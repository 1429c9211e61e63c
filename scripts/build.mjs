// `npm run build`: bundles each function into dist/<function>/index.js, CommonJS for FC's
// nodejs20 runtime (handler `index.handler`), minified with a source map, and checks each
// bundle against the size budget and for development code.
// `buildFunction()` is the one way this project bundles code the way FC runs it: the build,
// the bundle tests (fresh into a temporary folder) and the benchmarks all call it.
import { build } from 'esbuild';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

/** Where `npm run build` writes, and s.yaml deploys from (`./dist/<function>`). */
export const DIST_DIR = join(root, 'dist');

/** FC code packages stay small and cold starts fast: every bundle must fit this (unzipped). */
export const BUDGET_BYTES = 1.5 * 1024 * 1024;

/** The source entry of a function: functions/<name>/index.ts. */
export function functionEntry(name) {
  return join(root, 'functions', name, 'index.ts');
}

/** The functions in functions/, by folder name. */
export async function functionNames() {
  const entries = await readdir(join(root, 'functions'), { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/**
 * Bundles one entry point into a single CommonJS file exactly as FC runs it.
 * @param {{ entry: string, outfile: string, minify?: boolean, sourcemap?: boolean, packages?: 'bundle' | 'external' }} options
 *   `packages: 'external'` leaves node_modules out (only the cold-start benchmark's comparison wants that).
 * @returns {Promise<{ outfile: string, bytes: number, inputs: string[] }>} the bundle's size and the source files in it (repo-relative).
 * @throws esbuild's error when the entry does not compile.
 */
export async function buildFunction({ entry, outfile, minify = true, sourcemap = false, packages = 'bundle' }) {
  const result = await build({
    metafile: true,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify,
    sourcemap,
    packages,
    legalComments: 'none',
    // ali-oss's urllib has an optional require('proxy-agent') that is never installed.
    external: ['proxy-agent'],
    alias: { 'iconv-lite': join(root, 'scripts', 'shims', 'iconv-lite.cjs') },
    absWorkingDir: root,
    logLevel: 'warning',
  });
  const { size } = await stat(outfile);
  return { outfile, bytes: size, inputs: Object.keys(result.metafile.inputs) };
}

/** Builds every function into `outRoot` (default dist/); returns the problems found (empty when all is well). */
export async function buildAll(outRoot = DIST_DIR, log = console.log) {
  await rm(outRoot, { recursive: true, force: true });
  const problems = [];
  for (const name of await functionNames()) {
    const { outfile, bytes, inputs } = await buildFunction({ entry: functionEntry(name), outfile: join(outRoot, name, 'index.js'), sourcemap: true });
    const label = relative(root, outfile);
    // The local stack and the tests must never ship.
    const leaked = inputs.filter((input) => /^(dev|test|bench)\//.test(input));
    if (leaked.length > 0) problems.push(`${label} bundles development code: ${leaked.join(', ')}`);
    log(`${label}  ${(bytes / 1024).toFixed(0)} KiB (budget ${(BUDGET_BYTES / 1024).toFixed(0)} KiB)`);
    if (bytes > BUDGET_BYTES) problems.push(`${label} is ${bytes} bytes, over the ${BUDGET_BYTES}-byte budget by ${bytes - BUDGET_BYTES}`);
  }
  // The repo is "type": "module"; this keeps the CommonJS bundles loadable from inside it (FC deploys only dist/<function>).
  await mkdir(outRoot, { recursive: true });
  await writeFile(join(outRoot, 'package.json'), '{ "type": "commonjs" }\n');
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problems = await buildAll();
  if (problems.length > 0) {
    console.error(`Bundle check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
