/** The project's one error taxonomy: base, client input, upstream, export, config, and the one describe(). */
export { AppError, toError, type AppErrorOptions } from './app-error';
export { ConfigError } from './config';
export { describe, describeBriefly, type ErrorDescription } from './describe';
export {
  ContentMismatchError,
  CorruptStateError,
  ExportFailedError,
  FormatConflictError,
  IncompleteSliceError,
  LeaseLostError,
  SliceTooDenseError,
  StoreFailedError,
  type FailedRunSummary,
  type IncompleteSliceFacts,
  type StoreFailure,
} from './export';
export {
  InstanceNotAllowedError,
  InvalidCursorError,
  MalformedJsonError,
  MethodNotAllowedError,
  NotAcceptableError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
  WindowTooDenseError,
  issuesFromZod,
  type FieldIssue,
  type IssueOptions,
} from './input';
export { RetriesExhaustedError } from './retry';
export {
  AiccsCallError,
  InstanceNotFoundError,
  UpstreamError,
  UpstreamPermissionError,
  UpstreamThrottledError,
  UpstreamTimeoutError,
  classifyPopError,
  kindOfUpstreamCode,
  toUpstreamAppError,
  upstreamCodeError,
  type CallingFunction,
  type FailureKind,
  type UpstreamContext,
  type UpstreamFailure,
} from './upstream';
export { JobConflictError, JobNotFoundError } from './job';
