// Types for scripts/build.mjs, which the tests and the benchmarks import (the build itself runs as plain Node).

/** Where `npm run build` writes, and s.yaml deploys from (`./dist/<function>`). */
export declare const DIST_DIR: string;
/** Every bundle must fit this many bytes (unzipped). */
export declare const BUDGET_BYTES: number;

/** The source entry of a function: functions/<name>/index.ts. */
export declare function functionEntry(name: string): string;
/** The functions in functions/, by folder name. */
export declare function functionNames(): Promise<string[]>;

export interface BuildFunctionOptions {
  /** Absolute path of the TypeScript entry point. */
  entry: string;
  /** Absolute path of the CommonJS bundle to write. */
  outfile: string;
  /** Default true, as deployed. */
  minify?: boolean;
  /** Default false; `npm run build` writes one. */
  sourcemap?: boolean;
  /** Default 'bundle'; 'external' leaves node_modules out. */
  packages?: 'bundle' | 'external';
}

export interface BuiltFunction {
  outfile: string;
  bytes: number;
  /** Source files in the bundle, relative to the repository root. */
  inputs: string[];
}

/**
 * Bundles one entry point into a single CommonJS file exactly as FC runs it.
 * @throws esbuild's error when the entry does not compile.
 */
export declare function buildFunction(options: BuildFunctionOptions): Promise<BuiltFunction>;

/** Builds every function into `outRoot` (default dist/); returns the problems found (empty when all is well). */
export declare function buildAll(outRoot?: string, log?: (line: string) => void): Promise<string[]>;
