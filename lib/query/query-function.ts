import { createPopHotlineApi, type HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { createClientCache } from '../adapters/client-cache';
import { loadAtColdStart } from '../fc/cold-start';
import { createFcHttpHandler, type HttpApp } from '../fc/http-adapter';
import { toProblemResponse } from '../http/problem';
import { createLogger, type Logger } from '../log/logger';
import { loadQueryConfig, type QueryConfig } from './config';
import { createQueryApp } from './query-app';

export interface QueryFunctionOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => number;
}

/**
 * The query function for FC: config read at cold start (a bad one answers
 * every request with a 500 problem naming the variable, see
 * lib/fc/cold-start.ts), AICCS clients cached per credential set across
 * warm invocations.
 */
export function createQueryFunction(options: QueryFunctionOptions = {}) {
  const loaded = loadAtColdStart(() => loadQueryConfig(options.env ?? process.env), 'aiccs-query', options.logger);
  let app: HttpApp;
  if (loaded.ok) {
    const { config } = loaded;
    const logger = options.logger ?? createLogger({ service: 'aiccs-query', level: config.logLevel });
    app = createQueryApp({ config, apiFor: createApiCache(config).get, logger, ...(options.now ? { now: options.now } : {}) });
  } else {
    const { error } = loaded;
    app = async (_request, invocation) => toProblemResponse(error, invocation.requestId);
  }
  return createFcHttpHandler(app, options.now);
}

export function createApiCache(config: QueryConfig) {
  return createClientCache<HotlineSessionApi>((credentials) =>
    createPopHotlineApi({ endpoint: config.endpoint, credentials, timeoutMs: config.timeoutMs, maxAttempts: config.maxAttempts }),
  );
}
