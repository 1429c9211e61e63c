import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFunctionConfig } from '../../dev/stack/function-config';

const dir = mkdtempSync(join(tmpdir(), 'stack-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An s.yaml with one `export` resource whose props are `props` (YAML text, indented under props). */
function anSYaml(props: string): string {
  const path = join(dir, `s-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    `edition: 3.0.0\nname: t\nvars:\n  region: \${env('R', 'cn-hangzhou')}\nresources:\n  export:\n    component: fc3\n    props:\n      region: \${vars.region}\n      functionName: fn-export\n${props}`,
  );
  return path;
}

describe('readFunctionConfig', () => {
  it('reads timeout, memory, reservedConcurrency and maxAsyncRetryAttempts', () => {
    const path = anSYaml(
      '      timeout: 900\n      memorySize: 1024\n      concurrencyConfig:\n        reservedConcurrency: 3\n      asyncInvokeConfig:\n        maxAsyncRetryAttempts: 2\n',
    );
    expect(readFunctionConfig(path, 'export')).toEqual({
      functionName: 'fn-export',
      timeoutSeconds: 900,
      memoryMb: 1024,
      reservedConcurrency: 3,
      maxAsyncRetryAttempts: 2,
    });
  });

  it("falls back to FC's defaults: no concurrency limit, 3 async retries", () => {
    expect(readFunctionConfig(anSYaml(''), 'export')).toEqual({
      functionName: 'fn-export',
      timeoutSeconds: undefined,
      memoryMb: undefined,
      reservedConcurrency: undefined,
      maxAsyncRetryAttempts: 3,
    });
  });

  it.each([
    ['      asyncInvokeConfig:\n        maxAsyncRetryAttempts: 9\n', 'asyncInvokeConfig.maxAsyncRetryAttempts'],
    ['      concurrencyConfig:\n        reservedConcurrency: 0\n', 'concurrencyConfig.reservedConcurrency'],
  ])('names the key of a bad value', (props, key) => {
    expect(() => readFunctionConfig(anSYaml(props), 'export')).toThrow(key);
  });

  it('names the resources there are when one is missing', () => {
    expect(() => readFunctionConfig(anSYaml(''), 'query')).toThrow('has no resource `query`; it has: export');
  });

  it("reads the project's own s.yaml for both functions", () => {
    const root = join(import.meta.dirname, '..', '..', 's.yaml');
    expect(readFunctionConfig(root, 'export').functionName).toBe('aiccs-call-records-export');
    expect(readFunctionConfig(root, 'query').functionName).toBe('aiccs-call-records-query');
  });
});
