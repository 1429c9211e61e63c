import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BackfillEventSchema, type BackfillEvent } from '../contracts/backfill-event';
import { JobStatusSchema, type JobStatus } from '../contracts/export-job';
import { QueryFilterSchema } from '../contracts/query-filter';
import type { QueryResponse } from '../contracts/query-response';
import { issuesFromZod, ValidationError } from '../errors';
import { resolveCredentialSource, type CredentialSource, type CredentialsInput } from '../credentials/credentials';
import { ClientConfigError, ExportJobNotFoundError, FunctionInvocationError, InvokeTransportError, UnexpectedResponseError } from './errors';
import type { Invoker } from './invoker';
import { assertNoFunctionError, decodeQueryResult } from './responses';

export interface CallRecordsClientOptions {
  /** The query function (FC 3.0 name; `service$function` for a 2.0 function). */
  functionName: string;
  /** The export function; needed for exportRange. */
  exportFunctionName?: string;
  region: string;
  accountId: string;
  /** The calling function's context.credentials; without a usable pair, the @alicloud/credentials default chain. */
  credentials?: CredentialsInput;
  /** Default 'fc3' (@alicloud/fc20230330); 'fc2' = @alicloud/fc2 (service/function targets; reaching FC 3.0 functions that way is UNCONFIRMED). */
  transport?: 'fc3' | 'fc2';
  /** fc2 only; without it, function names must be `service$function`. */
  serviceName?: string;
  /** Default 'LATEST'. */
  qualifier?: string;
  /** Default https://<accountId>.<region>.fc.aliyuncs.com; e.g. the local gateway http://127.0.0.1:9000. */
  endpoint?: string;
  /** Per invocation; default 30000. */
  timeoutMs?: number;
  /** Replaces the SDK transport (tests, custom transports). */
  invoker?: Invoker;
}

export type QueryFilterInput = z.input<typeof QueryFilterSchema>;
export type CallRecord = QueryResponse['records'][number];

/** A backfill event (the export function's contract), with `from`/`to` also accepted as Dates: `from` inclusive, `to` exclusive. */
export type ExportRangeInput = Omit<BackfillEvent, 'from' | 'to'> & { from: string | Date; to: string | Date };

export interface CallRecordsClient {
  /** One synchronous invocation: one page, or `all` pages up to `limit`, as the query API defines. */
  query(filter: QueryFilterInput): Promise<QueryResponse>;
  /** Every matching record of the filter's window, newest first, each once: a walk that follows page.nextCursor (any window size). */
  queryAll(filter: QueryFilterInput): AsyncIterable<CallRecord>;
  /** Starts a backfill job asynchronously (FC answers 202 at once); `jobId` is the given one, or one the client assigns. */
  exportRange(range: ExportRangeInput): Promise<{ jobId: string; accepted: true; requestId: string }>;
  /** The job's status (a synchronous call of the export function). @throws ExportJobNotFoundError */
  exportStatus(jobId: string): Promise<JobStatus>;
  /** Polls the status every `pollMs` (default 5000) until the job is no longer running; `onProgress` sees each status. */
  waitForExport(jobId: string, options?: WaitForExportOptions): Promise<JobStatus>;
  /** Marks the job stopped: running ranges stop after their current hour, publish nothing half-done, dispatch nothing more. */
  stopExport(jobId: string): Promise<JobStatus>;
}

export interface WaitForExportOptions {
  onProgress?: (status: JobStatus) => void;
  signal?: AbortSignal;
  pollMs?: number;
  /** How long a job id may stay unknown (its async start not run yet) before waiting fails; default 300000. */
  notFoundGraceMs?: number;
}

export type { JobStatus } from '../contracts/export-job';

const OptionsSchema = z.object({
  functionName: z.string().min(1).max(128),
  exportFunctionName: z.string().min(1).max(128).optional(),
  region: z.string().regex(/^[a-z]{2}-[a-z0-9-]+$/, { message: 'expected a region id such as cn-hangzhou' }),
  accountId: z.string().regex(/^\d{1,32}$/, { message: 'expected the numeric account id' }),
  transport: z.enum(['fc3', 'fc2']).optional(),
  serviceName: z.string().min(1).optional(),
  qualifier: z.string().min(1).optional(),
  endpoint: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
  timeoutMs: z.number().int().min(100).max(900_000).optional(),
});

/**
 * A typed client for the call-records query function, for use from other
 * functions. Validates filters with the query API's own schema before
 * invoking; cross-field rules (e.g. endTime after startTime) are left to
 * the function, which answers 422.
 *
 * @throws ClientConfigError when the options are unusable.
 */
export interface TransportSettings {
  endpoint: URL;
  credentials: CredentialSource;
  qualifier: string;
  timeoutMs: number;
}

/** Builds the invoker for a transport; kept out of this module so a bundle can leave the SDK transports out. */
export type InvokerFactory = (settings: TransportSettings, options: CallRecordsClientOptions) => Invoker;

/**
 * The client over whatever transport `makeInvoker` builds (used when
 * `options.invoker` is not given). `createCallRecordsClient` in client.ts
 * wires the SDK transports; the export function wires a lean one.
 */
export function buildCallRecordsClient(options: CallRecordsClientOptions, makeInvoker: InvokerFactory): CallRecordsClient {
  const { invoker: injected, credentials, ...plain } = options;
  const checked = OptionsSchema.safeParse(plain);
  if (!checked.success)
    throw new ClientConfigError(
      `Invalid client options: ${issuesFromZod(checked.error)
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join('; ')}`,
    );
  const transport = options.transport ?? 'fc3';
  if (transport === 'fc2' && !options.serviceName) {
    for (const name of [options.functionName, options.exportFunctionName]) {
      if (name !== undefined && !name.includes('$'))
        throw new ClientConfigError(`The fc2 transport needs serviceName, or function names of the form service$function; got \`${name}\``);
    }
  }
  const endpoint = new URL(options.endpoint ?? `https://${options.accountId}.${options.region}.fc.aliyuncs.com`);
  const common = { endpoint, credentials: resolveCredentialSource(credentials), qualifier: options.qualifier ?? 'LATEST', timeoutMs: options.timeoutMs ?? 30_000 };
  const invoker = injected ?? makeInvoker(common, options);

  const query = async (filter: QueryFilterInput): Promise<QueryResponse> => {
    const parsed = QueryFilterSchema.safeParse(filter);
    if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error), 'Query filter');
    const result = await invoker.invoke(options.functionName, Buffer.from(JSON.stringify(parsed.data)), { async: false });
    return decodeQueryResult(options.functionName, result);
  };

  return {
    query,

    async *queryAll(filter) {
      const paging = (['all', 'limit', 'pageNo', 'pageSize', 'cursor'] as const).find((field) => filter[field] !== undefined);
      if (paging !== undefined) {
        throw new ValidationError(
          [{ path: paging, code: 'not_supported', message: 'queryAll walks the whole window by itself; leave out `all`, `limit`, `pageNo`, `pageSize` and `cursor`' }],
          'Query filter',
        );
      }
      // A walk: each response continues where the last stopped, so any window is read completely, each record once.
      let response = await query({ ...filter, all: true });
      for (;;) {
        yield* response.records;
        const cursor = response.page.nextCursor;
        if (cursor === null || cursor === undefined) return;
        response = await query({ cursor });
      }
    },

    async exportRange(range) {
      if (!options.exportFunctionName) throw new ClientConfigError('exportRange needs the `exportFunctionName` option');
      // Assigned here, so the caller can follow the job at once.
      const input = { ...range, from: toIso(range.from), to: toIso(range.to), jobId: range.jobId ?? newJobId() };
      const parsed = BackfillEventSchema.safeParse(input);
      if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error), 'Export range');
      const result = await invoker.invoke(options.exportFunctionName, Buffer.from(JSON.stringify(parsed.data)), { async: true });
      assertNoFunctionError(options.exportFunctionName, result);
      const requestId = result.headers['x-fc-request-id'];
      if (result.status !== 202 || !requestId) {
        throw new UnexpectedResponseError(options.exportFunctionName, result.status, 'expected 202 Accepted with x-fc-request-id for an async invocation');
      }
      return { jobId: parsed.data.jobId ?? input.jobId, accepted: true, requestId };
    },

    exportStatus: (jobId) => jobAction('status', jobId),
    stopExport: (jobId) => jobAction('stop', jobId),

    async waitForExport(jobId, wait = {}) {
      const pollMs = wait.pollMs ?? 5_000;
      const unknownUntil = Date.now() + (wait.notFoundGraceMs ?? 300_000);
      for (;;) {
        wait.signal?.throwIfAborted();
        try {
          const status = await jobAction('status', jobId);
          wait.onProgress?.(status);
          if (status.state !== 'running') return status;
        } catch (error) {
          const notYet = error instanceof ExportJobNotFoundError && Date.now() < unknownUntil;
          // While the job's ranges fill every reserved slot, FC may throttle a synchronous call for a moment.
          const throttled = error instanceof InvokeTransportError && error.status === 429;
          if (!notYet && !throttled) throw error;
        }
        await sleep(pollMs, wait.signal);
      }
    },
  };

  async function jobAction(action: 'status' | 'stop', jobId: string): Promise<JobStatus> {
    if (!options.exportFunctionName) throw new ClientConfigError(`${action === 'stop' ? 'stopExport' : 'exportStatus'} needs the \`exportFunctionName\` option`);
    const functionName = options.exportFunctionName;
    const result = await invoker.invoke(functionName, Buffer.from(JSON.stringify({ action, jobId })), { async: false });
    try {
      assertNoFunctionError(functionName, result);
    } catch (error) {
      if (error instanceof FunctionInvocationError && (error.functionErrorType === 'JobNotFoundError' || /JOB_NOT_FOUND|No export job/.test(error.errorMessage)))
        throw new ExportJobNotFoundError(jobId);
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(result.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    const parsed = JobStatusSchema.safeParse(body);
    if (!parsed.success) throw new UnexpectedResponseError(functionName, result.status, 'the body is not an export job status', { cause: parsed.error });
    return parsed.data;
  }
}

const newJobId = () => `${new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')}-${randomUUID().slice(0, 8)}`;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function toIso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}
