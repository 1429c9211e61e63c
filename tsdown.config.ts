/**
 * `npm run build:sdk`: the typed client other functions install
 * (`aiccs-call-records/client`), built to JavaScript for plain Node: ESM
 * (`client.mjs`) and CommonJS (`client.cjs`), each with bundled type
 * declarations (`client.d.mts`, `client.d.cts`), into dist-sdk/. Our own
 * modules are inlined; the package's dependencies (zod, the FC and
 * credentials SDKs) stay imports, installed with the package.
 */
import { defineConfig } from 'tsdown';

/** The client's public entry: the one place its source path is named. */
const SDK_ENTRY = 'lib/sdk/index.ts';

export default defineConfig({
  entry: { client: SDK_ENTRY },
  outDir: 'dist-sdk',
  format: ['esm', 'cjs'],
  fixedExtension: true,
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  // Every package the client imports must be a declared dependency and stay an import: fail the build if one would be inlined.
  deps: { onlyBundle: [] },
});
