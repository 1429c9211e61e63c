import { randomUUID } from 'node:crypto';
import { createPopHotlineApi, type HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import { createClientCache } from '../adapters/client-cache';
import { createOssStore, type ObjectStore } from '../adapters/oss/object-store';
import { createDefaultChainProvider, type Credentials } from '../credentials/credentials';
import { loadAtColdStart } from '../fc/cold-start';
import type { Deadline } from '../fc/deadline';
import type { FcContext } from '../fc/types';
import { createFcEventHandler, type EventInvocation } from '../fc/event-adapter';
import { createRateLimiter } from '../flow/rate-limiter';
import { BATCH_RETRY } from '../adapters/aiccs/retry-policy';
import type { JobStatus } from '../contracts/export-job';
import { createOutageTracker, type OutageTracker } from '../flow/outage';
import { createLogger, type Logger } from '../log/logger';
import { loadExportConfig, type ExportConfig } from './config';
import { parseExportEvent, parseJobAction } from './events';
import { createFcJobDispatcher, type JobDispatcher } from './jobs/dispatch';
import { jobAction, runDispatchedRange, startJob, type JobFanOutSummary, type JobRangeSummary, type JobRunDeps } from './jobs/run-job';
import { claimPrefixFormat } from './prefix-schema';
import { runExport } from './run-export';
import type { ExportSummary, HourProgress, JobHooks } from './types';

/** What one invocation of the export function answers. */
export type ExportResult = ExportSummary | JobRangeSummary | JobFanOutSummary | JobStatus;

/** Patient retries report to the run's outage tracker. */
const withOutage = (api: HotlineSessionApi, outage: OutageTracker): HotlineSessionApi => ({
  queryPage: (params, options) => api.queryPage(params, { ...options, outage }),
});

export interface ExportFunctionOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => number;
  /** Replaces the OSS adapter (tests, alternative stores). */
  storeFor?: (credentials: Credentials, config: ExportConfig, until: Deadline) => ObjectStore;
  /** Progress after each durable hour (the local CLI draws its progress bar from it). */
  onHourDone?: (progress: HourProgress) => void;
  /** How jobs reach the export function again (default: FC 3.0 async tasks over the lean signed transport). */
  dispatcherFor?: (invocation: EventInvocation, config: ExportConfig) => JobDispatcher;
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
    return async (_event: Buffer, _context: FcContext): Promise<ExportResult> => {
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
    createPopHotlineApi({ endpoint: config.endpoint, credentials, timeoutMs: config.timeoutMs, ...BATCH_RETRY, now }),
  );

  return async (event: Buffer, invocation: EventInvocation): Promise<ExportResult> => {
    const log = logger.child({ request_id: invocation.requestId });
    // Fails fast on a bad event: nothing is read or written before this.
    const action = parseJobAction(event);
    if (!action) parseExportEvent(event, config.instanceIds);

    const credentials = invocation.credentials ?? (await (defaultChain ??= createDefaultChainProvider()).getCredentials());
    const store =
      options.storeFor?.(credentials, config, invocation.storeDeadline) ??
      createOssStore({
        region: config.oss.region,
        bucket: config.oss.bucket,
        endpoint: config.oss.endpoint,
        credentials,
        // Patient like the AICCS calls: bounded by the deadline, not by a count.
        maxAttempts: BATCH_RETRY.maxAttempts,
        deadline: () => invocation.storeDeadline.at,
        signal: invocation.storeDeadline.signal,
        now,
      });
    if (action) return jobAction(action, { store, config, now, logger: log });
    const request = parseExportEvent(event, config.instanceIds);
    const runId = `${new Date(invocation.startedAt).toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;
    log.info('export started', { run_id: runId, mode: request.mode, retry_count: invocation.retryCount });
    const outage = createOutageTracker({ maxOutageMs: config.maxOutageMs, now });
    const run = (qps: number, extra: { logger: Logger; job?: JobHooks; onHourDone?: (progress: HourProgress) => void }) =>
      ({
        api: withOutage(apis.get(invocation.credentials), outage),
        store,
        limiter: createRateLimiter({ ratePerSecond: qps }),
        qps,
        settings: config.settings,
        logger: extra.logger.child({ run_id: runId }),
        runId,
        deadline: invocation.deadline.at,
        now,
        outage,
        ...(extra.job ? { job: extra.job } : {}),
        ...(extra.onHourDone || options.onHourDone
          ? {
              onHourDone: (progress: HourProgress) => {
                extra.onHourDone?.(progress);
                options.onHourDone?.(progress);
              },
            }
          : {}),
      }) as const;

    if (request.mode === 'backfill' && request.parentRunId === undefined) {
      const jobDeps: JobRunDeps = {
        config,
        store,
        requestId: invocation.requestId,
        logger: log,
        now,
        outage,
        dispatcher: () => (options.dispatcherFor ?? createFcJobDispatcher)(invocation, config),
        runRange: (rangeRequest, range) => runExport(rangeRequest, run(range.qps, range)),
      };
      if (request.job?.rangeIndex !== undefined) return runDispatchedRange(request, jobDeps);
      // A format conflict fails here, once, before a job is recorded or a range dispatched.
      await claimPrefixFormat(request.format ?? config.settings.format, { store, settings: config.settings, now, logger: log });
      return startJob(request, jobDeps);
    }
    // A timer run, or a range fanned out by an older version (parentRunId): it shares the account's budget with its siblings.
    const qps = request.mode === 'backfill' ? config.qps / config.fanOut.parallelism : config.qps;
    return runExport(request, run(qps, { logger: log }));
  };
}
