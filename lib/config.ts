import { z } from 'zod';
import { ConfigError } from './errors';
import type { LogLevel } from './log';
import type { PhoneMaskingOptions } from './records/phone-masking';

/** AICCS instance ids end up in API calls, logs and OSS keys: a strict character set keeps them inert. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** An optional integer env var in [min, max], with a default. */
export const intInRange = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `expected an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    )
    .optional()
    .transform((value) => value ?? fallback);

const timeZone = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || 'Asia/Shanghai')
  .refine(isValidTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai' });

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const instanceIdList = z
  .string({ message: 'is required: a comma-separated list of AICCS instance ids' })
  .transform((value) =>
    value
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length > 0),
  )
  .pipe(
    z
      .array(z.string().regex(INSTANCE_ID_PATTERN, { message: 'each instance id may hold letters, digits, "_", "." and "-" (at most 64)' }))
      .min(1, { message: 'is required: a comma-separated list of AICCS instance ids' }),
  );

/** Settings shared by every function that calls AICCS. */
export const AiccsEnvSchema = z.object({
  AICCS_ENDPOINT: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || 'https://aiccs.aliyuncs.com')
    .refine((value) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(value), { message: 'expected an http(s) origin such as https://aiccs.aliyuncs.com' }),
  SOURCE_TIMEZONE: timeZone,
  AICCS_TIMEOUT_MS: intInRange(1_000, 120_000, 10_000),
  AICCS_MAX_ATTEMPTS: intInRange(1, 10, 4),
  // The API doc's description says epoch milliseconds while its examples show seconds (UNCONFIRMED).
  AICCS_TIME_UNIT: z
    .enum(['ms', 's'])
    .optional()
    .transform((value) => value ?? 'ms'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'])
    .optional()
    .transform((value): LogLevel => value ?? 'info'),
  PHONE_MASKING: z
    .enum(['none', 'mask', 'hash'])
    .optional()
    .transform((value) => value ?? 'none'),
  PHONE_HASH_KEY: z.string().min(16, { message: 'expected at least 16 characters (an HMAC key)' }).optional(),
});

export const QueryEnvSchema = AiccsEnvSchema.extend({
  AICCS_INSTANCE_IDS: instanceIdList,
  QUERY_CONCURRENCY: intInRange(1, 16, 4),
});

export type AiccsConfig = {
  phoneMasking: PhoneMaskingOptions;
  endpoint: string;
  sourceTimeZone: string;
  timeoutMs: number;
  maxAttempts: number;
  timeUnit: 'ms' | 's';
  logLevel: LogLevel;
};

export type QueryConfig = AiccsConfig & {
  instanceIds: readonly string[];
  concurrency: number;
};

/**
 * Validates the query function's environment once (at cold start).
 * @throws ConfigError naming the first bad variable; its value is never echoed.
 */
export function loadQueryConfig(env: Record<string, string | undefined> = process.env): QueryConfig {
  const env_ = parseEnv(QueryEnvSchema, env);
  return Object.freeze({
    ...toAiccsConfig(env_),
    instanceIds: Object.freeze([...env_.AICCS_INSTANCE_IDS]),
    concurrency: env_.QUERY_CONCURRENCY,
  });
}

export function toAiccsConfig(env: z.output<typeof AiccsEnvSchema>): AiccsConfig {
  if (env.PHONE_MASKING === 'hash' && !env.PHONE_HASH_KEY) throw new ConfigError('PHONE_HASH_KEY', 'is required when PHONE_MASKING=hash');
  return {
    phoneMasking: { mode: env.PHONE_MASKING, hashKey: env.PHONE_HASH_KEY },
    endpoint: env.AICCS_ENDPOINT.replace(/\/$/, ''),
    sourceTimeZone: env.SOURCE_TIMEZONE,
    timeoutMs: env.AICCS_TIMEOUT_MS,
    maxAttempts: env.AICCS_MAX_ATTEMPTS,
    timeUnit: env.AICCS_TIME_UNIT,
    logLevel: env.LOG_LEVEL,
  };
}

/** Parses env with `schema`; empty strings count as unset. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  throw new ConfigError(variable, issue?.message ?? 'is invalid');
}
