import { z } from 'zod';
import { AiccsEnvSchema, httpOrigin, instanceIdList, intInRange, parseEnv, toAiccsConfig, type AiccsClientConfig } from '../config/env';
import { ConfigError } from '../errors/config';
import type { LogLevel } from '../log/logger';
import { ExportFormatSchema } from '../contracts/export-format';
import type { ExportSettings } from './types';

/** Prefix segments use a strict character set: no `..`, no empty segments, nothing a key could be injected with. */
export const PREFIX_PATTERN = /^(?:[A-Za-z0-9_.=-]+(?:\/[A-Za-z0-9_.=-]+)*)?$/;

const prefix = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ?? 'aiccs-call-records').replace(/^\/+|\/+$/g, ''))
  .refine((value) => PREFIX_PATTERN.test(value) && !value.split('/').some((segment) => segment === '.' || segment === '..'), {
    message: 'expected path segments of letters, digits, "_", ".", "=" and "-" separated by "/" (no "." or ".." segments)',
  });

const ossRegion = z
  .string({ message: 'is required, e.g. oss-cn-hangzhou' })
  .trim()
  .regex(/^(oss-)?[a-z]{2,}-[a-z0-9-]+$/, { message: 'expected an OSS region such as oss-cn-hangzhou' })
  .transform((value) => (value.startsWith('oss-') ? value : `oss-${value}`));

export const ExportEnvSchema = AiccsEnvSchema.extend({
  EXPORT_INSTANCE_IDS: instanceIdList(),
  OSS_REGION: ossRegion,
  OSS_BUCKET: z
    .string({ message: 'is required' })
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, { message: 'expected an OSS bucket name (3–63 lower-case letters, digits, "-")' }),
  OSS_ENDPOINT: httpOrigin('https://oss-cn-hangzhou-internal.aliyuncs.com').optional(),
  EXPORT_PREFIX: prefix,
  EXPORT_FORMAT: ExportFormatSchema.optional().transform((value) => value ?? 'jsonl'),
  EXPORT_QPS: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, { message: 'expected a number of requests per second, e.g. 20' })
    .transform(Number)
    .pipe(z.number().gt(0, { message: 'expected more than 0' }))
    .optional()
    .transform((value) => value ?? 20),
  /** The account's API quota for HotlineSessionQuery (shared with the query function); raise it when Alibaba Cloud raises the quota. */
  AICCS_ACCOUNT_QPS: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, { message: "expected the account's HotlineSessionQuery quota in requests per second, e.g. 80" })
    .transform(Number)
    .pipe(z.number().gt(0, { message: 'expected more than 0' }))
    .optional()
    .transform((value) => value ?? 80),
  /** How long every AICCS request of a run may keep failing before the run stops and a continuation takes over. */
  EXPORT_MAX_OUTAGE_SECONDS: intInRange(1, 86_400, 300),
  /** Continuations one range of a job may use before the job fails. */
  EXPORT_JOB_MAX_CONTINUATIONS: intInRange(0, 1_000, 24),
  EXPORT_SETTLE_MINUTES: intInRange(0, 1440, 10),
  EXPORT_LOOKBACK_HOURS: intInRange(1, 24 * 366, 24),
  EXPORT_CONCURRENCY: intInRange(1, 64, 8),
  EXPORT_MAX_OBJECT_RECORDS: intInRange(1, 10_000_000, 200_000),
  EXPORT_MAX_OBJECT_BYTES: intInRange(1024, 5 * 1024 ** 3, 64 * 1024 ** 2),
  EXPORT_MULTIPART_THRESHOLD_BYTES: intInRange(100 * 1024, 5 * 1024 ** 3, 32 * 1024 ** 2),
  EXPORT_PART_SIZE_BYTES: intInRange(100 * 1024, 5 * 1024 ** 3, 8 * 1024 ** 2),
  EXPORT_MAX_REFETCHES: intInRange(0, 10, 3),
  EXPORT_LEASE_SECONDS: intInRange(30, 86_400, 900),
  /** Timer runs count every exported hour this far behind the watermark again (one PageSize-1 request each); 0 turns it off. */
  EXPORT_RECHECK_HOURS: intInRange(0, 24 * 31, 48),
  /** An hour is final once it ended this long ago; until then it is provisional and read once more later. 0: final at first export. */
  EXPORT_FINALIZE_AFTER_HOURS: intInRange(0, 24 * 31, 24),
  /** Backfills longer than this are split into day ranges and fanned out. */
  EXPORT_FANOUT_THRESHOLD_HOURS: intInRange(1, 24 * 366, 24),
  /** How many fanned-out ranges run at once; EXPORT_QPS is divided by it. */
  EXPORT_FANOUT_PARALLELISM: intInRange(1, 80, 3),
  /** Where fan-out invokes the export function; default https://<account>.<region>.fc.aliyuncs.com (the local stack points it at its gateway). */
  EXPORT_INVOKE_ENDPOINT: httpOrigin('https://123456789.cn-hangzhou.fc.aliyuncs.com').optional(),
  /** The export function's own name (fan-out invokes it); defaults to context.function.name. */
  EXPORT_FUNCTION_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,127}$/, { message: 'expected an FC function name' })
    .optional(),
});

/** The export function's settings, each held once: the run's own in `settings`, the AICCS client's and OSS's beside them. */
export type ExportConfig = AiccsClientConfig & {
  logLevel: LogLevel;
  instanceIds: readonly string[];
  oss: { region: string; bucket: string; endpoint: string | undefined };
  qps: number;
  /** The account's quota EXPORT_QPS must stay within. */
  accountQps: number;
  /** Patient batch retries: a run stops (and a job continues later) once every AICCS request has failed for this long. */
  maxOutageMs: number;
  maxContinuations: number;
  fanOut: { thresholdHours: number; parallelism: number; functionName: string | undefined; invokeEndpoint: string | undefined };
  settings: ExportSettings;
};

/**
 * Validates the export function's environment once, at cold start.
 * @throws ConfigError naming the first bad variable (never its value)
 */
export function loadExportConfig(env: Record<string, string | undefined> = process.env): ExportConfig {
  const parsed = parseEnv(ExportEnvSchema, env);
  if (parsed.EXPORT_QPS > parsed.AICCS_ACCOUNT_QPS) {
    throw new ConfigError(
      'EXPORT_QPS',
      `expected at most AICCS_ACCOUNT_QPS (${parsed.AICCS_ACCOUNT_QPS}), the account's quota the export shares with the query function`,
    );
  }
  const { endpoint, timeoutMs, maxAttempts, logLevel, sourceTimeZone, timeUnit, phoneMasking } = toAiccsConfig(parsed);
  return Object.freeze({
    endpoint,
    timeoutMs,
    maxAttempts,
    logLevel,
    instanceIds: Object.freeze([...parsed.EXPORT_INSTANCE_IDS]),
    oss: Object.freeze({ region: parsed.OSS_REGION, bucket: parsed.OSS_BUCKET, endpoint: parsed.OSS_ENDPOINT }),
    qps: parsed.EXPORT_QPS,
    accountQps: parsed.AICCS_ACCOUNT_QPS,
    maxOutageMs: parsed.EXPORT_MAX_OUTAGE_SECONDS * 1000,
    maxContinuations: parsed.EXPORT_JOB_MAX_CONTINUATIONS,
    fanOut: Object.freeze({
      thresholdHours: parsed.EXPORT_FANOUT_THRESHOLD_HOURS,
      parallelism: parsed.EXPORT_FANOUT_PARALLELISM,
      functionName: parsed.EXPORT_FUNCTION_NAME,
      invokeEndpoint: parsed.EXPORT_INVOKE_ENDPOINT,
    }),
    settings: Object.freeze({
      prefix: parsed.EXPORT_PREFIX,
      format: parsed.EXPORT_FORMAT,
      settleMinutes: parsed.EXPORT_SETTLE_MINUTES,
      lookbackHours: parsed.EXPORT_LOOKBACK_HOURS,
      sourceTimeZone,
      timeUnit,
      concurrency: parsed.EXPORT_CONCURRENCY,
      maxObjectRecords: parsed.EXPORT_MAX_OBJECT_RECORDS,
      maxObjectBytes: parsed.EXPORT_MAX_OBJECT_BYTES,
      multipartThresholdBytes: parsed.EXPORT_MULTIPART_THRESHOLD_BYTES,
      partSizeBytes: parsed.EXPORT_PART_SIZE_BYTES,
      maxRefetches: parsed.EXPORT_MAX_REFETCHES,
      leaseSeconds: parsed.EXPORT_LEASE_SECONDS,
      recheckHours: parsed.EXPORT_RECHECK_HOURS,
      finalizeAfterHours: parsed.EXPORT_FINALIZE_AFTER_HOURS,
      phoneMasking,
    }),
  });
}
