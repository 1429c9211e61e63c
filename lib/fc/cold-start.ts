import { ConfigError } from '../errors';
import { createLogger, type Logger } from '../log/logger';

export type ColdStart<C> = { ok: true; config: C } | { ok: false; error: ConfigError };

/**
 * The one bad-config policy of both functions: the configuration is read
 * once, at cold start; a bad one does not crash the module load. It is
 * logged once, naming the variable (never its value), and every invocation
 * then fails with that ConfigError: the query function answers it as a 500
 * problem (CONFIG_INVALID), the export function throws it (FC records the
 * failed invocation and applies its retry policy).
 * Anything other than a ConfigError is a bug and is rethrown.
 */
export function loadAtColdStart<C>(load: () => C, service: string, logger?: Logger): ColdStart<C> {
  try {
    return { ok: true, config: load() };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    (logger ?? createLogger({ service })).error('invalid configuration', { code: error.code, variable: error.variable, detail: error.detail });
    return { ok: false, error };
  }
}
