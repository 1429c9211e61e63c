/**
 * Upstream (AICCS) failures: how one failed attempt is classified, and how a
 * failed call (after retries) becomes an AppError. The adapter throws
 * AiccsCallError; callers map it with toUpstreamAppError at their boundary.
 */
import { AppError } from './app-error';
import { RetriesExhaustedError } from './retry';

/** What went wrong on one HotlineSessionQuery attempt, from the client's point of view. */
export type FailureKind = 'throttled' | 'transient' | 'timeout' | 'not-found' | 'permission' | 'auth' | 'rejected' | 'bad-response';

/** Which function called AICCS: advice names that function's RAM policy. */
export type CallingFunction = 'query' | 'export';

const RAM_POLICY: Readonly<Record<CallingFunction, string>> = {
  query: 'ram/query-function-policy.json',
  export: 'ram/export-function-policy.json',
};

/** A failed attempt, classified. The message never carries request parameters or credentials. */
export class AiccsCallError extends Error {
  override name = 'AiccsCallError' as const;
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly upstreamCode: string | undefined,
    readonly upstreamRequestId: string | undefined,
    readonly httpStatus: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const THROTTLING = /^Throttling/i;
const TRANSIENT_CODES = new Set(['SystemError', 'InternalError', 'ServiceUnavailable', 'ServiceUnavailableTemporary', 'SignatureNonceUsed']);
const PERMISSION_CODES = new Set(['Forbidden.RAM', 'NoPermission', 'Forbidden', 'Forbidden.AccessDenied', 'AccessDenied']);
const AUTH_CODES = /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|InvalidTimeStamp|InvalidSignatureMethod|MissingSecurityToken)/;
const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

export function kindOfUpstreamCode(code: string, status: number | undefined): FailureKind {
  if (THROTTLING.test(code) || status === 429) return 'throttled';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (code === 'NoTenantFound') return 'not-found';
  if (PERMISSION_CODES.has(code)) return 'permission';
  if (AUTH_CODES.test(code)) return 'auth';
  if (status !== undefined && status >= 500) return 'transient';
  return 'rejected';
}

/** An AICCS answer with an error code (in the body or the envelope), classified by that code. */
export function upstreamCodeError(code: string, status: number | undefined, requestId: string | undefined, cause?: unknown): AiccsCallError {
  return new AiccsCallError(
    kindOfUpstreamCode(code, status),
    `AICCS answered ${code}${status ? ` (HTTP ${status})` : ''}`,
    code,
    requestId,
    status,
    cause === undefined ? undefined : { cause },
  );
}

interface PopErrorShape {
  name?: unknown;
  code?: unknown;
  data?: { RequestId?: unknown; Message?: unknown };
  entry?: { response?: { statusCode?: unknown } };
}

/** Classifies what pop-core (or httpx underneath it) threw. */
export function classifyPopError(error: unknown): AiccsCallError {
  if (error instanceof AiccsCallError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as PopErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const requestId = typeof shape.data?.RequestId === 'string' ? shape.data.RequestId : undefined;
  const status = typeof shape.entry?.response?.statusCode === 'number' ? shape.entry.response.statusCode : undefined;

  if (shape.data !== undefined && code !== undefined) return upstreamCodeError(code, status, requestId, error);
  if (name === 'RequestTimeoutError' || /timeout/i.test(name)) {
    return new AiccsCallError('timeout', 'AICCS did not answer within the client timeout', undefined, undefined, undefined, { cause: error });
  }
  if (name === 'AbortError') {
    return new AiccsCallError('timeout', "The function's deadline came while AICCS had not answered", undefined, undefined, undefined, { cause: error });
  }
  if (code !== undefined && SOCKET_CODES.has(code)) {
    return new AiccsCallError('transient', `Connection to AICCS failed (${code})`, undefined, undefined, undefined, { cause: error });
  }
  if (error instanceof SyntaxError || name === 'SyntaxError') {
    // A gateway's HTML error page or a body cut short: pop-core's JSON parse fails.
    return new AiccsCallError('transient', 'AICCS answered with a body that is not JSON', undefined, undefined, undefined, { cause: error });
  }
  if (error instanceof Error && /socket hang up|ECONNRESET|network|connect/i.test(error.message)) {
    return new AiccsCallError('transient', 'Connection to AICCS failed', undefined, undefined, undefined, { cause: error });
  }
  return new AiccsCallError('bad-response', 'Calling AICCS failed unexpectedly', code, undefined, undefined, { cause: error });
}

/** Facts about an upstream failure that are safe to show a caller. */
export interface UpstreamFailure {
  upstreamCode?: string | undefined;
  upstreamRequestId?: string | undefined;
  attempts: number;
}

function upstreamDetails(code: string | undefined, requestId: string | undefined, attempts?: number) {
  const details: Record<string, unknown> = {};
  if (code !== undefined) details['upstreamCode'] = code;
  if (requestId !== undefined) details['upstreamRequestId'] = requestId;
  if (attempts !== undefined) details['attempts'] = attempts;
  return details;
}

export class InstanceNotFoundError extends AppError {
  override name = 'InstanceNotFoundError' as const;
  constructor(instanceId: string, upstreamRequestId: string | undefined) {
    super({
      code: 'INSTANCE_NOT_FOUND',
      status: 404,
      title: 'AICCS instance not found',
      detail: `AICCS does not know instance \`${instanceId}\` (NoTenantFound)`,
      details: upstreamDetails('NoTenantFound', upstreamRequestId),
    });
  }
}

export class UpstreamThrottledError extends AppError {
  override name = 'UpstreamThrottledError' as const;
  constructor(failure: UpstreamFailure, retryAfterSeconds: number, cause?: unknown) {
    super({
      code: 'UPSTREAM_THROTTLED',
      status: 503,
      title: 'AICCS is throttling requests',
      detail: `HotlineSessionQuery was still throttled after ${failure.attempts} attempts (the API allows 80 calls/s per account); retry after ${retryAfterSeconds} s`,
      expose: true,
      details: upstreamDetails(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause,
    });
  }
}

export class UpstreamTimeoutError extends AppError {
  override name = 'UpstreamTimeoutError' as const;
  constructor(failure: UpstreamFailure, detail: string, cause?: unknown) {
    super({
      code: 'UPSTREAM_TIMEOUT',
      status: 504,
      title: 'AICCS did not answer in time',
      detail,
      expose: true,
      details: upstreamDetails(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      cause,
    });
  }
}

export class UpstreamPermissionError extends AppError {
  override name = 'UpstreamPermissionError' as const;
  constructor(failure: UpstreamFailure, caller: CallingFunction, cause?: unknown) {
    super({
      code: 'UPSTREAM_PERMISSION_DENIED',
      status: 502,
      title: 'The function is not allowed to call AICCS',
      detail: `AICCS refused the ${caller} function's credentials: its RAM role lacks permission for aiccs:HotlineSessionQuery. Attach ${RAM_POLICY[caller]} to the ${caller} function's role.`,
      expose: true,
      details: upstreamDetails(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      cause,
    });
  }
}

/** Other upstream failures; `code` is one of UPSTREAM_AUTH_FAILED, UPSTREAM_UNAVAILABLE, UPSTREAM_REJECTED, UPSTREAM_BAD_RESPONSE. */
export class UpstreamError extends AppError {
  override name = 'UpstreamError' as const;
  constructor(code: string, title: string, detail: string, failure: UpstreamFailure, cause?: unknown) {
    super({ code, status: 502, title, detail, expose: true, details: upstreamDetails(failure.upstreamCode, failure.upstreamRequestId, failure.attempts), cause });
  }
}

export interface UpstreamContext {
  instanceId: string;
  caller: CallingFunction;
}

/**
 * Maps a failed HotlineSessionQuery (after retries) onto the taxonomy.
 * Upstream messages are not passed through: POP errors can echo signed
 * parameters. AppErrors pass unchanged.
 */
export function toUpstreamAppError(error: unknown, context: UpstreamContext): AppError {
  if (error instanceof AppError) return error;
  const exhausted = error instanceof RetriesExhaustedError ? error : undefined;
  const last = classifyPopError(exhausted ? exhausted.lastError : error);
  const failure = { upstreamCode: last.upstreamCode, upstreamRequestId: last.upstreamRequestId, attempts: exhausted?.attempts ?? 1 };
  switch (last.kind) {
    case 'throttled':
      return new UpstreamThrottledError(failure, 1, error);
    case 'timeout':
      return new UpstreamTimeoutError(
        failure,
        exhausted?.stoppedBy === 'deadline'
          ? `AICCS did not answer before the function's deadline (${failure.attempts} attempts)`
          : `AICCS did not answer in time after ${failure.attempts} attempts`,
        error,
      );
    case 'not-found':
      return new InstanceNotFoundError(context.instanceId, last.upstreamRequestId);
    case 'permission':
      return new UpstreamPermissionError(failure, context.caller, error);
    case 'auth':
      return new UpstreamError(
        'UPSTREAM_AUTH_FAILED',
        'AICCS rejected the credentials',
        `AICCS rejected the ${context.caller} function's credentials (${last.upstreamCode}); check the function role and the clock`,
        failure,
        error,
      );
    case 'transient':
      return new UpstreamError('UPSTREAM_UNAVAILABLE', 'AICCS failed', `AICCS kept failing (${last.message}) after ${failure.attempts} attempts`, failure, error);
    case 'rejected':
      return new UpstreamError('UPSTREAM_REJECTED', 'AICCS rejected the request', `AICCS rejected the request (${last.upstreamCode ?? 'no code'})`, failure, error);
    default:
      return new UpstreamError('UPSTREAM_BAD_RESPONSE', 'AICCS answered unexpectedly', last.message, failure, error);
  }
}
