import { describe, expect, it } from 'vitest';
import { loadQueryConfig } from '../../lib/query/config';
import { ConfigError } from '../../lib/errors';

const minimal = { AICCS_INSTANCE_IDS: 'ccc_xp_pre-cn-abc123' };

describe('loadQueryConfig', () => {
  it('fills defaults', () => {
    expect(loadQueryConfig(minimal)).toStrictEqual({
      phoneMasking: { mode: 'none', hashKey: undefined },
      endpoint: 'https://aiccs.aliyuncs.com',
      sourceTimeZone: 'Asia/Shanghai',
      timeoutMs: 10_000,
      maxAttempts: 4,
      timeUnit: 'ms',
      logLevel: 'info',
      instanceIds: ['ccc_xp_pre-cn-abc123'],
      concurrency: 4,
    });
  });

  it('reads every variable', () => {
    const config = loadQueryConfig({
      AICCS_INSTANCE_IDS: ' a1 , b2,, ',
      AICCS_ENDPOINT: 'http://127.0.0.1:8080/',
      SOURCE_TIMEZONE: 'UTC',
      AICCS_TIMEOUT_MS: '5000',
      AICCS_MAX_ATTEMPTS: '2',
      AICCS_TIME_UNIT: 's',
      LOG_LEVEL: 'debug',
      QUERY_CONCURRENCY: '8',
    });
    expect(config).toMatchObject({
      instanceIds: ['a1', 'b2'],
      endpoint: 'http://127.0.0.1:8080',
      sourceTimeZone: 'UTC',
      timeoutMs: 5000,
      maxAttempts: 2,
      timeUnit: 's',
      logLevel: 'debug',
      concurrency: 8,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    { env: {}, variable: 'AICCS_INSTANCE_IDS' },
    { env: { AICCS_INSTANCE_IDS: ' , ' }, variable: 'AICCS_INSTANCE_IDS' },
    { env: { AICCS_INSTANCE_IDS: 'a/../b' }, variable: 'AICCS_INSTANCE_IDS' },
    { env: { ...minimal, AICCS_ENDPOINT: 'aiccs.aliyuncs.com' }, variable: 'AICCS_ENDPOINT' },
    { env: { ...minimal, SOURCE_TIMEZONE: 'Mars/Olympus' }, variable: 'SOURCE_TIMEZONE' },
    { env: { ...minimal, AICCS_TIMEOUT_MS: 'fast' }, variable: 'AICCS_TIMEOUT_MS' },
    { env: { ...minimal, AICCS_MAX_ATTEMPTS: '0' }, variable: 'AICCS_MAX_ATTEMPTS' },
    { env: { ...minimal, AICCS_TIME_UNIT: 'minutes' }, variable: 'AICCS_TIME_UNIT' },
    { env: { ...minimal, QUERY_CONCURRENCY: '99' }, variable: 'QUERY_CONCURRENCY' },
  ])('names $variable when it is bad', ({ env, variable }) => {
    const error = (() => {
      try {
        loadQueryConfig(env);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable, detail: expect.stringContaining(variable) });
  });

  it('never echoes the bad value', () => {
    expect(() => loadQueryConfig({ ...minimal, AICCS_ENDPOINT: 'not-a-url-SECRETISH' })).toThrow(
      expect.objectContaining({ detail: expect.not.stringContaining('SECRETISH') }),
    );
  });
});
