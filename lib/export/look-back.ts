/**
 * The timer's look-back, after the new hours: rechecks, then finalization.
 *
 * - Recheck: every hour in `[watermark − EXPORT_RECHECK_HOURS h, watermark)` that has a manifest gets one count
 *   request (PageSize 1, the export's own half-open window). A TotalCount other than the manifest's
 *   sourceTotalCount means records arrived late (or went): the hour is exported again and its partition replaced.
 *   An unchanged count writes nothing (`checkedAt` is the time of the last read, not of every check: a
 *   manifest write per hour per run would cost more than the check).
 * - Finalization: a provisional hour (manifest `final: false`) that ended at least EXPORT_FINALIZE_AFTER_HOURS ago
 *   is read again in full and republished final, whether or not its count changed. Final hours are read again only
 *   when their count changes. Provisional hours are looked for EXPORT_FINALIZE_AFTER_HOURS + FINALIZE_SLACK_HOURS
 *   back, so an hour is finalized even when rechecks are off or shorter.
 *
 * Hours without a manifest (before the instance's first exported hour) are not touched. Work that does not fit
 * before the deadline is left for the next run, which finds the same counts and provisional flags again.
 */
import { toWireParams } from '../adapters/aiccs/wire-params';
import type { ExportFormat } from '../contracts/export-format';
import { parseManifest, type PartitionManifest } from '../contracts/manifest';
import { toUpstreamAppError } from '../errors';
import type { ChangeFeed, ChangeReason } from './change-feed';
import type { DayLeases } from './day-leases';
import { fetchHour } from './export-hour';
import { manifestKey, partitionOf } from './object-keys';
import { createHourBudget } from './plan';
import { isFinalAt, publishHour } from './publish';
import type { InstanceTally } from './summary';
import type { ExportSettings, RunContext } from './types';
import { HOUR_MS, hourlySlices, isoUtc, type TimeRange } from './windows';

/** How long past EXPORT_FINALIZE_AFTER_HOURS provisional hours are still looked for (a timer that was down a day). */
export const FINALIZE_SLACK_HOURS = 24;

/** How many hours before the watermark a timer run looks at; 0 when it does not look back at all. */
export function lookBackHours(settings: Pick<ExportSettings, 'recheckHours' | 'finalizeAfterHours'>): number {
  return Math.max(settings.recheckHours, settings.finalizeAfterHours > 0 ? settings.finalizeAfterHours + FINALIZE_SLACK_HOURS : 0);
}

export interface LookBackResult {
  /** Count requests made. */
  checked: number;
  /** Partitions replaced because their count changed. */
  replaced: number;
  /** Provisional partitions republished final. */
  finalized: number;
  /** Hours due that were left for the next run (deadline, or their day leased by another run). */
  deferred: number;
}

interface ExportedHour {
  hour: TimeRange;
  manifest: PartitionManifest;
}

export async function lookBack(
  watermark: number,
  format: ExportFormat,
  days: DayLeases,
  tally: InstanceTally,
  changes: ChangeFeed,
  ctx: RunContext,
): Promise<LookBackResult> {
  const { settings } = ctx;
  const result: LookBackResult = { checked: 0, replaced: 0, finalized: 0, deferred: 0 };
  const span = lookBackHours(settings);
  if (span === 0) return result;
  const exported = await exportedHours({ from: watermark - span * HOUR_MS, to: watermark }, tally.instanceId, ctx);
  const budget = createHourBudget(ctx);
  const redone = new Set<number>();

  const reexport = async (entry: ExportedHour, reason: ChangeReason): Promise<boolean> => {
    if (!budget.fitsNextHour()) return false;
    const lease = await days.leaseFor(entry.hour);
    if (!lease) return false;
    const started = ctx.now();
    // A partition keeps its format (a CSV backfill stays CSV).
    const output = await fetchHour(entry.hour, entry.manifest.files[0]?.format ?? format, tally, ctx);
    changes.record(await publishHour(output, lease, tally, ctx), reason);
    budget.record(ctx.now() - started);
    redone.add(entry.hour.from);
    return true;
  };

  try {
    const recheckFrom = watermark - settings.recheckHours * HOUR_MS;
    // Hours this run has just published are not counted again.
    for (const entry of exported.filter(({ hour, manifest }) => hour.from >= recheckFrom && manifest.runId !== ctx.runId)) {
      if (ctx.now() + ctx.timing.finishMarginMs >= ctx.fetchUntil.at) {
        result.deferred++;
        continue;
      }
      result.checked++;
      const count = await countHour(entry.hour, tally, ctx);
      if (count === entry.manifest.sourceTotalCount) continue;
      ctx.logger.info('count changed since export; exporting the hour again', {
        instance_id: tally.instanceId,
        hour: isoUtc(entry.hour.from),
        exported: entry.manifest.sourceTotalCount,
        now: count,
      });
      if (!(await reexport(entry, 'recheck'))) result.deferred++;
      else if (isFinalAt(entry.hour, ctx.now(), settings.finalizeAfterHours) && !entry.manifest.final) result.finalized++;
      else result.replaced++;
    }
    for (const entry of exported) {
      if (redone.has(entry.hour.from) || entry.manifest.final || !isFinalAt(entry.hour, ctx.now(), settings.finalizeAfterHours)) continue;
      if (await reexport(entry, 'finalize')) result.finalized++;
      else result.deferred++;
    }
  } catch (error) {
    // Calls stop at the fetch deadline: a failure this late is the deadline; the next run looks again.
    if (ctx.now() < ctx.fetchUntil.at) throw error;
    result.deferred++;
  }
  if (result.deferred > 0) ctx.logger.info('look-back continues on the next run', { instance_id: tally.instanceId, ...result });
  return result;
}

/** The hours of `range` this instance has a manifest for, oldest first. */
async function exportedHours(range: TimeRange, instanceId: string, ctx: RunContext): Promise<ExportedHour[]> {
  const exported: ExportedHour[] = [];
  for (const hour of hourlySlices(range)) {
    const body = await ctx.store.get(manifestKey(ctx.settings.prefix, instanceId, partitionOf(hour.from)));
    const manifest = body ? parseManifest(body) : undefined;
    if (manifest) exported.push({ hour, manifest });
  }
  return exported;
}

/** TotalCount of the hour: one PageSize-1 request over the same half-open window the export reads. */
async function countHour(hour: TimeRange, tally: InstanceTally, ctx: RunContext): Promise<number> {
  const params = toWireParams({ instanceId: tally.instanceId, startTime: hour.from, endTime: hour.to }, { pageNo: 1, pageSize: 1 }, { timeUnit: ctx.settings.timeUnit });
  try {
    const page = await ctx.api.queryPage(params, { deadline: ctx.fetchUntil.at, signal: ctx.fetchUntil.signal, stats: tally.calls, limiter: ctx.limiter });
    tally.add('pages');
    return page.totalCount;
  } catch (error) {
    throw toUpstreamAppError(error, { instanceId: tally.instanceId, caller: 'export' });
  }
}
