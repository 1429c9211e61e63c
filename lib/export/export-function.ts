import { randomUUID } from 'node:crypto';
import { createPopHotlineApi, type HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { createClientCache } from '../adapters/client-cache';
import { createOssStore, type ObjectStore } from '../adapters/oss/object-store';
import { createDefaultChainProvider, type Credentials } from '../credentials/credentials';
import { ConfigError } from '../errors';
import { loadAtColdStart } from '../fc/cold-start';
import type { Deadline } from '../fc/deadline';
import type { FcContext } from '../fc/types';
import { createFcEventHandler, type EventInvocation } from '../fc/event-adapter';
import { createRateLimiter } from '../flow/rate-limiter';
import { createLogger, type Logger } from '../log/logger';
import { createAcs3Invoker } from '../sdk/acs3-invoker';
import { buildCallRecordsClient } from '../sdk/client-core';
import { loadExportConfig, type ExportConfig } from './config';
import { parseExportEvent } from './events';
import { childEvent, fanOutRanges, type BackfillDispatcher, type FanOutSummary } from './fan-out';
import { claimPrefixFormat } from './prefix-schema';
import { runExport } from './run-export';
import type { ExportSummary, HourProgress } from './types';
import { isoUtc, widenToHours } from './windows';

export interface ExportFunctionOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => number;
  /** Replaces the OSS adapter (tests, alternative stores). */
  storeFor?: (credentials: Credentials, config: ExportConfig, until: Deadline) => ObjectStore;
  /** Progress after each durable hour (the local CLI draws its progress bar from it). */
  onHourDone?: (progress: HourProgress) => void;
  /** How long backfills reach the export function again (default: the SDK's lean invoke transport). */
  dispatcherFor?: (invocation: EventInvocation, config: ExportConfig) => BackfillDispatcher;
}

/** Fan-out through the project's own SDK: an async invocation of this very function, with the invocation's credentials. */
function defaultDispatcher(invocation: EventInvocation, config: ExportConfig): BackfillDispatcher {
  const functionName = config.fanOut.functionName ?? invocation.location.functionName;
  const { accountId, region } = invocation.location;
  if (!functionName || !accountId || !region) {
    throw new ConfigError(
      'EXPORT_FUNCTION_NAME',
      'fan-out needs the export function name (this variable, or context.function.name on FC), context.accountId and context.region',
    );
  }
  // The lean transport: the SDK one would add ≈ 800 KB to this bundle for one call.
  const client = buildCallRecordsClient(
    {
      functionName,
      exportFunctionName: functionName,
      region,
      accountId,
      ...(invocation.credentialsInput ? { credentials: invocation.credentialsInput } : {}),
      ...(config.fanOut.invokeEndpoint ? { endpoint: config.fanOut.invokeEndpoint } : {}),
    },
    (settings) => createAcs3Invoker(settings),
  );
  return {
    async dispatch(event) {
      const { requestId } = await client.exportRange(event);
      return { requestId };
    },
  };
}

/**
 * The export function for FC: config read at cold start (a bad one fails
 * every invocation with the ConfigError, see lib/fc/cold-start.ts), AICCS
 * clients cached per credential set, an OSS client per invocation (STS
 * tokens rotate), one rate limiter per run.
 */
export function createExportFunction(options: ExportFunctionOptions = {}) {
  const loaded = loadAtColdStart(() => loadExportConfig(options.env ?? process.env), 'aiccs-export', options.logger);
  if (!loaded.ok) {
    const { error } = loaded;
    return async (_event: Buffer, _context: FcContext): Promise<ExportSummary | FanOutSummary> => {
      throw error;
    };
  }
  return createFcEventHandler(createExportApp(loaded.config, options), options.now);
}

/** The export core behind the FC adapter: one event in, a run (or fan-out) summary out. */
function createExportApp(config: ExportConfig, options: ExportFunctionOptions) {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ service: 'aiccs-export', level: config.logLevel });
  // One default chain per instance, like the cached clients: it keeps its session between warm invocations.
  let defaultChain: ReturnType<typeof createDefaultChainProvider> | undefined;
  const apis = createClientCache<HotlineSessionApi>((credentials) =>
    createPopHotlineApi({ endpoint: config.endpoint, credentials, timeoutMs: config.timeoutMs, maxAttempts: config.maxAttempts, now }),
  );

  return async (event: Buffer, invocation: EventInvocation): Promise<ExportSummary | FanOutSummary> => {
    const log = logger.child({ request_id: invocation.requestId });
    // Fails fast on a bad event: nothing is read or written before this.
    const request = parseExportEvent(event, config.instanceIds);
    const credentials = invocation.credentials ?? (await (defaultChain ??= createDefaultChainProvider()).getCredentials());
    const store =
      options.storeFor?.(credentials, config, invocation.storeDeadline) ??
      createOssStore({
        region: config.oss.region,
        bucket: config.oss.bucket,
        endpoint: config.oss.endpoint,
        credentials,
        deadline: () => invocation.storeDeadline.at,
        signal: invocation.storeDeadline.signal,
        now,
      });
    const runId = `${new Date(invocation.startedAt).toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;
    log.info('export started', { run_id: runId, mode: request.mode, retry_count: invocation.retryCount });

    const parallelism = config.fanOut.parallelism;
    if (request.mode === 'backfill' && request.parentRunId === undefined) {
      const window = widenToHours(request.range);
      if (window.to - window.from > config.fanOut.thresholdHours * 3_600_000) {
        // A format conflict fails here, once, instead of in every child.
        await claimPrefixFormat(request.format ?? config.settings.format, { store, settings: config.settings, now, logger: log });
        // Function Compute runs the ranges in parallel; each is idempotent on its own and uses a share of the budget.
        const dispatcher = (options.dispatcherFor ?? defaultDispatcher)(invocation, config);
        const dispatched: FanOutSummary['dispatched'] = [];
        for (const range of fanOutRanges(window, config.fanOut.thresholdHours)) {
          const { requestId } = await dispatcher.dispatch(childEvent(request.instanceId, range, request.format, runId));
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
      api: apis.get(invocation.credentials),
      store,
      limiter: createRateLimiter({ ratePerSecond: qps }),
      qps,
      settings: config.settings,
      logger: log.child({ run_id: runId }),
      runId,
      deadline: invocation.deadline.at,
      now,
      ...(options.onHourDone ? { onHourDone: options.onHourDone } : {}),
    });
  };
}
