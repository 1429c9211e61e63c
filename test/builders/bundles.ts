import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunction, functionEntry } from '../../scripts/build.mjs';

export interface FreshBundle {
  /** The CommonJS bundle, as `npm run build` makes it. */
  file: string;
  /** Loads the bundle in this process (a fresh module per build, so its config is read on first use). */
  load<T>(): T;
  /** Deletes the temporary folder. */
  remove(): void;
}

/** Builds a function with the project's own `buildFunction()` into a new temporary folder: tests never see a stale dist/. */
export async function buildFreshBundle(name: string): Promise<FreshBundle> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-bundle-`));
  const { outfile } = await buildFunction({ entry: functionEntry(name), outfile: join(dir, name, 'index.js') });
  return {
    file: outfile,
    load: <T>() => createRequire(import.meta.url)(outfile) as T,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
