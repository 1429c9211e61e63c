/**
 * The run summary as accumulators: each instance has a tally that stages
 * add to as work becomes durable; summarizeRun() folds the tallies into the
 * ExportSummary. Nothing else writes summary fields.
 */
import { newCallStats, type CallStats } from '../adapters/aiccs/hotline-api';
import type { ExportFormat } from '../contracts/export-format';
import { describeBriefly } from '../errors';
import type { Anomalies } from '../records/normalize';
import type { ExportRequest, ExportSummary, InstanceStatus, InstanceSummary } from './types';
import { isoUtc, type TimeRange } from './windows';

export type TallyCounter = 'slices' | 'pieces' | 'splits' | 'refetches' | 'pages' | 'records' | 'objects' | 'objectsReused' | 'bytes';

export interface InstanceTally {
  readonly instanceId: string;
  /** AICCS call counters, handed to the API adapter; retries and throttles are read from here. */
  readonly calls: CallStats;
  add(counter: TallyCounter, amount?: number): void;
  addAnomalies(anomalies: Anomalies): void;
  /** The exported range now ends at `epochMs`. */
  reach(epochMs: number): void;
  /** Ends the instance without failure: stopped early (`partial`), nothing due, or skipped. */
  stop(status: Exclude<InstanceStatus, 'complete' | 'failed'>, reason?: string): void;
  /** Ends the instance as failed; the reason is the error's `CODE: detail`. */
  fail(error: unknown): void;
  readonly status: InstanceStatus;
  readonly exportedUntil: string | undefined;
  summary(): InstanceSummary;
}

export function createInstanceTally(instanceId: string, window: TimeRange): InstanceTally {
  const calls = newCallStats();
  const counters: Record<TallyCounter, number> = { slices: 0, pieces: 0, splits: 0, refetches: 0, pages: 0, records: 0, objects: 0, objectsReused: 0, bytes: 0 };
  let anomalies: Anomalies | undefined;
  let status: InstanceStatus = 'complete';
  let reason: string | undefined;
  let error: string | undefined;
  let exportedUntil: string | undefined;
  return {
    instanceId,
    calls,
    add(counter, amount = 1) {
      counters[counter] += amount;
    },
    addAnomalies(found) {
      if (Object.keys(found).length === 0) return;
      anomalies ??= {};
      for (const [field, count] of Object.entries(found)) anomalies[field] = (anomalies[field] ?? 0) + count;
    },
    reach(epochMs) {
      exportedUntil = isoUtc(epochMs);
    },
    stop(next, why) {
      status = next;
      reason = why;
    },
    fail(thrown) {
      status = 'failed';
      error = describeBriefly(thrown);
    },
    get status() {
      return status;
    },
    get exportedUntil() {
      return exportedUntil;
    },
    summary() {
      return {
        instanceId,
        status,
        ...(reason !== undefined ? { reason } : {}),
        window: { from: isoUtc(window.from), to: isoUtc(window.to) },
        ...(exportedUntil !== undefined ? { exportedUntil } : {}),
        ...counters,
        retries: calls.retries,
        throttles: calls.throttled,
        ...(anomalies ? { anomalies } : {}),
        ...(error !== undefined ? { error } : {}),
      };
    },
  };
}

export interface RunFacts {
  runId: string;
  mode: ExportRequest['mode'];
  format: ExportFormat;
  durationMs: number;
  qps: number | undefined;
}

/** The run's summary: failed if any instance failed, partial if any stopped early or was skipped. */
export function summarizeRun(facts: RunFacts, instances: InstanceSummary[]): ExportSummary {
  const sum = (field: keyof ExportSummary['totals']) => instances.reduce((total, instance) => total + instance[field], 0);
  const status = instances.some((instance) => instance.status === 'failed')
    ? 'failed'
    : instances.some((instance) => instance.status === 'partial' || instance.status === 'skipped')
      ? 'partial'
      : 'complete';
  return {
    runId: facts.runId,
    mode: facts.mode,
    format: facts.format,
    status,
    durationMs: facts.durationMs,
    ...(facts.qps !== undefined ? { qps: facts.qps } : {}),
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
