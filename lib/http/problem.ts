import { AppError } from '../errors/app-error';
import type { HttpResponse } from './types';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, plus our stable `code`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  [extension: string]: unknown;
}

/** `type` URIs are tag URIs (RFC 4151, as RFC 9457's own example does): stable identifiers, not links. */
export const problemType = (code: string) => `tag:aiccs-call-records,2026:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/**
 * The one place an error becomes a response. AppErrors keep their status and
 * code; anything else is a bug and answers a generic 500 without detail.
 */
export function toProblemResponse(error: unknown, requestId: string): HttpResponse {
  const body = toProblem(error, requestId);
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' };
  if (error instanceof AppError) Object.assign(headers, error.headers);
  return { status: body.status, headers, body: JSON.stringify(body) };
}

export function toProblem(error: unknown, requestId: string): ProblemBody {
  if (error instanceof AppError) {
    return {
      type: problemType(error.code),
      title: error.title,
      status: error.status,
      detail: error.expose ? error.detail : 'The request failed; see the function logs for this request id',
      instance: requestId,
      code: error.code,
      ...(error.expose ? error.extensions : {}),
    };
  }
  return {
    type: problemType('INTERNAL_ERROR'),
    title: 'Internal error',
    status: 500,
    detail: 'An unexpected error occurred; see the function logs for this request id',
    instance: requestId,
    code: 'INTERNAL_ERROR',
  };
}
