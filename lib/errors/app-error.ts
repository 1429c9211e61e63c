/**
 * The project's one error taxonomy. Every failure a caller can see is an
 * `AppError` with a stable `code`; `lib/http/problem.ts` is the only place
 * that turns one into a response.
 *
 * `expose` decides whether `detail` reaches the caller. It defaults to
 * `status < 500`; upstream failures set it explicitly because their details
 * (upstream code, request id) help the caller and contain no secrets.
 */

/** A single validation issue, shaped for problem+json `errors`. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

export interface AppErrorOptions {
  code: string;
  status: number;
  title: string;
  detail: string;
  expose?: boolean;
  /** Extra problem members (RFC 9457 extensions), e.g. `errors`, `upstreamCode`. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly expose: boolean;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(options: AppErrorOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.expose = options.expose ?? options.status < 500;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export class MalformedJsonError extends AppError {
  override name = 'MalformedJsonError';
  constructor(detail: string, cause?: unknown) {
    super({ code: 'MALFORMED_JSON', status: 400, title: 'Request body is not valid JSON', detail, cause });
  }
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number, actualBytes: number) {
    super({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      title: 'Request body is too large',
      detail: `Expected a body of at most ${limitBytes} bytes, got ${actualBytes} bytes`,
    });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  constructor(contentType: string) {
    super({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
      title: 'Request body must be JSON',
      detail: `Expected Content-Type application/json, got \`${contentType}\``,
      headers: { 'Accept-Post': 'application/json' },
    });
  }
}

export class NotAcceptableError extends AppError {
  override name = 'NotAcceptableError';
  constructor(accept: string, offered: readonly string[]) {
    super({
      code: 'NOT_ACCEPTABLE',
      status: 406,
      title: 'No acceptable response format',
      detail: `Accept \`${accept}\` matches none of ${offered.join(', ')}`,
    });
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[], title = 'Request failed validation') {
    const count = issues.length;
    super({
      code: 'VALIDATION_FAILED',
      status: 422,
      title,
      detail: count === 1 ? `${issues[0]?.path || '(body)'}: ${issues[0]?.message}` : `${count} issues`,
      extensions: { errors: issues },
    });
    this.issues = issues;
  }
}

export class InstanceNotAllowedError extends AppError {
  override name = 'InstanceNotAllowedError';
  constructor(instanceId: string) {
    super({
      code: 'INSTANCE_NOT_ALLOWED',
      status: 403,
      title: 'Instance not allowed',
      detail: `This function may not read AICCS instance \`${instanceId}\`; it is not in AICCS_INSTANCE_IDS`,
    });
  }
}

export class RouteNotFoundError extends AppError {
  override name = 'RouteNotFoundError';
  constructor(path: string) {
    super({ code: 'ROUTE_NOT_FOUND', status: 404, title: 'No such route', detail: `No route for path \`${path}\`` });
  }
}

export class MethodNotAllowedError extends AppError {
  override name = 'MethodNotAllowedError';
  constructor(method: string, path: string, allowed: readonly string[]) {
    super({
      code: 'METHOD_NOT_ALLOWED',
      status: 405,
      title: 'Method not allowed',
      detail: `${method} is not allowed on \`${path}\`; use ${allowed.join(' or ')}`,
      headers: { Allow: allowed.join(', ') },
    });
  }
}

export class InstanceNotFoundError extends AppError {
  override name = 'InstanceNotFoundError';
  constructor(instanceId: string, upstreamRequestId: string | undefined) {
    super({
      code: 'INSTANCE_NOT_FOUND',
      status: 404,
      title: 'AICCS instance not found',
      detail: `AICCS does not know instance \`${instanceId}\` (NoTenantFound)`,
      extensions: upstreamExtensions('NoTenantFound', upstreamRequestId),
    });
  }
}

/** Facts about an upstream failure that are safe to show a caller. */
export interface UpstreamFailure {
  upstreamCode?: string | undefined;
  upstreamRequestId?: string | undefined;
  attempts: number;
}

function upstreamExtensions(code: string | undefined, requestId: string | undefined, attempts?: number) {
  const extensions: Record<string, unknown> = {};
  if (code !== undefined) extensions['upstreamCode'] = code;
  if (requestId !== undefined) extensions['upstreamRequestId'] = requestId;
  if (attempts !== undefined) extensions['attempts'] = attempts;
  return extensions;
}

export class UpstreamThrottledError extends AppError {
  override name = 'UpstreamThrottledError';
  constructor(failure: UpstreamFailure, retryAfterSeconds: number, cause?: unknown) {
    super({
      code: 'UPSTREAM_THROTTLED',
      status: 503,
      title: 'AICCS is throttling requests',
      detail: `HotlineSessionQuery was still throttled after ${failure.attempts} attempts (the API allows 80 calls/s per account); retry after ${retryAfterSeconds} s`,
      expose: true,
      extensions: upstreamExtensions(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause,
    });
  }
}

export class UpstreamTimeoutError extends AppError {
  override name = 'UpstreamTimeoutError';
  constructor(failure: UpstreamFailure, detail: string, cause?: unknown) {
    super({
      code: 'UPSTREAM_TIMEOUT',
      status: 504,
      title: 'AICCS did not answer in time',
      detail,
      expose: true,
      extensions: upstreamExtensions(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      cause,
    });
  }
}

export class UpstreamPermissionError extends AppError {
  override name = 'UpstreamPermissionError';
  constructor(failure: UpstreamFailure, cause?: unknown) {
    super({
      code: 'UPSTREAM_PERMISSION_DENIED',
      status: 502,
      title: 'The function is not allowed to call AICCS',
      detail:
        "AICCS refused the function's credentials: the function's RAM role lacks permission for aiccs:HotlineSessionQuery. Attach ram/query-function-policy.json to the role.",
      expose: true,
      extensions: upstreamExtensions(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      cause,
    });
  }
}

export class UpstreamError extends AppError {
  override name = 'UpstreamError';
  constructor(code: string, title: string, detail: string, failure: UpstreamFailure, cause?: unknown) {
    super({
      code,
      status: 502,
      title,
      detail,
      expose: true,
      extensions: upstreamExtensions(failure.upstreamCode, failure.upstreamRequestId, failure.attempts),
      cause,
    });
  }
}

export class ConfigError extends AppError {
  override name = 'ConfigError';
  readonly variable: string;
  constructor(variable: string, message: string) {
    super({
      code: 'CONFIG_INVALID',
      status: 500,
      title: 'Function is misconfigured',
      // The variable's name helps the operator; its value is never echoed.
      detail: `Environment variable ${variable}: ${message}`,
      expose: true,
    });
    this.variable = variable;
  }
}

/** Turns anything thrown into an Error, so logs and `cause` chains stay uniform. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(`Non-error thrown: ${typeof thrown === 'string' ? thrown : typeof thrown}`);
}
