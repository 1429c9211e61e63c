import { newCallStats, toUpstreamAppError, type CallStats, type HotlineSessionApi } from '../clients/aiccs';
import type { ObjectStore } from '../clients/oss';
import { toError } from '../errors';
import type { Logger } from '../log';
import type { RateLimiter } from '../rate-limiter';
import { RECORD_SCHEMA_VERSION } from '../records/call-record';
import type { Anomalies } from '../records/normalize';
import { createPhoneMasker, type PhoneMaskingOptions } from '../records/phone-masking';
import { serializeRecord } from './data-files';
import { fetchSlice, IncompleteSliceError } from './fetch-slice';
import { acquireLease, LeaseLostError, type Lease } from './lease';
import { MANIFEST_VERSION, type DataFileEntry, type PartitionManifest } from './manifest';
import { dataFileKey, leasePrefix, manifestKey, partitionOf, partitionPrefix, stateKey, type ExportFormat } from './object-keys';
import { readWatermark, writeWatermark } from './watermark';
import { hourlySlices, incrementalWindow, isoUtc, splitInHalves, widenToHours, type TimeRange } from './windows';

export interface ExportSettings {
  prefix: string;
  format: ExportFormat;
  settleMinutes: number;
  lookbackHours: number;
  sourceTimeZone: string;
  timeUnit: 'ms' | 's';
  concurrency: number;
  maxObjectRecords: number;
  maxObjectBytes: number;
  multipartThresholdBytes: number;
  partSizeBytes: number;
  maxRefetches: number;
  leaseSeconds: number;
  /** PHONE_MASKING for the exported records. */
  phoneMasking?: PhoneMaskingOptions;
  /** Largest TotalCount one filter may have before a slice is split (the API's depth, 50,000). */
  maxRecordsPerFilter?: number;
}

export type ExportRequest =
  | { mode: 'incremental'; instanceIds: readonly string[]; format?: ExportFormat }
  | { mode: 'backfill'; instanceId: string; range: TimeRange; format?: ExportFormat; parentRunId?: string };

export interface ExportDeps {
  api: HotlineSessionApi;
  store: ObjectStore;
  limiter: RateLimiter;
  settings: ExportSettings;
  logger: Logger;
  runId: string;
  /** Epoch ms by which the run must have stopped cleanly. */
  deadline: number;
  now?: () => number;
  /** Called after each hour is durable (for progress bars). */
  onHourDone?: (progress: HourProgress) => void;
  /** The request budget of this run (reported in the summary). */
  qps?: number;
  /** How much time an hour is assumed to need at least, and the slack kept at the end (defaults 10 s and 5 s). */
  timing?: { minHourBudgetMs: number; finishMarginMs: number };
}

export interface HourProgress {
  instanceId: string;
  hour: string;
  hoursDone: number;
  hoursTotal: number;
  records: number;
}

export interface InstanceSummary {
  instanceId: string;
  status: 'complete' | 'partial' | 'skipped' | 'failed' | 'up-to-date';
  reason?: string;
  window: { from: string; to: string };
  /** Where the exported range now ends: the watermark (incremental) or the last durable hour (backfill). */
  exportedUntil?: string;
  slices: number;
  pieces: number;
  splits: number;
  refetches: number;
  pages: number;
  records: number;
  objects: number;
  objectsReused: number;
  bytes: number;
  retries: number;
  throttles: number;
  anomalies?: Anomalies;
  error?: string;
}

export interface ExportSummary {
  runId: string;
  mode: ExportRequest['mode'];
  format: ExportFormat;
  status: 'complete' | 'partial' | 'failed';
  durationMs: number;
  qps?: number;
  instances: InstanceSummary[];
  totals: { slices: number; pages: number; records: number; objects: number; bytes: number; retries: number; throttles: number };
}

/** An export that failed for at least one instance; the summary is complete and already logged. */
export class ExportFailedError extends Error {
  override name = 'ExportFailedError';
  constructor(readonly summary: ExportSummary) {
    const failed = summary.instances.filter((instance) => instance.status === 'failed');
    super(`Export failed for ${failed.map((instance) => `${instance.instanceId} (${instance.error ?? 'unknown'})`).join('; ')}`);
  }
}

/** Slack kept for the manifest, watermark and summary after the last hour; and the least time an hour is assumed to need. */
const DEFAULT_TIMING = { minHourBudgetMs: 10_000, finishMarginMs: 5_000 };

/**
 * Exports whole UTC hours of call records to OSS, exactly once per hour:
 * data files are content-addressed and created only if absent, the hour's
 * manifest is replaced last, and (incremental runs) the watermark moves
 * only after the manifest is durable. Returns a summary; throws
 * ExportFailedError (after finishing the other instances) if one failed.
 */
export async function runExport(request: ExportRequest, deps: ExportDeps): Promise<ExportSummary> {
  const now = deps.now ?? Date.now;
  const started = now();
  const format = request.format ?? deps.settings.format;
  const instances: InstanceSummary[] = [];
  if (request.mode === 'incremental') {
    for (const instanceId of request.instanceIds) instances.push(await exportIncremental(instanceId, format, deps));
  } else {
    instances.push(await exportBackfill(request.instanceId, widenToHours(request.range), format, deps));
  }
  const summary = { ...summarize(request.mode, format, instances, deps.runId, now() - started), ...(deps.qps !== undefined ? { qps: deps.qps } : {}) };
  deps.logger.info('export finished', { summary });
  if (summary.status === 'failed') throw new ExportFailedError(summary);
  return summary;
}

function summarize(mode: ExportRequest['mode'], format: ExportFormat, instances: InstanceSummary[], runId: string, durationMs: number): ExportSummary {
  const sum = (field: 'slices' | 'pages' | 'records' | 'objects' | 'bytes' | 'retries' | 'throttles') =>
    instances.reduce((total, instance) => total + instance[field], 0);
  const status = instances.some((instance) => instance.status === 'failed')
    ? 'failed'
    : instances.some((instance) => instance.status === 'partial' || instance.status === 'skipped')
      ? 'partial'
      : 'complete';
  return {
    runId,
    mode,
    format,
    status,
    durationMs,
    instances,
    totals: {
      slices: sum('slices'),
      pages: sum('pages'),
      records: sum('records'),
      objects: sum('objects'),
      bytes: sum('bytes'),
      retries: sum('retries'),
      throttles: sum('throttles'),
    },
  };
}

interface InstanceRun {
  instanceId: string;
  format: ExportFormat;
  summary: InstanceSummary;
  stats: CallStats;
  dayLeases: Map<string, Lease>;
  hourDurations: number[];
}

function newInstanceRun(instanceId: string, format: ExportFormat, window: TimeRange): InstanceRun {
  return {
    instanceId,
    format,
    stats: newCallStats(),
    dayLeases: new Map(),
    hourDurations: [],
    summary: {
      instanceId,
      status: 'complete',
      window: { from: isoUtc(window.from), to: isoUtc(window.to) },
      slices: 0,
      pieces: 0,
      splits: 0,
      refetches: 0,
      pages: 0,
      records: 0,
      objects: 0,
      objectsReused: 0,
      bytes: 0,
      retries: 0,
      throttles: 0,
    },
  };
}

async function exportIncremental(instanceId: string, format: ExportFormat, deps: ExportDeps): Promise<InstanceSummary> {
  const now = deps.now ?? Date.now;
  const { settings, store } = deps;
  const lease = await acquireLease({
    store,
    prefix: leasePrefix(settings.prefix, instanceId, 'incremental'),
    owner: deps.runId,
    durationMs: settings.leaseSeconds * 1000,
    now,
  });
  if (!lease) {
    const run = newInstanceRun(instanceId, format, { from: now(), to: now() });
    return { ...run.summary, status: 'skipped', reason: 'another run holds the incremental lease for this instance' };
  }
  let run: InstanceRun | undefined;
  try {
    const key = stateKey(settings.prefix, instanceId);
    const watermark = await readWatermark(store, key);
    const window = incrementalWindow({ watermark, now: now(), settleMinutes: settings.settleMinutes, lookbackHours: settings.lookbackHours });
    run = newInstanceRun(instanceId, format, window);
    if (window.from >= window.to) {
      run.summary.status = 'up-to-date';
      run.summary.exportedUntil = isoUtc(window.from);
      return run.summary;
    }
    await exportHours(run, hourlySlices(window), deps, async (hour) => {
      // renew() checks the lease is still ours first: the watermark is never written by a run that lost it.
      await lease.renew();
      await writeWatermark(store, key, { instanceId, watermark: isoUtc(hour.to), updatedAt: new Date(now()).toISOString(), runId: deps.runId });
    });
    if (run.summary.exportedUntil === undefined) run.summary.exportedUntil = isoUtc(window.from);
    return run.summary;
  } catch (error) {
    return failed(run ?? newInstanceRun(instanceId, format, { from: now(), to: now() }), error, deps);
  } finally {
    await releaseAll(run);
    await lease.release();
  }
}

async function exportBackfill(instanceId: string, window: TimeRange, format: ExportFormat, deps: ExportDeps): Promise<InstanceSummary> {
  const run = newInstanceRun(instanceId, format, window);
  try {
    await exportHours(run, hourlySlices(window), deps, async () => {});
    return run.summary;
  } catch (error) {
    return failed(run, error, deps);
  } finally {
    await releaseAll(run);
  }
}

function failed(run: InstanceRun, error: unknown, deps: ExportDeps): InstanceSummary {
  const reason = error instanceof IncompleteSliceError || error instanceof LeaseLostError ? error.message : describeFailure(error, run.instanceId);
  deps.logger.error('export failed', { instance_id: run.instanceId, error: toError(error) });
  return { ...run.summary, status: 'failed', error: reason };
}

function describeFailure(error: unknown, instanceId: string): string {
  if (error instanceof Error && (error.name === 'ObjectStoreError' || error.name === 'CorruptStateError' || error.name === 'SliceTooDenseError')) return error.message;
  const mapped = toUpstreamAppError(error, instanceId);
  return `${mapped.code}: ${mapped.detail}`;
}

async function releaseAll(run: InstanceRun | undefined): Promise<void> {
  if (!run) return;
  for (const lease of run.dayLeases.values()) await lease.release();
  run.dayLeases.clear();
  copyStats(run);
}

function copyStats(run: InstanceRun): void {
  run.summary.retries = run.stats.retries;
  run.summary.throttles = run.stats.throttled;
}

/**
 * Exports hours oldest first. Stops cleanly (status `partial`) when the
 * next hour might not finish before the deadline or a day is leased by
 * another run; `afterHour` runs once an hour's manifest is durable.
 */
async function exportHours(run: InstanceRun, hours: TimeRange[], deps: ExportDeps, afterHour: (hour: TimeRange) => Promise<void>): Promise<void> {
  const now = deps.now ?? Date.now;
  const timing = deps.timing ?? DEFAULT_TIMING;
  for (const [index, hour] of hours.entries()) {
    const budget = Math.max(timing.minHourBudgetMs, 1.5 * Math.max(0, ...run.hourDurations));
    if (now() + budget + timing.finishMarginMs > deps.deadline) {
      run.summary.status = 'partial';
      run.summary.reason = `stopped before ${isoUtc(hour.from)} to finish before the function's deadline; the next run resumes there`;
      return;
    }
    const lease = await dayLease(run, hour, deps);
    if (!lease) {
      run.summary.status = 'partial';
      run.summary.reason = `day ${partitionOf(hour.from).dt} is being exported by another run; the next run resumes at ${isoUtc(hour.from)}`;
      return;
    }
    const started = now();
    try {
      await exportHour(run, hour, lease, deps);
    } catch (error) {
      // Attempts stop at the deadline, so a failure this late is the deadline, not the upstream.
      if (now() >= deps.deadline - timing.finishMarginMs) {
        run.summary.status = 'partial';
        run.summary.reason = `the function's deadline came during ${isoUtc(hour.from)}; that hour was not published and the next run redoes it`;
        return;
      }
      throw error;
    }
    await afterHour(hour);
    run.summary.exportedUntil = isoUtc(hour.to);
    run.hourDurations.push(now() - started);
    copyStats(run);
    deps.onHourDone?.({ instanceId: run.instanceId, hour: isoUtc(hour.from), hoursDone: index + 1, hoursTotal: hours.length, records: run.summary.records });
  }
}

async function dayLease(run: InstanceRun, hour: TimeRange, deps: ExportDeps): Promise<Lease | undefined> {
  const day = partitionOf(hour.from).dt;
  const held = run.dayLeases.get(day);
  if (held) {
    await held.renew();
    return held;
  }
  for (const [otherDay, lease] of run.dayLeases) {
    await lease.release();
    run.dayLeases.delete(otherDay);
  }
  const lease = await acquireLease({
    store: deps.store,
    prefix: leasePrefix(deps.settings.prefix, run.instanceId, `day=${day}`),
    owner: deps.runId,
    durationMs: deps.settings.leaseSeconds * 1000,
    ...(deps.now ? { now: deps.now } : {}),
  });
  if (lease) run.dayLeases.set(day, lease);
  return lease;
}

/** One hour's records in one filter is more than the API can page through, even one second at a time. */
class SliceTooDenseError extends Error {
  override name = 'SliceTooDenseError';
}

async function exportHour(run: InstanceRun, hour: TimeRange, lease: Lease, deps: ExportDeps): Promise<void> {
  const { settings, store } = deps;
  const anomalies: Anomalies = {};
  const files: DataFileEntry[] = [];
  const mask = createPhoneMasker(settings.phoneMasking ?? { mode: 'none' });
  let sourceTotal = 0;
  let records = 0;
  const pending: TimeRange[] = [hour];
  while (pending.length > 0) {
    const piece = pending.shift() as TimeRange;
    const fetched = await fetchSlice(piece, {
      api: deps.api,
      instanceId: run.instanceId,
      sourceTimeZone: settings.sourceTimeZone,
      timeUnit: settings.timeUnit,
      limiter: deps.limiter,
      concurrency: settings.concurrency,
      deadline: deps.deadline - (deps.timing ?? DEFAULT_TIMING).finishMarginMs,
      stats: run.stats,
      anomalies,
      maxRefetches: settings.maxRefetches,
      ...(settings.maxRecordsPerFilter !== undefined ? { maxRecordsPerFilter: settings.maxRecordsPerFilter } : {}),
      format: run.format,
      fileLimits: { maxRecords: settings.maxObjectRecords, maxBytes: settings.maxObjectBytes },
      serialize: (record) => serializeRecord(mask(record), run.format),
      onRefetch: (info) => {
        run.summary.refetches++;
        deps.logger.warn('records moved during paging; reading the slice again', {
          instance_id: run.instanceId,
          from: isoUtc(info.range.from),
          to: isoUtc(info.range.to),
          expected: info.expected,
          unique: info.unique,
          recount: info.recount,
        });
      },
    });
    run.summary.pages += fetched.pages;
    if (fetched.kind === 'too-large') {
      const halves = splitInHalves(piece);
      if (!halves) {
        throw new SliceTooDenseError(
          `[${isoUtc(piece.from)}, ${isoUtc(piece.to)}) holds ${fetched.totalCount} records, more than the ${settings.maxRecordsPerFilter ?? 50_000} HotlineSessionQuery can page through, even as a one-second slice`,
        );
      }
      run.summary.splits++;
      pending.unshift(...halves);
      continue;
    }
    run.summary.pieces++;
    sourceTotal += fetched.totalCount;
    records += fetched.records;
    let sequence = 0;
    for (const file of fetched.files) {
      const key = dataFileKey(settings.prefix, run.instanceId, piece, sequence++, file.md5Hex, run.format);
      const outcome = await store.put(key, file.body, {
        contentType: run.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        createOnly: true,
        md5Base64: file.md5Base64,
        multipartThresholdBytes: settings.multipartThresholdBytes,
        partSizeBytes: settings.partSizeBytes,
      });
      if (outcome.outcome === 'exists') {
        await verifyExisting(store, key, file.md5Hex, file.body.length);
        run.summary.objectsReused++;
      } else {
        run.summary.objects++;
        run.summary.bytes += file.body.length;
      }
      files.push({
        key,
        format: run.format,
        records: file.records,
        bytes: file.body.length,
        uncompressedBytes: file.uncompressedBytes,
        md5: file.md5Hex,
        from: isoUtc(piece.from),
        to: isoUtc(piece.to),
      });
    }
  }

  const partition = partitionOf(hour.from);
  const manifest: PartitionManifest = {
    manifestVersion: MANIFEST_VERSION,
    schemaVersion: RECORD_SCHEMA_VERSION,
    instanceId: run.instanceId,
    partition,
    window: { from: isoUtc(hour.from), to: isoUtc(hour.to) },
    timeZone: 'UTC',
    sourceTotalCount: sourceTotal,
    recordCount: records,
    files,
    runId: deps.runId,
    writtenAt: new Date((deps.now ?? Date.now)()).toISOString(),
  };
  // The lease must still be ours: otherwise another run may be publishing this hour.
  await lease.assertHeld();
  await store.put(manifestKey(settings.prefix, run.instanceId, partition), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), {
    contentType: 'application/json',
    createOnly: false,
  });
  await removeSuperseded(store, partitionPrefix(settings.prefix, run.instanceId, partition), new Set(files.map((file) => file.key)));

  run.summary.slices++;
  run.summary.records += records;
  if (Object.keys(anomalies).length > 0) {
    run.summary.anomalies ??= {};
    for (const [field, count] of Object.entries(anomalies)) run.summary.anomalies[field] = (run.summary.anomalies[field] ?? 0) + count;
  }
  deps.logger.info('slice exported', {
    instance_id: run.instanceId,
    hour: isoUtc(hour.from),
    records,
    source_total: sourceTotal,
    files: files.length,
    pages: run.summary.pages,
    retries: run.stats.retries,
    throttles: run.stats.throttled,
  });
}

async function verifyExisting(store: ObjectStore, key: string, md5Hex: string, size: number): Promise<void> {
  const head = await store.head(key);
  // Simple uploads have the MD5 as ETag; multipart ones do not, so size must do there.
  const matches = head !== undefined && (head.etag === md5Hex || (head.etag.includes('-') && head.size === size));
  if (!matches) throw new Error(`OSS already holds \`${key}\` with different content (ETag ${head?.etag ?? 'none'}, expected ${md5Hex})`);
}

/** Data files of the partition that the new manifest does not list: left by an earlier run with different records, or by an interrupted one. */
async function removeSuperseded(store: ObjectStore, prefix: string, keep: ReadonlySet<string>): Promise<void> {
  for (const object of await store.list(prefix)) {
    const name = object.key.slice(prefix.length);
    if (name.startsWith('part-') && !keep.has(object.key)) await store.delete(object.key);
  }
}
