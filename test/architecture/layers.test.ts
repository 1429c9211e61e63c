import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import direction in lib/ (ARCHITECTURE.md): each folder may import
 * only the folders listed for it. A lower layer importing a higher one fails
 * here, naming the file and the import.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  contracts: ['errors'],
  credentials: [],
  log: [],
  flow: ['errors'],
  records: ['contracts'],
  config: ['contracts', 'errors', 'log', 'records'],
  adapters: ['contracts', 'credentials', 'errors', 'flow', 'records'],
  http: ['contracts', 'credentials', 'errors'],
  sdk: ['contracts', 'credentials', 'errors'],
  fc: ['credentials', 'errors', 'flow', 'http', 'log'],
  query: ['adapters', 'config', 'contracts', 'credentials', 'errors', 'fc', 'flow', 'http', 'log', 'records'],
  export: ['adapters', 'config', 'contracts', 'credentials', 'errors', 'fc', 'flow', 'log', 'records', 'sdk'],
  types: [],
};

const lib = new URL('../../lib/', import.meta.url).pathname;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

const folderOf = (path: string) => relative(lib, path).split('/')[0] ?? '';

describe('lib/ layers', () => {
  it('has a rule for every folder', () => {
    const folders = readdirSync(lib, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !(folder in ALLOWED))).toStrictEqual([]);
  });

  it('imports only downwards', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(lib)) {
      const from = folderOf(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = folderOf(resolve(dirname(file), match[1] ?? ''));
        if (to !== from && !(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(lib, file)} imports ${match[1]} (${from} -> ${to})`);
      }
    }
    expect(violations).toStrictEqual([]);
  });
});
