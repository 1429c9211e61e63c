/** Turns an invoke result of the query function into a QueryResponse or a typed error. */
import { z } from 'zod';
import { ProblemSchema } from '../contracts/problem';
import { QueryResponseSchema, type QueryResponse } from '../contracts/query-response';
import { CallRecordsProblemError, FunctionInvocationError, UnexpectedResponseError } from './errors';
import type { InvokeResult } from './invoker';

/** The FC HTTP response struct the query handler returns for every invocation. */
const HttpStructSchema = z.looseObject({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.unknown()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

const FunctionErrorBodySchema = z.looseObject({ errorMessage: z.string().optional(), errorType: z.string().optional() });

/** @throws FunctionInvocationError when X-Fc-Error-Type is set (FC answers 200 for function errors). */
export function assertNoFunctionError(functionName: string, result: InvokeResult): void {
  const errorType = result.headers['x-fc-error-type'];
  if (errorType === undefined) return;
  const text = result.body.toString('utf8');
  const parsed = FunctionErrorBodySchema.safeParse(parseJson(text));
  const errorMessage = parsed.success ? (parsed.data.errorMessage ?? text) : text;
  const functionErrorType = parsed.success ? parsed.data.errorType : undefined;
  throw new FunctionInvocationError(functionName, errorType, errorMessage.slice(0, 2_000), functionErrorType, result.headers['x-fc-request-id']);
}

/**
 * A sync invocation of the query function: unwraps the HTTP struct (or takes
 * the body as is when the function returned plain JSON), then parses a 2xx
 * body as QueryResponse and anything else as problem+json.
 */
export function decodeQueryResult(functionName: string, result: InvokeResult): QueryResponse {
  assertNoFunctionError(functionName, result);
  const outer = parseJson(result.body.toString('utf8'));
  const struct = HttpStructSchema.safeParse(outer);
  const status = struct.success ? struct.data.statusCode : result.status;
  const payload = struct.success ? parseJson(decodeStructBody(struct.data)) : outer;

  if (status >= 200 && status < 300) {
    const parsed = QueryResponseSchema.safeParse(payload);
    if (parsed.success) return parsed.data;
    throw new UnexpectedResponseError(functionName, status, 'the body is not a QueryResponse', { cause: parsed.error });
  }
  const problem = ProblemSchema.safeParse(payload);
  if (problem.success) throw new CallRecordsProblemError(problem.data);
  throw new UnexpectedResponseError(functionName, status, 'the error body is not problem+json', { cause: problem.error });
}

function decodeStructBody(struct: z.infer<typeof HttpStructSchema>): string {
  const body = struct.body ?? '';
  return struct.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body;
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}
