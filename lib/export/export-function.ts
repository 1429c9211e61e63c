import { randomUUID } from 'node:crypto';
import { createAcs3Invoker } from '../client/acs3-invoker';
import { buildCallRecordsClient } from '../client/client-core';
import { createPopHotlineApi, type HotlineSessionApi } from '../clients/aiccs';
import { createClientCache } from '../clients/client-cache';
import { createDefaultChainProvider, credentialsFromContext, type Credentials } from '../clients/credentials';
import { createOssStore, type ObjectStore } from '../clients/oss';
import type { FcContext } from '../fc/types';
import { createLogger, type Logger } from '../log';
import { createRateLimiter } from '../rate-limiter';
import { loadExportConfig, type ExportConfig } from './config';
import { parseExportEvent } from './events';
import { fanOutRanges, toPayload, type BackfillDispatcher, type FanOutSummary } from './fan-out';
import { runExport, type ExportSummary, type HourProgress } from './run-export';
import { isoUtc, widenToHours } from './windows';

export interface ExportFunctionOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => number;
  /** Replaces the OSS adapter (tests, alternative stores). */
  storeFor?: (credentials: Credentials, config: ExportConfig, deadline: number) => ObjectStore;
  /** Progress after each durable hour (the local CLI draws its progress bar from it). */
  onHourDone?: (progress: HourProgress) => void;
  /** How long backfills reach the export function again (default: the FC invoke client). */
  dispatcherFor?: (context: FcContext, config: ExportConfig) => BackfillDispatcher;
}

/** Fan-out through the project's own FC client: an async invocation of this very function, with the invocation's credentials. */
function defaultDispatcher(context: FcContext, config: ExportConfig): BackfillDispatcher {
  const functionName = config.fanOut.functionName ?? context.function?.name;
  if (!functionName || !context.accountId || !context.region) {
    throw new Error('Fan-out needs the export function name (EXPORT_FUNCTION_NAME or context.function.name), context.accountId and context.region');
  }
  // The lean transport: the SDK one would add ≈ 800 KB to this bundle for one call.
  const client = buildCallRecordsClient(
    {
      functionName,
      exportFunctionName: functionName,
      region: context.region,
      accountId: context.accountId,
      ...(context.credentials ? { credentials: context.credentials } : {}),
      ...(config.fanOut.invokeEndpoint ? { endpoint: config.fanOut.invokeEndpoint } : {}),
    },
    (settings) => createAcs3Invoker(settings),
  );
  return {
    async dispatch(payload) {
      const { requestId } = await client.exportRange(payload);
      return { requestId };
    },
  };
}

/** Time kept back from FC's timeout for the summary and a clean exit. */
export const EXPORT_DEADLINE_MARGIN_MS = 15_000;

/**
 * Wires the export function for FC: config validated at cold start (a bad
 * one throws on every invocation, naming the variable), AICCS clients
 * cached per credential set, an OSS client per invocation (STS tokens
 * rotate), one rate limiter per run.
 */
export function createExportFunction(options: ExportFunctionOptions = {}) {
  const now = options.now ?? Date.now;
  const config = loadExportConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger({ service: 'aiccs-export', level: config.logLevel });
  // One default chain per instance, like the cached clients: it keeps its session between warm invocations.
  let defaultChain: ReturnType<typeof createDefaultChainProvider> | undefined;
  const apis = createClientCache<HotlineSessionApi>((credentials) =>
    createPopHotlineApi({ endpoint: config.endpoint, credentials, timeoutMs: config.timeoutMs, maxAttempts: config.maxAttempts, now }),
  );

  return async (event: Buffer, context: FcContext): Promise<ExportSummary | FanOutSummary> => {
    const started = now();
    const timeoutSeconds = context.function?.timeout && context.function.timeout > 0 ? context.function.timeout : 900;
    const deadline = started + timeoutSeconds * 1000 - EXPORT_DEADLINE_MARGIN_MS;
    // OSS calls may use the margin: publishing a manifest, advancing the watermark or releasing a lease must not fail for lack of a retry.
    const hardDeadline = started + timeoutSeconds * 1000 - 2_000;
    const log = logger.child({ request_id: context.requestId });
    // Fails fast on a bad event: nothing is read or written before this.
    const request = parseExportEvent(Buffer.isBuffer(event) ? event : Buffer.from(String(event)), config.instanceIds);
    const contextCredentials = credentialsFromContext(context.credentials);
    const credentials = contextCredentials ?? (await (defaultChain ??= createDefaultChainProvider()).getCredentials());
    const store =
      options.storeFor?.(credentials, config, hardDeadline) ??
      createOssStore({ region: config.ossRegion, bucket: config.ossBucket, endpoint: config.ossEndpoint, credentials, deadline: () => hardDeadline, now });
    const runId = `${new Date(started).toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;
    log.info('export started', { run_id: runId, mode: request.mode, retry_count: context.retryCount ?? 0 });

    const parallelism = config.fanOut.parallelism;
    if (request.mode === 'backfill' && request.parentRunId === undefined) {
      const window = widenToHours(request.range);
      if (window.to - window.from > config.fanOut.thresholdHours * 3_600_000) {
        // Function Compute runs the ranges in parallel; each is idempotent on its own and uses a share of the budget.
        const dispatcher = (options.dispatcherFor ?? defaultDispatcher)(context, config);
        const dispatched: FanOutSummary['dispatched'] = [];
        for (const range of fanOutRanges(window, config.fanOut.thresholdHours)) {
          const { requestId } = await dispatcher.dispatch(toPayload(request.instanceId, range, request.format, runId));
          dispatched.push({ from: isoUtc(range.from), to: isoUtc(range.to), requestId });
        }
        const summary: FanOutSummary = {
          runId,
          mode: 'fan-out',
          status: 'dispatched',
          instanceId: request.instanceId,
          window: { from: isoUtc(window.from), to: isoUtc(window.to) },
          parallelism,
          qpsPerRange: config.qps / parallelism,
          dispatched,
        };
        log.info('export fanned out', { run_id: runId, summary });
        return summary;
      }
    }
    // A fanned-out range shares the account's budget with its siblings.
    const qps = request.mode === 'backfill' && request.parentRunId !== undefined ? config.qps / parallelism : config.qps;
    return runExport(request, {
      api: apis.get(contextCredentials),
      store,
      limiter: createRateLimiter({ ratePerSecond: qps }),
      qps,
      settings: config.settings,
      logger: log.child({ run_id: runId }),
      runId,
      deadline,
      now,
      ...(options.onHourDone ? { onHourDone: options.onHourDone } : {}),
    });
  };
}
