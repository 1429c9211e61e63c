import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { loadAtColdStart } from '../../lib/fc/cold-start';
import { aCapturingLogger } from '../builders/log-sink';

describe('loadAtColdStart', () => {
  it('returns the config when it loads', () => {
    expect(loadAtColdStart(() => ({ a: 1 }), 'svc')).toStrictEqual({ ok: true, config: { a: 1 } });
  });

  it('logs a ConfigError once, naming the variable but never its value, and hands it back for every invocation to fail with', () => {
    const sink = aCapturingLogger('svc');
    const loaded = loadAtColdStart(
      () => {
        throw new ConfigError('PHONE_HASH_KEY', 'expected at least 16 characters (an HMAC key)');
      },
      'svc',
      sink.logger,
    );
    expect(loaded).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', variable: 'PHONE_HASH_KEY' } });
    expect(sink.entries()).toStrictEqual([
      expect.objectContaining({ level: 'error', message: 'invalid configuration', variable: 'PHONE_HASH_KEY', code: 'CONFIG_INVALID' }),
    ]);
  });

  it('rethrows anything that is not a ConfigError (a bug, not a configuration)', () => {
    expect(() =>
      loadAtColdStart(() => {
        throw new TypeError('bug');
      }, 'svc'),
    ).toThrow(TypeError);
  });
});
