/**
 * Public API of the call-records client (package export "./client"):
 * query the HTTP query function and start exports from other functions.
 */
export { createCallRecordsClient } from './client';
export type { CallRecord, CallRecordsClient, CallRecordsClientOptions, ExportRangeInput, QueryFilterInput } from './client';
export type { ClientCredentialsInput } from './credential-source';
export {
  CallRecordsClientError,
  CallRecordsProblemError,
  ClientConfigError,
  FilterValidationError,
  FunctionInvocationError,
  InvokeTransportError,
  PaginationDepthError,
  UnexpectedResponseError,
} from './errors';
export type { InvokeFailure, Problem } from './errors';
export type { InvokeOptions, InvokeResult, Invoker } from './invoker';
export type { QueryResponse } from '../contracts/query-response';
