/**
 * A job's records in OSS, under `{EXPORT_PREFIX}/_jobs/{jobId}/`, laid out so
 * that no two invocations ever write the same object:
 *
 *   request.json                          the backfill and its ranges (create-only, by the first start)
 *   starts/{requestId}.json               one per top-level start; their count numbers the generation
 *   progress/r{range}/g{gen}-c{n}-{requestId}.json   one per invocation of a range (rewritten by that invocation only)
 *   stop-g{gen}.json                      the stop request (create-only)
 *   final-g{gen}.json                     the job's final state (create-only, by whichever range finished last)
 *
 * Status is folded from these objects on demand; nothing is read-modify-written.
 */
import { z } from 'zod';
import type { ObjectStore } from '../../adapters/oss/object-store';
import { ExportFormatSchema } from '../../contracts/export-format';
import { JobIdSchema, type JobState, type JobStatus, type RangeStatus } from '../../contracts/export-job';
import { JobNotFoundError } from '../../errors/job';

export const JobRecordSchema = z.object({
  jobId: JobIdSchema,
  instanceId: z.string(),
  from: z.string(),
  to: z.string(),
  format: ExportFormatSchema,
  /** Hour-aligned ranges, oldest first; more than one = fanned out. */
  ranges: z.array(z.object({ from: z.string(), to: z.string(), hours: z.number().int().positive() })).min(1),
  parallelism: z.number().int().positive(),
  startedAt: z.string(),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

const StartSchema = z.object({ generation: z.number().int().nonnegative(), requestId: z.string(), startedAt: z.string() });

export const RangeProgressSchema = z.object({
  rangeIndex: z.number().int().nonnegative(),
  generation: z.number().int().nonnegative(),
  continuation: z.number().int().nonnegative(),
  requestId: z.string(),
  /** `running`: this invocation works on it, or handed it to its continuation. */
  state: z.enum(['running', 'succeeded', 'failed', 'stopped']),
  hoursTotal: z.number().int().nonnegative(),
  hoursDone: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  throttles: z.number().int().nonnegative(),
  error: z.string().optional(),
  updatedAt: z.string(),
});
export type RangeProgress = z.infer<typeof RangeProgressSchema>;

const FinalSchema = z.object({ state: z.enum(['succeeded', 'failed', 'stopped']), finishedAt: z.string(), error: z.string().optional() });

const JSON_PUT = { contentType: 'application/json' } as const;
const PROGRESS_KEY = /r(\d+)\/g(\d+)-c(\d+)-[^/]+\.json$/;

export interface JobStore {
  readonly jobId: string;
  /** Writes request.json unless it exists; returns the stored record (the first start's). */
  create(record: JobRecord): Promise<JobRecord>;
  /** The job's record; JobNotFoundError when it was never started. */
  read(): Promise<JobRecord>;
  /** Records a top-level start (idempotent per request id: FC's retry of the same invocation keeps its generation). */
  start(requestId: string, at: number): Promise<number>;
  latestGeneration(): Promise<number>;
  writeProgress(progress: RangeProgress): Promise<void>;
  readProgress(rangeIndex: number, generation: number, continuation: number): Promise<RangeProgress | undefined>;
  requestStop(generation: number, at: number): Promise<void>;
  isStopped(generation: number): Promise<boolean>;
  /** Writes the final state once; later calls keep the first. */
  finish(generation: number, state: Exclude<JobState, 'running'>, at: number, error?: string): Promise<void>;
  status(): Promise<JobStatus>;
}

export function jobPrefix(exportPrefix: string, jobId: string): string {
  return `${exportPrefix === '' ? '' : `${exportPrefix}/`}_jobs/${jobId}/`;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export function createJobStore(store: ObjectStore, exportPrefix: string, jobId: string): JobStore {
  const base = jobPrefix(exportPrefix, jobId);
  const readJson = async <T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> => {
    const body = await store.get(key);
    if (!body) return undefined;
    const parsed = schema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  };
  const putJson = (key: string, value: unknown, createOnly: boolean) => store.put(key, Buffer.from(`${JSON.stringify(value)}\n`), { ...JSON_PUT, createOnly });
  const progressKey = (p: Pick<RangeProgress, 'rangeIndex' | 'generation' | 'continuation' | 'requestId'>) =>
    `${base}progress/r${pad(p.rangeIndex, 4)}/g${pad(p.generation, 3)}-c${pad(p.continuation, 3)}-${p.requestId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;

  const read = async () => {
    const record = await readJson(`${base}request.json`, JobRecordSchema);
    if (!record) throw new JobNotFoundError(jobId);
    return record;
  };
  const latestGeneration = async () => Math.max(0, (await store.list(`${base}starts/`)).length - 1);

  /** The latest progress of each range in a generation: the highest continuation, then the latest write. */
  const latestProgress = async (generation: number): Promise<Map<number, RangeProgress>> => {
    const newest = new Map<number, { continuation: number; keys: string[] }>();
    for (const object of await store.list(`${base}progress/`)) {
      const match = PROGRESS_KEY.exec(object.key);
      if (!match || Number(match[2]) !== generation) continue;
      const range = Number(match[1]);
      const continuation = Number(match[3]);
      const seen = newest.get(range);
      if (!seen || continuation > seen.continuation) newest.set(range, { continuation, keys: [object.key] });
      else if (continuation === seen.continuation) seen.keys.push(object.key);
    }
    const result = new Map<number, RangeProgress>();
    for (const [range, { keys }] of newest) {
      for (const key of keys) {
        const progress = await readJson(key, RangeProgressSchema);
        const current = result.get(range);
        if (progress && (!current || progress.updatedAt > current.updatedAt)) result.set(range, progress);
      }
    }
    return result;
  };

  return {
    jobId,
    async create(record) {
      const outcome = await putJson(`${base}request.json`, record, true);
      return outcome.outcome === 'created' ? record : read();
    },
    read,
    async start(requestId, at) {
      const key = `${base}starts/${requestId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;
      const existing = await readJson(key, StartSchema);
      if (existing) return existing.generation;
      const generation = (await store.list(`${base}starts/`)).length;
      await putJson(key, { generation, requestId, startedAt: new Date(at).toISOString() }, true);
      return generation;
    },
    latestGeneration,
    async writeProgress(progress) {
      await putJson(progressKey(progress), progress, false);
    },
    readProgress: (rangeIndex, generation, continuation) =>
      (async () => {
        const prefix = `${base}progress/r${pad(rangeIndex, 4)}/g${pad(generation, 3)}-c${pad(continuation, 3)}-`;
        let latest: RangeProgress | undefined;
        for (const object of await store.list(prefix)) {
          const progress = await readJson(object.key, RangeProgressSchema);
          if (progress && (!latest || progress.updatedAt > latest.updatedAt)) latest = progress;
        }
        return latest;
      })(),
    async requestStop(generation, at) {
      await putJson(`${base}stop-g${pad(generation, 3)}.json`, { stoppedAt: new Date(at).toISOString() }, true);
    },
    async isStopped(generation) {
      return (await store.head(`${base}stop-g${pad(generation, 3)}.json`)) !== undefined;
    },
    async finish(generation, state, at, error) {
      await putJson(`${base}final-g${pad(generation, 3)}.json`, { state, finishedAt: new Date(at).toISOString(), ...(error ? { error } : {}) }, true);
    },
    async status() {
      const record = await read();
      const generation = await latestGeneration();
      const [progress, stopped, final] = await Promise.all([
        latestProgress(generation),
        store.head(`${base}stop-g${pad(generation, 3)}.json`),
        readJson(`${base}final-g${pad(generation, 3)}.json`, FinalSchema),
      ]);
      return foldStatus(record, progress, stopped !== undefined, final);
    },
  };
}

/** The status object from the job's record, each range's latest progress, the stop request and the final state. */
export function foldStatus(record: JobRecord, progress: ReadonlyMap<number, RangeProgress>, stopped: boolean, final: z.infer<typeof FinalSchema> | undefined): JobStatus {
  const ranges: RangeStatus[] = record.ranges.map((range, index) => {
    const latest = progress.get(index);
    return {
      from: range.from,
      to: range.to,
      state: latest?.state ?? 'pending',
      hoursTotal: range.hours,
      hoursDone: latest?.hoursDone ?? 0,
      records: latest?.records ?? 0,
      files: latest?.files ?? 0,
      retries: latest?.retries ?? 0,
      throttles: latest?.throttles ?? 0,
      continuations: latest?.continuation ?? 0,
      ...(latest?.error ? { error: latest.error } : {}),
    };
  });
  const sum = (field: 'hoursTotal' | 'hoursDone' | 'records' | 'files' | 'retries' | 'throttles' | 'continuations') =>
    ranges.reduce((total, range) => total + range[field], 0);
  const failed = ranges.filter((range) => range.state === 'failed');
  const state: JobState = final?.state ?? (stopped ? 'stopped' : deriveState(ranges));
  // ISO strings of one format sort as the times they name.
  const updatedAt = [record.startedAt, ...[...progress.values()].map((p) => p.updatedAt)].sort().at(-1) ?? record.startedAt;
  const error = final?.error ?? (failed.length > 0 ? failed.map((range) => `[${range.from}, ${range.to}): ${range.error ?? 'failed'}`).join('; ') : undefined);
  return {
    jobId: record.jobId,
    instanceId: record.instanceId,
    from: record.from,
    to: record.to,
    format: record.format,
    state,
    hoursTotal: sum('hoursTotal'),
    hoursDone: sum('hoursDone'),
    records: sum('records'),
    files: sum('files'),
    retries: sum('retries'),
    throttles: sum('throttles'),
    continuations: sum('continuations'),
    ranges,
    startedAt: record.startedAt,
    updatedAt: final && final.finishedAt > updatedAt ? final.finishedAt : updatedAt,
    ...(final ? { finishedAt: final.finishedAt } : {}),
    ...(error ? { error } : {}),
  };
}

function deriveState(ranges: readonly RangeStatus[]): JobState {
  if (ranges.some((range) => range.state === 'pending' || range.state === 'running')) return 'running';
  if (ranges.some((range) => range.state === 'failed')) return 'failed';
  if (ranges.some((range) => range.state === 'stopped')) return 'stopped';
  return 'succeeded';
}
