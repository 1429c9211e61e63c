/**
 * Export failures, each with a stable code the run summary reports
 * (`<CODE>: <detail>`). Their messages hold keys, times and counts, never
 * credentials or record content, so they are all exposed. Statuses follow
 * HTTP meaning (an export has no HTTP caller, but describe() is shared).
 */
import { AppError } from './app-error';

/** One hour's records in one filter is more than the API can page through, even one second at a time. */
export class SliceTooDenseError extends AppError {
  override name = 'SliceTooDenseError' as const;
  constructor(range: { from: string; to: string }, totalCount: number, maxRecordsPerFilter: number) {
    super({
      code: 'SLICE_TOO_DENSE',
      status: 500,
      expose: true,
      title: 'A second holds more records than the API can page through',
      detail: `[${range.from}, ${range.to}) holds ${totalCount} records, more than the ${maxRecordsPerFilter} HotlineSessionQuery can page through, even as a one-second slice`,
    });
  }
}

export interface IncompleteSliceFacts {
  range: { from: string; to: string };
  expected: number;
  unique: number;
  recount: number;
  passes: number;
}

/** The slice could not be read consistently: records kept moving between pages. A later run retries it. */
export class IncompleteSliceError extends AppError {
  override name = 'IncompleteSliceError' as const;
  readonly facts: IncompleteSliceFacts;
  constructor(facts: IncompleteSliceFacts) {
    super({
      code: 'INCOMPLETE_SLICE',
      status: 503,
      expose: true,
      title: 'A slice did not read consistently',
      detail: `Slice [${facts.range.from}, ${facts.range.to}) did not read consistently in ${facts.passes} passes: TotalCount ${facts.expected} at the start, ${facts.recount} at the end, ${facts.unique} unique records read`,
    });
    this.facts = facts;
  }
}

/** Another run took over a lease this run held; it stops writing to that scope. */
export class LeaseLostError extends AppError {
  override name = 'LeaseLostError' as const;
  constructor(scope: string, reason: string) {
    super({ code: 'LEASE_LOST', status: 409, title: 'The export lost its lease', detail: `Lost the lease on ${scope}: ${reason}` });
  }
}

/** A state object (the watermark) is damaged: an error, never a silent restart. */
export class CorruptStateError extends AppError {
  override name = 'CorruptStateError' as const;
  constructor(detail: string) {
    super({ code: 'CORRUPT_STATE', status: 500, expose: true, title: 'Export state is damaged', detail });
  }
}

export interface StoreFailure {
  operation: string;
  key: string;
  /** OSS error code, e.g. AccessDenied, or the socket error. */
  code?: string | undefined;
  httpStatus?: number | undefined;
  attempts?: number | undefined;
}

/** An OSS call failed (after retries). Names the operation and key, never request details. */
export class StoreFailedError extends AppError {
  override name = 'StoreFailedError' as const;
  readonly operation: string;
  readonly key: string;
  constructor(failure: StoreFailure, cause?: unknown) {
    const tries = failure.attempts !== undefined ? ` after ${failure.attempts} attempts` : '';
    const http = failure.httpStatus !== undefined ? ` (HTTP ${failure.httpStatus})` : '';
    const advice =
      failure.httpStatus === 403 ? "; the export function's RAM role may lack OSS permissions: attach ram/export-function-policy.json to the export function's role" : '';
    super({
      code: 'STORE_FAILED',
      status: 502,
      expose: true,
      title: 'Object storage failed',
      detail: `OSS ${failure.operation} of \`${failure.key}\` failed${tries}: ${failure.code ?? 'error'}${http}${advice}`,
      cause,
    });
    this.operation = failure.operation;
    this.key = failure.key;
  }
}

/** A content-addressed data file exists with other bytes than this run produced. */
export class ContentMismatchError extends AppError {
  override name = 'ContentMismatchError' as const;
  constructor(key: string, foundEtag: string | undefined, expectedMd5: string) {
    super({
      code: 'CONTENT_MISMATCH',
      status: 409,
      title: 'A data file holds other content',
      detail: `OSS already holds \`${key}\` with different content (ETag ${foundEtag ?? 'none'}, expected ${expectedMd5})`,
    });
  }
}

/** The run asked for another format than the export prefix holds (its `_schema.json`); nothing was written. */
export class FormatConflictError extends AppError {
  override name = 'FormatConflictError' as const;
  readonly prefixFormat: string;
  readonly requestedFormat: string;
  constructor(prefix: string, prefixFormat: string, requestedFormat: string) {
    super({
      code: 'FORMAT_CONFLICT',
      status: 409,
      expose: true,
      title: 'The export prefix holds another format',
      detail:
        `The export prefix "${prefix}" holds ${prefixFormat} files (its _schema.json says so); this run asked for ${requestedFormat} and wrote nothing. ` +
        `One prefix holds one format: to export ${requestedFormat}, set another EXPORT_PREFIX (a new prefix takes the format of its first export), or ask for ${prefixFormat} here.`,
    });
    this.prefixFormat = prefixFormat;
    this.requestedFormat = requestedFormat;
  }
}

/** The least a summary must say for ExportFailedError to name the failed instances. */
export interface FailedRunSummary {
  instances: ReadonlyArray<{ instanceId: string; status: string; error?: string | undefined }>;
}

/** An export that failed for at least one instance; the summary is complete (and logged) before this is thrown. */
export class ExportFailedError<Summary extends FailedRunSummary = FailedRunSummary> extends AppError {
  override name = 'ExportFailedError' as const;
  readonly summary: Summary;
  constructor(summary: Summary) {
    const failed = summary.instances.filter((instance) => instance.status === 'failed');
    super({
      code: 'EXPORT_FAILED',
      status: 500,
      expose: true,
      title: 'The export failed',
      detail: `Export failed for ${failed.map((instance) => `${instance.instanceId} (${instance.error ?? 'unknown'})`).join('; ')}`,
    });
    this.summary = summary;
  }
}
