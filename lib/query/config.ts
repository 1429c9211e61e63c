import { AiccsEnvSchema, instanceIdList, intInRange, parseEnv, toAiccsConfig, type AiccsConfig } from '../config/env';

export const QueryEnvSchema = AiccsEnvSchema.extend({
  AICCS_INSTANCE_IDS: instanceIdList(),
  QUERY_CONCURRENCY: intInRange(1, 16, 4),
});

export type QueryConfig = AiccsConfig & {
  instanceIds: readonly string[];
  concurrency: number;
};

/**
 * Validates the query function's environment once (at cold start).
 * @throws ConfigError naming the first bad variable; its value is never echoed.
 */
export function loadQueryConfig(env: Record<string, string | undefined> = process.env): QueryConfig {
  const parsed = parseEnv(QueryEnvSchema, env);
  return Object.freeze({
    ...toAiccsConfig(parsed),
    instanceIds: Object.freeze([...parsed.AICCS_INSTANCE_IDS]),
    concurrency: parsed.QUERY_CONCURRENCY,
  });
}
