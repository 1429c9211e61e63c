import { createPopHotlineApi, type HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { createClientCache } from '../adapters/client-cache';
import { loadQueryConfig, type QueryConfig } from '../config/env';
import { ConfigError } from '../errors';
import { createFcHttpHandler, type HttpApp } from '../fc/http-adapter';
import { toProblemResponse } from '../http/problem';
import { createLogger, type Logger } from '../log/logger';
import { createQueryApp } from './query-app';

export interface QueryFunctionOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => number;
}

/**
 * Wires the query function for FC: config validated once (at cold start),
 * AICCS clients cached per credential set across warm invocations.
 * A bad config does not crash the instance: every request answers a
 * problem naming the variable, and the log says the same.
 */
export function createQueryFunction(options: QueryFunctionOptions = {}) {
  const env = options.env ?? process.env;
  let app: HttpApp;
  try {
    const config = loadQueryConfig(env);
    const logger = options.logger ?? createLogger({ service: 'aiccs-query', level: config.logLevel });
    app = createQueryApp({ config, apiFor: createApiCache(config).get, logger, ...(options.now ? { now: options.now } : {}) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const logger = options.logger ?? createLogger({ service: 'aiccs-query' });
    logger.error('invalid configuration', { code: error.code, variable: error.variable, detail: error.detail });
    app = async (_request, invocation) => toProblemResponse(error, invocation.requestId);
  }
  return createFcHttpHandler(app, options.now);
}

export function createApiCache(config: QueryConfig) {
  return createClientCache<HotlineSessionApi>((credentials) =>
    createPopHotlineApi({ endpoint: config.endpoint, credentials, timeoutMs: config.timeoutMs, maxAttempts: config.maxAttempts }),
  );
}
