/** Errors in what a caller sent: the request, the filter, an export event, or SDK arguments. All 4xx, all exposed. */
import type { z } from 'zod';
import { AppError } from './app-error';

/** A single validation issue, shaped for problem+json `errors` (the Problem contract checks it has this shape). */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

export interface IssueOptions {
  /** Prepended to every path, e.g. `payload` for the timer payload inside a timer event. */
  prefix?: string;
  /** A known field close to an unknown one, for "did you mean" hints. */
  suggest?: (unknownKey: string) => string | undefined;
}

/**
 * zod issues as FieldIssues, the one rule every input uses (query filter,
 * SDK arguments, export events): an unknown key becomes its own issue at
 * its own path with code `unknown_field`; everything else keeps zod's path,
 * code and message. Never exposes zod's formatter output (it churns).
 */
export function issuesFromZod(error: z.ZodError, options: IssueOptions = {}): FieldIssue[] {
  const at = (path: ReadonlyArray<PropertyKey>) => [options.prefix ?? '', ...path.map(String)].filter((part) => part !== '').join('.');
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const suggestion = options.suggest?.(key);
        return { path: at([...issue.path, key]), code: 'unknown_field', message: `Unknown field \`${key}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}` };
      });
    }
    return [{ path: at(issue.path), code: issue.code, message: issue.message }];
  });
}

/** Input failed validation: 422 with every issue in `errors`. The message lists them all (FC shows it for failed invocations). */
export class ValidationError extends AppError {
  override name = 'ValidationError' as const;
  readonly issues: readonly FieldIssue[];
  /** @param subject what was validated, e.g. `Query filter`, `Export event`; it starts the title and the message. */
  constructor(issues: readonly FieldIssue[], subject = 'Request') {
    const count = issues.length;
    super({
      code: 'VALIDATION_FAILED',
      status: 422,
      title: `${subject} failed validation`,
      detail: count === 1 ? `${issues[0]?.path || '(body)'}: ${issues[0]?.message}` : `${count} issues`,
      details: { errors: issues },
    });
    this.issues = issues;
    this.message = `${subject} failed validation: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`;
  }
}

export class MalformedJsonError extends AppError {
  override name = 'MalformedJsonError' as const;
  constructor(detail: string, cause?: unknown) {
    super({ code: 'MALFORMED_JSON', status: 400, title: 'Request body is not valid JSON', detail, cause });
  }
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError' as const;
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
  override name = 'UnsupportedMediaTypeError' as const;
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
  override name = 'NotAcceptableError' as const;
  constructor(accept: string, offered: readonly string[]) {
    super({ code: 'NOT_ACCEPTABLE', status: 406, title: 'No acceptable response format', detail: `Accept \`${accept}\` matches none of ${offered.join(', ')}` });
  }
}

export class InstanceNotAllowedError extends AppError {
  override name = 'InstanceNotAllowedError' as const;
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
  override name = 'RouteNotFoundError' as const;
  constructor(path: string) {
    super({ code: 'ROUTE_NOT_FOUND', status: 404, title: 'No such route', detail: `No route for path \`${path}\`` });
  }
}

export class MethodNotAllowedError extends AppError {
  override name = 'MethodNotAllowedError' as const;
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
