import type { RetryDecision } from '../retry';

/** What went wrong on one HotlineSessionQuery attempt, from the client's point of view. */
export type FailureKind = 'throttled' | 'transient' | 'timeout' | 'not-found' | 'permission' | 'auth' | 'rejected' | 'bad-response';

/** A failed attempt, classified. The message never carries request parameters or credentials. */
export class AiccsCallError extends Error {
  override name = 'AiccsCallError';
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

  if (shape.data !== undefined && code !== undefined) {
    return new AiccsCallError(kindOfUpstreamCode(code, status), `AICCS answered ${code}${status ? ` (HTTP ${status})` : ''}`, code, requestId, status, { cause: error });
  }
  if (name === 'RequestTimeoutError' || /timeout/i.test(name)) {
    return new AiccsCallError('timeout', 'AICCS did not answer within the client timeout', undefined, undefined, undefined, { cause: error });
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

export function kindOfUpstreamCode(code: string, status: number | undefined): FailureKind {
  if (THROTTLING.test(code) || status === 429) return 'throttled';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (code === 'NoTenantFound') return 'not-found';
  if (PERMISSION_CODES.has(code)) return 'permission';
  if (AUTH_CODES.test(code)) return 'auth';
  if (status !== undefined && status >= 500) return 'transient';
  return 'rejected';
}

/** Retry policy: throttling, transient faults and timeouts are safe to retry (the call is a read). */
export function aiccsRetryDecision(error: unknown): RetryDecision {
  const kind = error instanceof AiccsCallError ? error.kind : classifyPopError(error).kind;
  switch (kind) {
    case 'throttled':
      // The bucket refills per second; retrying sooner mostly burns budget.
      return { retry: true, reason: 'throttled', minDelayMs: 200 };
    case 'transient':
      return { retry: true, reason: 'transient' };
    case 'timeout':
      return { retry: true, reason: 'timeout' };
    default:
      return { retry: false };
  }
}
