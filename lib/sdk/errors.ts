/**
 * Errors of the call-records client, by origin: the caller's options
 * (ClientConfigError), the query API's answer
 * (CallRecordsProblemError, PaginationDepthError), the function runtime
 * (FunctionInvocationError) and the invoke call itself (InvokeTransportError,
 * UnexpectedResponseError). No message ever contains credentials.
 *
 * A filter or export range that fails validation is the project's shared
 * ValidationError (lib/errors, re-exported by the SDK): the same issues the
 * query function would answer with 422, found before anything is invoked.
 */
import type { Problem } from '../contracts/problem';

export type { Problem };

/** Base class: `instanceof CallRecordsClientError` catches everything the client throws except ValidationError (bad input). */
export class CallRecordsClientError extends Error {
  override name: string = 'CallRecordsClientError';
}

/** Client options are unusable (thrown by createCallRecordsClient or a method needing an option). */
export class ClientConfigError extends CallRecordsClientError {
  override name = 'ClientConfigError' as const;
}

/** The query function answered an RFC 9457 problem (4xx/5xx). */
export class CallRecordsProblemError extends CallRecordsClientError {
  override name = 'CallRecordsProblemError' as const;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: NonNullable<Problem['errors']>;
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
  }
}

/** The function itself failed: HTTP 200 with X-Fc-Error-Type (e.g. UnhandledInvocationError). */
export class FunctionInvocationError extends CallRecordsClientError {
  override name = 'FunctionInvocationError' as const;
  constructor(
    readonly functionName: string,
    /** The X-Fc-Error-Type header. */
    readonly errorType: string,
    readonly errorMessage: string,
    /** The runtime's `errorType` (the thrown error's name), when the body had one. */
    readonly functionErrorType: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(
      `Function \`${functionName}\` failed (${errorType}${functionErrorType ? `, ${functionErrorType}` : ''}): ${errorMessage}${requestId ? ` (request id ${requestId})` : ''}`,
    );
  }
}

export interface InvokeFailure {
  functionName: string;
  /** HTTP status when Function Compute answered (e.g. 403, 404, 413). */
  status?: number | undefined;
  /** FC's error code, e.g. FunctionNotFound, SignatureNotMatch. */
  code?: string | undefined;
  requestId?: string | undefined;
  /** A credential-free description of what went wrong. */
  reason: string;
}

/** The invoke call failed before the function could answer: network, timeout, or an FC API error. */
export class InvokeTransportError extends CallRecordsClientError {
  override name = 'InvokeTransportError' as const;
  readonly functionName: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  constructor(failure: InvokeFailure, options?: { cause?: unknown }) {
    const where = [failure.status, failure.code].filter((part) => part !== undefined).join(' ');
    super(
      `Invoking \`${failure.functionName}\` failed${where ? ` with ${where}` : ''}: ${failure.reason}${failure.requestId ? ` (request id ${failure.requestId})` : ''}`,
      options,
    );
    this.functionName = failure.functionName;
    this.status = failure.status;
    this.code = failure.code;
    this.requestId = failure.requestId;
  }
}

/** The function answered, but not in the query API's contract. */
export class UnexpectedResponseError extends CallRecordsClientError {
  override name = 'UnexpectedResponseError' as const;
  constructor(
    readonly functionName: string,
    readonly status: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Function \`${functionName}\` answered ${status} outside the query API contract: ${reason}`, options);
  }
}

/**
 * The API's 1,000-page depth was reached with records left. queryAll no
 * longer throws it (it follows cursors, which have no depth limit); kept so
 * code that catches it still compiles.
 * @deprecated
 */
export class PaginationDepthError extends CallRecordsClientError {
  override name = 'PaginationDepthError' as const;
  constructor(
    readonly pageNo: number,
    readonly pageSize: number,
    readonly totalCount: number,
  ) {
    super(
      `The filter matches ${totalCount} records but the API pages only to page ${pageNo} (${pageNo * pageSize} records at page size ${pageSize}); narrow the filter, e.g. split startTime/endTime into smaller ranges`,
    );
  }
}

/** exportStatus/stopExport/waitForExport: the export function knows no job with this id (yet: an async start may not have run). */
export class ExportJobNotFoundError extends CallRecordsClientError {
  override name = 'ExportJobNotFoundError' as const;
  constructor(readonly jobId: string) {
    super(`The export function knows no job \`${jobId}\` (an exportRange that was just accepted may not have started yet)`);
  }
}
