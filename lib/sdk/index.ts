/**
 * Public API of the call-records client (package export "./client"):
 * query the HTTP query function and start exports from other functions.
 */
export { createCallRecordsClient } from './client';
export type { CallRecord, CallRecordsClient, CallRecordsClientOptions, ExportRangeInput, QueryFilterInput, WaitForExportOptions } from './client';
export type { JobStatus } from '../contracts/export-job';
export type { CredentialsInput } from '../credentials/credentials';
export {
  CallRecordsClientError,
  CallRecordsProblemError,
  ClientConfigError,
  ExportJobNotFoundError,
  FunctionInvocationError,
  InvokeTransportError,
  PaginationDepthError,
  UnexpectedResponseError,
} from './errors';
export type { InvokeFailure, Problem } from './errors';
export type { InvokeOptions, InvokeResult, Invoker } from './invoker';
export type { QueryResponse } from '../contracts/query-response';
export type { BackfillEvent } from '../contracts/backfill-event';
// Bad filters and export ranges fail with the project's shared ValidationError (`issues`, code VALIDATION_FAILED).
export { ValidationError } from '../errors/input';
export type { FieldIssue } from '../errors/input';
