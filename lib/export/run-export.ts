import type { ExportFormat } from '../contracts/export-format';
import { ExportFailedError, toError } from '../errors';
import { signalAt } from '../flow/abort';
import { planBackfill } from './backfill';
import { createChangeFeed, type ChangeFeed, type ChangeReason } from './change-feed';
import { createDayLeases, type DayLeases } from './day-leases';
import { fetchHour } from './export-hour';
import { planIncremental } from './incremental';
import { lookBack } from './look-back';
import { partitionOf } from './object-keys';
import { createHourBudget, type InstancePlan, type Planned } from './plan';
import { claimPrefixFormat } from './prefix-schema';
import { publishHour } from './publish';
import { cleanUpStaging } from './staging';
import { summarizeRun } from './summary';
import type { ExportDeps, ExportRequest, ExportSummary, InstanceSummary, RunContext, Timing } from './types';
import { isoUtc } from './windows';

/** Slack kept for the manifest, watermark and summary after the last hour; and the least time an hour is assumed to need. */
const DEFAULT_TIMING: Timing = { minHourBudgetMs: 10_000, finishMarginMs: 5_000 };

/**
 * Exports whole UTC hours of call records to OSS, exactly once per hour.
 * Per instance: plan the hours (incremental: from the watermark; backfill:
 * the range), then for each hour lease its day → fetch it into data files
 * → publish its manifest → advance (incremental: the watermark). Returns the
 * summary; throws ExportFailedError (after finishing the other instances)
 * if one failed.
 */
export async function runExport(request: ExportRequest, deps: ExportDeps): Promise<ExportSummary> {
  const ctx = createRunContext(deps);
  const started = ctx.now();
  const format = request.format ?? ctx.settings.format;
  // One format per prefix: a conflicting run fails here, before it reads or writes anything else.
  await claimPrefixFormat(format, ctx);
  const instances: InstanceSummary[] = [];
  // Staging left by runs that can no longer be alive (killed, crashed) is settled before this run adds its own.
  await cleanUpStaging(ctx, { own: false });
  try {
    if (request.mode === 'incremental') {
      for (const instanceId of request.instanceIds) instances.push(await exportInstance(await planIncremental(instanceId, ctx), format, 'new', ctx));
    } else {
      instances.push(await exportInstance({ kind: 'run', plan: planBackfill(request.instanceId, request.range, ctx.job?.skipHours) }, format, 'backfill', ctx));
    }
  } finally {
    await cleanUpStaging(ctx, { own: true });
  }
  const summary = summarizeRun({ runId: ctx.runId, mode: request.mode, format, durationMs: ctx.now() - started, qps: deps.qps }, instances);
  ctx.logger.info('export finished', { summary });
  if (summary.status === 'failed') throw new ExportFailedError(summary);
  return summary;
}

/** Dependencies normalized once: the clock, the timing defaults, and the fetch deadline as a time and a signal. */
function createRunContext(deps: ExportDeps): RunContext {
  const now = deps.now ?? Date.now;
  const timing = deps.timing ?? DEFAULT_TIMING;
  const fetchUntil = deps.deadline - timing.finishMarginMs;
  return {
    api: deps.api,
    store: deps.store,
    limiter: deps.limiter,
    settings: deps.settings,
    logger: deps.logger,
    runId: deps.runId,
    now,
    deadline: deps.deadline,
    fetchUntil: { at: fetchUntil, signal: signalAt(fetchUntil, now) },
    timing,
    onHourDone: deps.onHourDone,
    outage: deps.outage,
    job: deps.job,
  };
}

async function exportInstance(planned: Planned, format: ExportFormat, reason: ChangeReason, ctx: RunContext): Promise<InstanceSummary> {
  if (planned.kind === 'done') return planned.summary;
  const { plan } = planned;
  const days = createDayLeases(plan.tally.instanceId, ctx);
  const changes = createChangeFeed(plan.tally.instanceId, ctx);
  try {
    await exportHours(plan, days, format, reason, changes, ctx);
    // The look-back (timer runs only) comes after the new hours, and only when they all made it.
    if (plan.watermark && plan.tally.status === 'complete') plan.tally.lookedBack(await lookBack(plan.watermark(), format, days, plan.tally, changes, ctx));
    plan.finished();
  } catch (error) {
    ctx.logger.error('export failed', { instance_id: plan.tally.instanceId, error: toError(error) });
    plan.tally.fail(error);
  } finally {
    await changes.write();
    await days.releaseAll();
    await plan.close();
  }
  return plan.tally.summary();
}

/**
 * The hour pipeline, oldest hour first. Stops cleanly (status `partial`)
 * when the next hour might not finish before the deadline, when its day is
 * leased by another run, or when the deadline comes during an hour (that
 * hour is not published; the next run redoes it).
 */
async function exportHours(plan: InstancePlan, days: DayLeases, format: ExportFormat, reason: ChangeReason, changes: ChangeFeed, ctx: RunContext): Promise<void> {
  const { tally, hours } = plan;
  const budget = createHourBudget(ctx);
  for (const [index, hour] of hours.entries()) {
    if ((await ctx.job?.beforeHour(hour)) === 'stop') return tally.stop('partial', `job ${ctx.job?.jobId} was stopped; stopped before ${isoUtc(hour.from)}`);
    if (!budget.fitsNextHour()) return tally.stop('partial', `stopped before ${isoUtc(hour.from)} to finish before the function's deadline; the next run resumes there`);
    const lease = await days.leaseFor(hour);
    if (!lease) return tally.stop('partial', `day ${partitionOf(hour.from).dt} is being exported by another run; the next run resumes at ${isoUtc(hour.from)}`);
    const started = ctx.now();
    try {
      const output = await fetchHour(hour, format, tally, ctx);
      changes.record(await publishHour(output, lease, tally, ctx), reason);
    } catch (error) {
      // Attempts stop at the fetch deadline, so a failure this late is the deadline, not the upstream.
      if (ctx.now() >= ctx.fetchUntil.at)
        return tally.stop('partial', `the function's deadline came during ${isoUtc(hour.from)}; that hour was not published and the next run redoes it`);
      if (ctx.outage?.exceeded())
        return tally.stop(
          'partial',
          `every AICCS request failed for more than ${ctx.outage.maxOutageMs / 1000} s during ${isoUtc(hour.from)}; that hour was not published and the next run redoes it`,
        );
      throw error;
    }
    await plan.advance(hour);
    tally.reach(hour.to);
    budget.record(ctx.now() - started);
    ctx.onHourDone?.({ instanceId: tally.instanceId, hour: isoUtc(hour.from), hoursDone: index + 1, hoursTotal: hours.length, records: tally.summary().records });
  }
}
