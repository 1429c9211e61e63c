/**
 * Backfill jobs: a job id, progress in OSS (job-store.ts), ranges run as FC
 * async tasks with at most EXPORT_FANOUT_PARALLELISM at once, continuations
 * when an invocation stops early, status and stop.
 *
 * A top-level backfill creates (or resumes) the job. One range runs in the
 * same invocation; a longer window is cut into day ranges, the first
 * `parallelism` are dispatched, and each range that ends dispatches the one
 * `parallelism` places after it (deterministic task ids make every dispatch
 * idempotent). A range that stops early (deadline, long AICCS outage, day
 * leased elsewhere) dispatches its own continuation, at most
 * EXPORT_JOB_MAX_CONTINUATIONS times. Every range skips the hours whose
 * manifest says this job published them.
 */
import { randomUUID } from 'node:crypto';
import pMap from 'p-map';
import type { ObjectStore } from '../../adapters/oss/object-store';
import type { BackfillEvent } from '../../contracts/backfill-event';
import type { JobActionEvent, JobStatus } from '../../contracts/export-job';
import { parseManifest } from '../../contracts/manifest';
import { ExportFailedError, JobConflictError } from '../../errors';
import type { OutageTracker } from '../../flow/outage';
import type { Logger } from '../../log/logger';
import type { ExportConfig } from '../config';
import { fanOutRanges, type FanOutSummary } from '../fan-out';
import { manifestKey, partitionOf } from '../object-keys';
import type { ExportRequest, ExportSummary, HourProgress, JobHooks } from '../types';
import { HOUR_MS, hourlySlices, isoUtc, widenToHours, type TimeRange } from '../windows';
import { asyncTaskId, type JobDispatcher } from './dispatch';
import { createJobStore, type JobRecord, type RangeProgress } from './job-store';

type BackfillRequest = Extract<ExportRequest, { mode: 'backfill' }>;

export interface JobRunDeps {
  config: ExportConfig;
  store: ObjectStore;
  requestId: string;
  logger: Logger;
  now: () => number;
  /** Built on first use: a job that needs no dispatch needs no function name. */
  dispatcher: () => JobDispatcher;
  /** Runs one range's hours (runExport with the job's hooks, its share of the budget and its own outage tracker). */
  runRange: (request: BackfillRequest, run: { qps: number; job: JobHooks; logger: Logger; onHourDone: (progress: HourProgress) => void }) => Promise<ExportSummary>;
  /** The run's outage tracker (a continuation after an outage is delayed). */
  outage: OutageTracker;
}

/** A range's run: the export summary with the job and what happens next. */
export type JobRangeSummary = ExportSummary & {
  jobId: string;
  job: { rangeIndex: number; continuation: number; rangeState: RangeProgress['state']; next?: 'continuation' | 'next-range' };
};

export type JobFanOutSummary = FanOutSummary & { jobId: string };

/** A job id when the caller gave none: sortable by start, unique. */
export const newJobId = (now: number) => `${new Date(now).toISOString().replace(/[-:]|\.\d{3}/g, '')}-${randomUUID().slice(0, 8)}`;

/** status / stop: answered from OSS alone. @throws JobNotFoundError */
export async function jobAction(action: JobActionEvent, deps: Pick<JobRunDeps, 'store' | 'config' | 'now' | 'logger'>): Promise<JobStatus> {
  const jobs = createJobStore(deps.store, deps.config.settings.prefix, action.jobId);
  if (action.action === 'stop') {
    await jobs.read();
    await jobs.requestStop(await jobs.latestGeneration(), deps.now());
    deps.logger.info('export job stop requested', { job_id: action.jobId });
  }
  return jobs.status();
}

/** A top-level backfill: create or resume the job, then run its one range here or dispatch the first ranges. */
export async function startJob(request: BackfillRequest, deps: JobRunDeps): Promise<JobRangeSummary | JobFanOutSummary> {
  const { config, now } = deps;
  const jobId = request.job?.jobId ?? newJobId(now());
  const window = widenToHours(request.range);
  const format = request.format ?? config.settings.format;
  const ranges = window.to - window.from > config.fanOut.thresholdHours * HOUR_MS ? fanOutRanges(window, config.fanOut.thresholdHours) : [window];
  const jobs = createJobStore(deps.store, config.settings.prefix, jobId);
  const record = await jobs.create({
    jobId,
    instanceId: request.instanceId,
    from: isoUtc(window.from),
    to: isoUtc(window.to),
    format,
    ranges: ranges.map((range) => ({ from: isoUtc(range.from), to: isoUtc(range.to), hours: (range.to - range.from) / HOUR_MS })),
    parallelism: Math.min(config.fanOut.parallelism, ranges.length),
    startedAt: new Date(now()).toISOString(),
  });
  if (record.instanceId !== request.instanceId || record.from !== isoUtc(window.from) || record.to !== isoUtc(window.to) || record.format !== format) {
    throw new JobConflictError(jobId, `${record.instanceId} [${record.from}, ${record.to}) as ${record.format}`);
  }
  const generation = await jobs.start(deps.requestId, now());
  const log = deps.logger.child({ job_id: jobId, instance_id: record.instanceId, window: `[${record.from}, ${record.to})` });
  log.info('export job started', { generation, ranges: record.ranges.length, parallelism: record.parallelism });
  if (record.ranges.length === 1) return runJobRange(record, { rangeIndex: 0, continuation: 0, generation }, deps);

  const dispatched: FanOutSummary['dispatched'] = [];
  for (let rangeIndex = 0; rangeIndex < record.parallelism; rangeIndex++) {
    const outcome = await dispatchRange(record, { rangeIndex, continuation: 0, generation }, deps);
    const range = record.ranges[rangeIndex] as JobRecord['ranges'][number];
    dispatched.push({ from: range.from, to: range.to, requestId: outcome.outcome === 'dispatched' ? outcome.requestId : 'already-dispatched' });
  }
  const summary: JobFanOutSummary = {
    jobId,
    runId: deps.requestId,
    mode: 'fan-out',
    status: 'dispatched',
    instanceId: record.instanceId,
    window: { from: record.from, to: record.to },
    parallelism: record.parallelism,
    qpsPerRange: config.qps / config.fanOut.parallelism,
    dispatched,
  };
  log.info('export job fanned out', { summary });
  return summary;
}

interface RangeTurn {
  rangeIndex: number;
  continuation: number;
  generation: number;
}

/** A dispatched range or continuation (the event carries the job's coordinates). */
export async function runDispatchedRange(request: BackfillRequest, deps: JobRunDeps): Promise<JobRangeSummary> {
  const job = request.job;
  const jobs = createJobStore(deps.store, deps.config.settings.prefix, job?.jobId ?? '');
  const record = await jobs.read();
  return runJobRange(record, { rangeIndex: job?.rangeIndex ?? 0, continuation: job?.continuation ?? 0, generation: job?.generation ?? 0 }, deps);
}

async function runJobRange(record: JobRecord, turn: RangeTurn, deps: JobRunDeps): Promise<JobRangeSummary> {
  const { config, now } = deps;
  const jobs = createJobStore(deps.store, config.settings.prefix, record.jobId);
  const range = record.ranges[turn.rangeIndex];
  if (!range) throw new JobConflictError(record.jobId, `${record.ranges.length} ranges, none numbered ${turn.rangeIndex}`);
  const window: TimeRange = { from: Date.parse(range.from), to: Date.parse(range.to) };
  const log = deps.logger.child({
    job_id: record.jobId,
    instance_id: record.instanceId,
    window: `[${range.from}, ${range.to})`,
    range: turn.rangeIndex,
    continuation: turn.continuation,
  });
  const published = await publishedByJob(deps.store, config.settings.prefix, record.instanceId, record.jobId, hourlySlices(window));
  const previous = turn.continuation > 0 ? await jobs.readProgress(turn.rangeIndex, turn.generation, turn.continuation - 1) : undefined;
  const before = {
    hours: published.size,
    records: [...published.values()].reduce((sum, hour) => sum + hour.records, 0),
    files: [...published.values()].reduce((sum, hour) => sum + hour.files, 0),
    retries: previous?.retries ?? 0,
    throttles: previous?.throttles ?? 0,
  };
  let live = { hours: 0, records: 0 };
  const progress = (state: RangeProgress['state'], extra: Partial<RangeProgress> = {}): RangeProgress => ({
    rangeIndex: turn.rangeIndex,
    generation: turn.generation,
    continuation: turn.continuation,
    requestId: deps.requestId,
    state,
    hoursTotal: range.hours,
    hoursDone: before.hours + live.hours,
    records: before.records + live.records,
    files: before.files,
    retries: before.retries,
    throttles: before.throttles,
    updatedAt: new Date(now()).toISOString(),
    ...extra,
  });

  let stopRequested = false;
  const hooks: JobHooks = {
    jobId: record.jobId,
    skipHours: new Set(published.keys()),
    async beforeHour() {
      await jobs.writeProgress(progress('running'));
      stopRequested = await jobs.isStopped(turn.generation);
      return stopRequested ? 'stop' : 'continue';
    },
  };
  const fannedOut = record.ranges.length > 1;
  const qps = fannedOut ? config.qps / config.fanOut.parallelism : config.qps;
  const request: BackfillRequest = { mode: 'backfill', instanceId: record.instanceId, range: window, format: record.format };

  let summary: ExportSummary;
  let failure: ExportFailedError | undefined;
  try {
    summary = await deps.runRange(request, {
      qps,
      job: hooks,
      logger: log,
      onHourDone: (hour) => {
        live = { hours: hour.hoursDone, records: hour.records };
      },
    });
  } catch (error) {
    if (!(error instanceof ExportFailedError)) throw error;
    failure = error;
    summary = error.summary as ExportSummary;
  }
  const instance = summary.instances[0];
  const totals = {
    files: before.files + (instance ? instance.objects + instance.objectsReused : 0),
    retries: before.retries + (instance?.retries ?? 0),
    throttles: before.throttles + (instance?.throttles ?? 0),
  };
  live = { hours: live.hours, records: instance?.records ?? live.records };
  const allDone = before.hours + live.hours >= range.hours;

  let rangeState: RangeProgress['state'];
  let error: string | undefined;
  let next: JobRangeSummary['job']['next'];
  if (failure) {
    rangeState = 'failed';
    error = instance?.error ?? failure.detail;
  } else if (allDone) {
    rangeState = 'succeeded';
  } else if (stopRequested || (await jobs.isStopped(turn.generation))) {
    rangeState = 'stopped';
  } else if (turn.continuation >= config.maxContinuations) {
    rangeState = 'failed';
    error = `EXPORT_FAILED: range [${range.from}, ${range.to}) still unfinished after ${config.maxContinuations} continuations (EXPORT_JOB_MAX_CONTINUATIONS); last stop: ${instance?.reason ?? 'unknown'}`;
  } else {
    rangeState = 'running';
    error = instance?.reason;
    next = 'continuation';
  }
  await jobs.writeProgress(progress(rangeState, { ...totals, ...(error ? { error } : {}) }));
  log.info('export job range ended its turn', {
    range_state: rangeState,
    hours_done: before.hours + live.hours,
    hours_total: range.hours,
    ...(error ? { reason: error } : {}),
  });

  if (next === 'continuation') {
    // After an outage, give AICCS time before trying again; after a deadline, go on at once.
    const delaySeconds = deps.outage.exceeded() ? Math.ceil(config.maxOutageMs / 1000) : instance?.reason?.includes('another run') ? 60 : 0;
    await dispatchRange(record, { ...turn, continuation: turn.continuation + 1 }, deps, delaySeconds);
  } else {
    await finishIfLast(record, turn.generation, deps);
    // Last, so this invocation holds its concurrency slot as briefly as possible once the next range starts.
    const following = turn.rangeIndex + record.parallelism;
    if (fannedOut && rangeState !== 'stopped' && following < record.ranges.length) {
      await dispatchRange(record, { rangeIndex: following, continuation: 0, generation: turn.generation }, deps);
      next = 'next-range';
    }
  }
  const result: JobRangeSummary = {
    ...summary,
    jobId: record.jobId,
    job: { rangeIndex: turn.rangeIndex, continuation: turn.continuation, rangeState, ...(next ? { next } : {}) },
  };
  if (failure) throw Object.assign(failure, { summary: result });
  return result;
}

/** The job's final state, written by the range that sees every range ended (create-only: the first writer wins). */
async function finishIfLast(record: JobRecord, generation: number, deps: JobRunDeps): Promise<void> {
  const jobs = createJobStore(deps.store, deps.config.settings.prefix, record.jobId);
  const stopped = await jobs.isStopped(generation);
  const status = await jobs.status();
  const ended = status.ranges.every((range) => range.state !== 'running' && (range.state !== 'pending' || stopped));
  if (!ended) return;
  const state = stopped ? 'stopped' : status.ranges.some((range) => range.state === 'failed') ? 'failed' : 'succeeded';
  await jobs.finish(generation, state, deps.now(), status.error);
  deps.logger.info('export job finished', { job_id: record.jobId, state, hours_done: status.hoursDone, hours_total: status.hoursTotal, records: status.records });
}

async function dispatchRange(record: JobRecord, turn: RangeTurn, deps: JobRunDeps, delaySeconds = 0) {
  const range = record.ranges[turn.rangeIndex] as JobRecord['ranges'][number];
  const event: BackfillEvent = {
    instanceId: record.instanceId,
    from: range.from,
    to: range.to,
    format: record.format,
    jobId: record.jobId,
    rangeIndex: turn.rangeIndex,
    continuation: turn.continuation,
    generation: turn.generation,
  };
  const taskId = asyncTaskId(record.jobId, turn.generation, turn.rangeIndex, turn.continuation);
  const outcome = await deps.dispatcher().dispatch(event, { taskId, ...(delaySeconds > 0 ? { delaySeconds } : {}) });
  deps.logger.info(outcome.outcome === 'duplicate' ? 'export job dispatch already done' : 'export job dispatched', {
    job_id: record.jobId,
    instance_id: record.instanceId,
    window: `[${range.from}, ${range.to})`,
    task_id: taskId,
    delay_seconds: delaySeconds,
  });
  return outcome;
}

/** Hours of `hours` whose manifest says this job published them, with their record and file counts. */
async function publishedByJob(store: ObjectStore, prefix: string, instanceId: string, jobId: string, hours: readonly TimeRange[]) {
  const found = new Map<number, { records: number; files: number }>();
  await pMap(
    hours,
    async (hour) => {
      const body = await store.get(manifestKey(prefix, instanceId, partitionOf(hour.from)));
      const manifest = body ? parseManifest(body) : undefined;
      if (manifest?.jobId === jobId) found.set(hour.from, { records: manifest.recordCount, files: manifest.files.length });
    },
    { concurrency: 8 },
  );
  return found;
}
