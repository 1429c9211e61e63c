/** The export pipeline's shapes: what a run is asked, what it is given, what it reports. */
import type { HotlineSessionApi } from '../adapters/aiccs/hotline-api';
import type { ObjectStore } from '../adapters/oss/object-store';
import type { ExportFormat } from '../contracts/export-format';
import type { OutageTracker } from '../flow/outage';
import type { RateLimiter } from '../flow/rate-limiter';
import type { Logger } from '../log/logger';
import type { Anomalies } from '../records/normalize';
import type { PhoneMaskingOptions } from '../records/phone-masking';
import type { TimeRange } from './windows';

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
  /** EXPORT_RECHECK_HOURS: the look-back of timer runs (0: no count rechecks). */
  recheckHours: number;
  /** EXPORT_FINALIZE_AFTER_HOURS: hours ending at least this long ago are published final. */
  finalizeAfterHours: number;
  /** PHONE_MASKING for the exported records. */
  phoneMasking?: PhoneMaskingOptions;
  /** Largest TotalCount one filter may have before a slice is split (the API's depth, 50,000). */
  maxRecordsPerFilter?: number;
}

export type ExportRequest =
  | { mode: 'incremental'; instanceIds: readonly string[]; format?: ExportFormat }
  | { mode: 'backfill'; instanceId: string; range: TimeRange; format?: ExportFormat; parentRunId?: string; job?: BackfillJobRef };

/** Which job a backfill belongs to; `rangeIndex` is set on the ranges and continuations the job dispatches. */
export interface BackfillJobRef {
  jobId: string;
  rangeIndex?: number;
  continuation?: number;
  generation?: number;
}

/** What a caller hands runExport. Normalized once, at entry, into a RunContext. */
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
  timing?: Timing;
  /** The run's AICCS outage tracker (patient batch retries): once exceeded, the run stops cleanly as `partial`. */
  outage?: OutageTracker;
  /** A backfill that is part of a job (lib/export/jobs): its id goes into every manifest; hours it already published are skipped. */
  job?: JobHooks;
}

export interface JobHooks {
  jobId: string;
  /** Hour starts (epoch ms) this job already published: not read again. */
  skipHours: ReadonlySet<number>;
  /** Before each hour: record progress; 'stop' ends the run cleanly (the job was stopped). */
  beforeHour(hour: TimeRange): Promise<'continue' | 'stop'>;
}

export interface Timing {
  minHourBudgetMs: number;
  finishMarginMs: number;
}

/** The dependencies every stage sees: one clock, one deadline (as a time and as a signal), defaults applied. */
export interface RunContext {
  readonly api: HotlineSessionApi;
  readonly store: ObjectStore;
  readonly limiter: RateLimiter;
  readonly settings: ExportSettings;
  readonly logger: Logger;
  readonly runId: string;
  readonly now: () => number;
  /** Epoch ms by which the run must have stopped cleanly. */
  readonly deadline: number;
  /** AICCS calls stop here (the finish margin before `deadline` is kept for manifest, watermark and summary); `signal` aborts the calls in flight then. */
  readonly fetchUntil: { readonly at: number; readonly signal: AbortSignal };
  readonly timing: Timing;
  readonly onHourDone: ((progress: HourProgress) => void) | undefined;
  readonly outage: OutageTracker | undefined;
  readonly job: JobHooks | undefined;
}

export interface HourProgress {
  instanceId: string;
  hour: string;
  hoursDone: number;
  hoursTotal: number;
  records: number;
}

export type InstanceStatus = 'complete' | 'partial' | 'skipped' | 'failed' | 'up-to-date';

export interface InstanceSummary {
  instanceId: string;
  status: InstanceStatus;
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
  /** Timer runs: count rechecks made, partitions replaced or finalized, due hours left for the next run. */
  lookBack?: { checked: number; replaced: number; finalized: number; deferred: number };
  /** `CODE: detail` of the failure (describeBriefly). */
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
