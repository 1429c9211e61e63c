import { describe, expect, it } from 'vitest';
import { aiccsRetryDecision } from '../../lib/adapters/aiccs/retry-policy';
import { AiccsCallError, classifyPopError, RetriesExhaustedError, toUpstreamAppError } from '../../lib/errors';

/** An error shaped like the ones pop-core throws for a non-success Code. */
function popError(code: string, status: number) {
  return Object.assign(new Error(`msg, URL: https://aiccs.aliyuncs.com/`), {
    name: `${code}Error`,
    code,
    data: { RequestId: 'REQ-1', Code: code, Message: 'msg' },
    entry: { response: { statusCode: status } },
  });
}

describe('classifyPopError', () => {
  it.each([
    { code: 'Throttling.User', status: 400, kind: 'throttled', retry: true },
    { code: 'Throttling.Api', status: 400, kind: 'throttled', retry: true },
    { code: 'Throttling', status: 429, kind: 'throttled', retry: true },
    { code: 'SystemError', status: 500, kind: 'transient', retry: true },
    { code: 'InternalError', status: 500, kind: 'transient', retry: true },
    { code: 'ServiceUnavailable', status: 503, kind: 'transient', retry: true },
    { code: 'SignatureNonceUsed', status: 400, kind: 'transient', retry: true },
    { code: 'NoTenantFound', status: 500, kind: 'not-found', retry: false },
    { code: 'Forbidden.RAM', status: 403, kind: 'permission', retry: false },
    { code: 'NoPermission', status: 403, kind: 'permission', retry: false },
    { code: 'InvalidAccessKeyId.NotFound', status: 404, kind: 'auth', retry: false },
    { code: 'SignatureDoesNotMatch', status: 400, kind: 'auth', retry: false },
    { code: 'InvalidTimeStamp.Expired', status: 400, kind: 'auth', retry: false },
    { code: 'InvalidParameter', status: 400, kind: 'rejected', retry: false },
    { code: 'SomethingNew', status: 502, kind: 'transient', retry: true },
  ])('$code (HTTP $status) is $kind', ({ code, status, kind, retry }) => {
    const classified = classifyPopError(popError(code, status));
    expect(classified).toMatchObject({ kind, upstreamCode: code, upstreamRequestId: 'REQ-1', httpStatus: status });
    expect(aiccsRetryDecision(classified).retry).toBe(retry);
  });

  it.each([
    { info: 'httpx read timeout', error: Object.assign(new Error('ReadTimeout(3000). POST http://x/ failed.'), { name: 'RequestTimeoutError' }), kind: 'timeout' },
    { info: 'connection reset', error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), kind: 'transient' },
    { info: 'connection refused', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), kind: 'transient' },
    { info: 'an HTML 502 page', error: new SyntaxError('Unexpected token < in JSON'), kind: 'transient' },
    { info: 'something else', error: new TypeError('x is not a function'), kind: 'bad-response' },
  ])('classifies $info as $kind', ({ error, kind }) => {
    expect(classifyPopError(error).kind).toBe(kind);
  });
});

describe('toUpstreamAppError', () => {
  it.each([
    { last: popError('Throttling.User', 400), status: 503, code: 'UPSTREAM_THROTTLED' },
    { last: new AiccsCallError('timeout', 't', undefined, undefined, undefined), status: 504, code: 'UPSTREAM_TIMEOUT' },
    { last: popError('NoTenantFound', 500), status: 404, code: 'INSTANCE_NOT_FOUND' },
    { last: popError('Forbidden.RAM', 403), status: 502, code: 'UPSTREAM_PERMISSION_DENIED' },
    { last: popError('SignatureDoesNotMatch', 400), status: 502, code: 'UPSTREAM_AUTH_FAILED' },
    { last: popError('SystemError', 500), status: 502, code: 'UPSTREAM_UNAVAILABLE' },
    { last: popError('InvalidParameter', 400), status: 502, code: 'UPSTREAM_REJECTED' },
  ])('maps a final $code', ({ last, status, code }) => {
    const error = toUpstreamAppError(new RetriesExhaustedError(3, 'attempts', last), { instanceId: 'ccc_xp_pre-cn-abc123', caller: 'query' });
    expect(error).toMatchObject({ status, code });
  });

  it('says in the detail that the RAM role lacks the permission', () => {
    expect(toUpstreamAppError(popError('Forbidden.RAM', 403), { instanceId: 'i', caller: 'query' }).detail).toMatch(
      /RAM role lacks permission for aiccs:HotlineSessionQuery/,
    );
  });

  it('gives a throttled failure a Retry-After header', () => {
    expect(toUpstreamAppError(new RetriesExhaustedError(4, 'attempts', popError('Throttling.User', 400)), { instanceId: 'i', caller: 'query' }).headers).toStrictEqual({
      'Retry-After': '1',
    });
  });
});
