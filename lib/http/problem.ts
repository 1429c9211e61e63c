import { PROBLEM_CONTENT_TYPE, problemType, type Problem } from '../contracts/problem';
import { describe } from '../errors';
import type { HttpResponse } from './types';

/**
 * The one place an error becomes a response: describe() decides what may
 * be shown (anything not an AppError is a bug and answers a generic 500
 * without detail); this shapes it as RFC 9457 problem+json.
 */
export function toProblemResponse(error: unknown, requestId: string): HttpResponse {
  const description = describe(error);
  const body = toProblem(error, requestId);
  return { status: body.status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...description.headers }, body: JSON.stringify(body) };
}

export function toProblem(error: unknown, requestId: string): Problem {
  const { code, status, title, detail, details } = describe(error);
  return { type: problemType(code), title, status, detail, instance: requestId, code, ...details };
}
