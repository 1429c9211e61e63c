// Bundles each function into dist/<function>/index.js: CommonJS for FC's
// nodejs20 runtime, handler `index.handler`, minified with a source map.
import { build } from 'esbuild';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const functionsDir = join(root, 'functions');
const outRoot = join(root, 'dist');
const names = (await readdir(functionsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

await rm(outRoot, { recursive: true, force: true });
for (const name of names) {
  const outfile = join(outRoot, name, 'index.js');
  await build({
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
    logLevel: 'warning',
  });
  const { size } = await stat(outfile);
  console.log(`dist/${name}/index.js  ${(size / 1024).toFixed(0)} KiB`);
}
// The repo is "type": "module"; this keeps the CommonJS bundles loadable from inside it (FC deploys only dist/<function>).
await mkdir(outRoot, { recursive: true });
await writeFile(join(outRoot, 'package.json'), '{ "type": "commonjs" }\n');
