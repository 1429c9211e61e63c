import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InstanceNotAllowedError,
  InstanceNotFoundError,
  MalformedJsonError,
  MethodNotAllowedError,
  NotAcceptableError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  UpstreamError,
  UpstreamPermissionError,
  UpstreamThrottledError,
  UpstreamTimeoutError,
  ValidationError,
} from '../../lib/errors';
import { toProblemResponse } from '../../lib/http/problem';

const respond = (error: unknown) => {
  const response = toProblemResponse(error, 'req-1');
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body) as unknown };
};
const failure = { upstreamCode: 'Throttling.User', upstreamRequestId: 'UP-1', attempts: 4 };

describe('toProblemResponse', () => {
  it('maps a validation error with its issues', () => {
    expect(respond(new ValidationError([{ path: 'pageSize', code: 'too_big', message: 'Too big: expected number to be <=50' }]))).toMatchInlineSnapshot(`
      {
        "body": {
          "code": "VALIDATION_FAILED",
          "detail": "pageSize: Too big: expected number to be <=50",
          "errors": [
            {
              "code": "too_big",
              "message": "Too big: expected number to be <=50",
              "path": "pageSize",
            },
          ],
          "instance": "req-1",
          "status": 422,
          "title": "Request failed validation",
          "type": "tag:aiccs-call-records,2026:problem:validation-failed",
        },
        "headers": {
          "Cache-Control": "no-store",
          "Content-Type": "application/problem+json",
        },
        "status": 422,
      }
    `);
  });

  it('maps throttling to 503 with Retry-After and the upstream facts', () => {
    expect(respond(new UpstreamThrottledError(failure, 1))).toMatchInlineSnapshot(`
      {
        "body": {
          "attempts": 4,
          "code": "UPSTREAM_THROTTLED",
          "detail": "HotlineSessionQuery was still throttled after 4 attempts (the API allows 80 calls/s per account); retry after 1 s",
          "instance": "req-1",
          "status": 503,
          "title": "AICCS is throttling requests",
          "type": "tag:aiccs-call-records,2026:problem:upstream-throttled",
          "upstreamCode": "Throttling.User",
          "upstreamRequestId": "UP-1",
        },
        "headers": {
          "Cache-Control": "no-store",
          "Content-Type": "application/problem+json",
          "Retry-After": "1",
        },
        "status": 503,
      }
    `);
  });

  it('maps a missing RAM permission to 502 and says so', () => {
    expect(respond(new UpstreamPermissionError({ upstreamCode: 'Forbidden.RAM', upstreamRequestId: 'UP-2', attempts: 1 }, 'query')).body).toMatchInlineSnapshot(`
      {
        "attempts": 1,
        "code": "UPSTREAM_PERMISSION_DENIED",
        "detail": "AICCS refused the query function's credentials: its RAM role lacks permission for aiccs:HotlineSessionQuery. Attach ram/query-function-policy.json to the query function's role.",
        "instance": "req-1",
        "status": 502,
        "title": "The function is not allowed to call AICCS",
        "type": "tag:aiccs-call-records,2026:problem:upstream-permission-denied",
        "upstreamCode": "Forbidden.RAM",
        "upstreamRequestId": "UP-2",
      }
    `);
  });

  it.each([
    { error: new MalformedJsonError('Body is not valid JSON: x'), status: 400, code: 'MALFORMED_JSON' },
    { error: new InstanceNotAllowedError('ccc_other'), status: 403, code: 'INSTANCE_NOT_ALLOWED' },
    { error: new RouteNotFoundError('/nope'), status: 404, code: 'ROUTE_NOT_FOUND' },
    { error: new InstanceNotFoundError('ccc_x', 'UP-3'), status: 404, code: 'INSTANCE_NOT_FOUND' },
    { error: new MethodNotAllowedError('GET', '/', ['POST']), status: 405, code: 'METHOD_NOT_ALLOWED' },
    { error: new NotAcceptableError('application/xml', ['application/json']), status: 406, code: 'NOT_ACCEPTABLE' },
    { error: new PayloadTooLargeError(65536, 70000), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { error: new UnsupportedMediaTypeError('text/plain'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { error: new UpstreamError('UPSTREAM_UNAVAILABLE', 't', 'd', failure), status: 502, code: 'UPSTREAM_UNAVAILABLE' },
    { error: new UpstreamTimeoutError(failure, 'slow'), status: 504, code: 'UPSTREAM_TIMEOUT' },
    { error: new ConfigError('AICCS_INSTANCE_IDS', 'is required'), status: 500, code: 'CONFIG_INVALID' },
  ])('maps $code to $status', ({ error, status, code }) => {
    const { body } = respond(error);
    expect(body).toMatchObject({ status, code, instance: 'req-1', type: expect.stringContaining(code.toLowerCase().replaceAll('_', '-')) });
  });

  it('sends Allow with 405', () => {
    expect(respond(new MethodNotAllowedError('GET', '/', ['POST'])).headers['Allow']).toBe('POST');
  });

  it('hides everything about a bug behind a generic 500', () => {
    expect(respond(new TypeError('secret internals: accessKeySecret=abc'))).toMatchInlineSnapshot(`
      {
        "body": {
          "code": "INTERNAL_ERROR",
          "detail": "An unexpected error occurred; see the function logs for this request id",
          "instance": "req-1",
          "status": 500,
          "title": "Internal error",
          "type": "tag:aiccs-call-records,2026:problem:internal-error",
        },
        "headers": {
          "Cache-Control": "no-store",
          "Content-Type": "application/problem+json",
        },
        "status": 500,
      }
    `);
  });
});
