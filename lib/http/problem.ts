import { PROBLEM_CONTENT_TYPE, problemType, type Problem } from '../contracts/problem';
import { describe, type ErrorDescription } from '../errors';
import type { HttpResponse } from './types';

/**
 * The one place an error becomes a response: describe() decides what may
 * be shown (anything not an AppError is a bug and answers a generic 500
 * without detail); this shapes it as RFC 9457 problem+json.
 */
export function toProblemResponse(error: unknown, requestId: string): HttpResponse {
  const description = describe(error);
  const body = problemOf(description, requestId);
  return { status: body.status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...description.headers }, body: JSON.stringify(body) };
}

export function toProblem(error: unknown, requestId: string): Problem {
  return problemOf(describe(error), requestId);
}

function problemOf({ code, status, title, detail, details }: ErrorDescription, requestId: string): Problem {
  return { type: problemType(code), title, status, detail, instance: requestId, code, ...details };
}
