/**
 * Environment parsing shared by both functions' config.ts (lib/query,
 * lib/export): the parsers each variable kind uses, the AICCS settings
 * both functions read, and parseEnv, which names the first bad variable.
 */
import { z } from 'zod';
import { InstanceIdSchema } from '../contracts/instance-id';
import { ConfigError } from '../errors';
import type { LogLevel } from '../log/logger';
import type { PhoneMaskingOptions } from '../records/phone-masking';

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

const HTTP_ORIGIN = /^https?:\/\/[^\s/]+\/?$/;

/** An http(s) origin (scheme, host, optional port; no path), returned without a trailing slash. */
export const httpOrigin = (example: string) =>
  z
    .string()
    .trim()
    .refine((value) => HTTP_ORIGIN.test(value), { message: `expected an http(s) origin such as ${example}` })
    .transform((value) => value.replace(/\/$/, ''));

/** A comma-separated list of AICCS instance ids (blanks ignored), at least one. */
export const instanceIdList = () =>
  z
    .string({ message: 'is required: a comma-separated list of AICCS instance ids' })
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    )
    .pipe(z.array(InstanceIdSchema).min(1, { message: 'is required: a comma-separated list of AICCS instance ids' }));

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

/** Settings shared by every function that calls AICCS. */
export const AiccsEnvSchema = z.object({
  AICCS_ENDPOINT: httpOrigin('https://aiccs.aliyuncs.com')
    .optional()
    .transform((value) => value ?? 'https://aiccs.aliyuncs.com'),
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

/** How the function reaches AICCS. */
export interface AiccsClientConfig {
  endpoint: string;
  timeoutMs: number;
  maxAttempts: number;
}

/** How records are read and shown: the API's zone and time unit, and PHONE_MASKING. */
export interface RecordConfig {
  sourceTimeZone: string;
  timeUnit: 'ms' | 's';
  phoneMasking: PhoneMaskingOptions;
}

export type AiccsConfig = AiccsClientConfig & RecordConfig & { logLevel: LogLevel };

/** @throws ConfigError when PHONE_MASKING=hash comes without PHONE_HASH_KEY */
export function toAiccsConfig(env: z.output<typeof AiccsEnvSchema>): AiccsConfig {
  if (env.PHONE_MASKING === 'hash' && !env.PHONE_HASH_KEY) throw new ConfigError('PHONE_HASH_KEY', 'is required when PHONE_MASKING=hash');
  return {
    phoneMasking: { mode: env.PHONE_MASKING, hashKey: env.PHONE_HASH_KEY },
    endpoint: env.AICCS_ENDPOINT,
    sourceTimeZone: env.SOURCE_TIMEZONE,
    timeoutMs: env.AICCS_TIMEOUT_MS,
    maxAttempts: env.AICCS_MAX_ATTEMPTS,
    timeUnit: env.AICCS_TIME_UNIT,
    logLevel: env.LOG_LEVEL,
  };
}

/**
 * Parses env with `schema`; empty strings count as unset.
 * @throws ConfigError naming the first bad variable; its value is never echoed
 */
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
