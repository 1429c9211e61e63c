/**
 * The base of the project's one error taxonomy (lib/errors/). Every failure
 * a caller or an operator can see is an `AppError` with a stable `code`;
 * `describe()` (describe.ts) is the one place that reads it, for both the
 * problem+json responses of the query function and the export summaries.
 *
 * `expose` decides whether `detail` and `details` reach an HTTP caller. It
 * defaults to `status < 500`; upstream failures set it explicitly because
 * their details (upstream code, request id) help the caller and hold no secrets.
 */

export interface AppErrorOptions {
  code: string;
  status: number;
  title: string;
  detail: string;
  expose?: boolean;
  /** Extra members for the problem body (RFC 9457 extensions), e.g. `errors`, `upstreamCode`. */
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  // Widened to string: every subclass narrows it to its own literal.
  override name: string = 'AppError';
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly expose: boolean;
  readonly details: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(options: AppErrorOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.expose = options.expose ?? options.status < 500;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Turns anything thrown into an Error, so logs and `cause` chains stay uniform. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(`Non-error thrown: ${typeof thrown === 'string' ? thrown : typeof thrown}`);
}
