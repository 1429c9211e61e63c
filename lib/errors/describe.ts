import { AppError } from './app-error';

/** What a failure says to whoever reads it: the problem+json mapper and the export summary both start here. */
export interface ErrorDescription {
  code: string;
  status: number;
  title: string;
  /** Safe to show when `expose`; otherwise a generic sentence. */
  detail: string;
  expose: boolean;
  details: Readonly<Record<string, unknown>>;
  headers: Readonly<Record<string, string>>;
}

const INTERNAL: ErrorDescription = Object.freeze({
  code: 'INTERNAL_ERROR',
  status: 500,
  title: 'Internal error',
  detail: 'An unexpected error occurred; see the function logs for this request id',
  expose: false,
  details: Object.freeze({}),
  headers: Object.freeze({}),
});

/**
 * The one reading of an error. AppErrors describe themselves (unexposed ones
 * with a generic detail and no details); anything else is a bug and becomes
 * INTERNAL_ERROR without detail. Never throws.
 */
export function describe(error: unknown): ErrorDescription {
  if (!(error instanceof AppError)) return INTERNAL;
  return {
    code: error.code,
    status: error.status,
    title: error.title,
    detail: error.expose ? error.detail : 'The request failed; see the function logs for this request id',
    expose: error.expose,
    details: error.expose ? error.details : {},
    headers: error.headers,
  };
}

/** One line for summaries and logs: `CODE: detail`. */
export function describeBriefly(error: unknown): string {
  const description = describe(error);
  return `${description.code}: ${description.detail}`;
}
