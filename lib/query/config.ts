import { AiccsEnvSchema, instanceIdList, intInRange, parseEnv, toAiccsConfig, type AiccsConfig } from '../config/env';

export const QueryEnvSchema = AiccsEnvSchema.extend({
  AICCS_INSTANCE_IDS: instanceIdList(),
  QUERY_CONCURRENCY: intInRange(1, 16, 4),
  // 4 MiB by default: below what a synchronous FC response carries (UNCONFIRMED), whatever the field lengths.
  QUERY_MAX_RESPONSE_BYTES: intInRange(16_384, 33_554_432, 4_194_304),
  QUERY_MAX_UPSTREAM_CALLS: intInRange(2, 10_000, 120),
});

export type QueryConfig = AiccsConfig & {
  instanceIds: readonly string[];
  concurrency: number;
  /** No response body is longer, in any format. */
  maxResponseBytes: number;
  /** Upstream attempts (retries included) one request may make. */
  maxUpstreamCalls: number;
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
    maxResponseBytes: parsed.QUERY_MAX_RESPONSE_BYTES,
    maxUpstreamCalls: parsed.QUERY_MAX_UPSTREAM_CALLS,
  });
}
