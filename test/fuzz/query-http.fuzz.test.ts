import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HotlineSessionApi } from '../../lib/adapters/aiccs/hotline-api';
import { loadQueryConfig } from '../../lib/query/config';
import { createFcHttpHandler } from '../../lib/fc/http-adapter';
import { silentLogger } from '../../lib/log/logger';
import { createQueryApp } from '../../lib/query/query-app';
import { aContext } from '../builders/fc';

/** Bounded in CI; FUZZ_RUNS=100000 for a long local run. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const INSTANCE = 'ccc_xp_pre-cn-fuzz0001';
const CLIENT_ERROR_CODES = new Set([
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_ACCEPTABLE',
  'VALIDATION_FAILED',
  'INSTANCE_NOT_ALLOWED',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
]);

let upstreamCalls = 0;
const api: HotlineSessionApi = {
  async queryPage(params) {
    upstreamCalls++;
    return { requestId: 'fuzz', pageNumber: Number(params['PageNo']), pageSize: Number(params['PageSize']), totalCount: 0, records: [] };
  },
};
const handler = createFcHttpHandler(
  createQueryApp({ config: loadQueryConfig({ AICCS_INSTANCE_IDS: `${INSTANCE},ccc_xp_pre-cn-fuzz0002` }), apiFor: () => api, logger: silentLogger }),
);

const filterKeys = [
  'instanceId',
  'InstanceId',
  'pageSize',
  'PageSize',
  'pageNo',
  'callType',
  'callTypeList',
  'acidList',
  'groupId',
  'startTime',
  'endTime',
  'QueryStartTime',
  'all',
  'limit',
  'callResult',
  'servicerName',
  'params',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
];
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.constantFrom(
    INSTANCE,
    'ccc_xp_pre-cn-other',
    '../..',
    '',
    ' ',
    'inbound',
    1,
    3,
    50,
    51,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 1,
    Number.MAX_SAFE_INTEGER,
    '9'.repeat(400),
    '2026-11-24T00:00:00Z',
    '2026-11-24T00:00:00',
    true,
    null,
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 120 }),
);
const filterLike = fc.dictionary(fc.oneof(fc.constantFrom(...filterKeys), fc.string({ maxLength: 12 })), nasty, { maxKeys: 8 }).map((object) => JSON.stringify(object));
const rawBody = fc.oneof(
  filterLike,
  fc.jsonValue({ maxDepth: 12 }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  // Duplicate keys, deep nesting, truncation, a BOM, a body just over 64 KiB.
  fc.constantFrom(
    `{"pageSize":1,"pageSize":2,"instanceId":"${INSTANCE}"}`,
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `{"instanceId":"${INSTANCE}"`,
    `\uFEFF{"instanceId":"${INSTANCE}"}`,
    JSON.stringify({ instanceId: INSTANCE, params: 'x'.repeat(70_000) }),
    `{"__proto__":{"polluted":1},"instanceId":"${INSTANCE}"}`,
  ),
);
const request = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'post', 'X'),
  path: fc.constantFrom('/', '/', '/', '/openapi.json', '//', '/records', '/%2e%2e/', '/openapi.json/', ''),
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/vnd.x+json',
      '',
      'application/json\u0000',
    ),
    { nil: undefined },
  ),
  accept: fc.option(fc.constantFrom('*/*', 'application/json', 'text/csv', 'application/x-ndjson', 'application/xml', 'text/html;q=0.9', 'application/json;q=0', ''), {
    nil: undefined,
  }),
  body: rawBody,
  base64: fc.constantFrom(false, false, true),
  base64Garbage: fc.boolean(),
});

describe(`query function HTTP path under ${RUNS} generated requests`, () => {
  it('never answers 5xx, always answers 4xx as problem+json with a stable code, and never calls AICCS for a rejected request', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers['Content-Type'] = r.contentType;
        if (r.accept !== undefined) headers['Accept'] = r.accept;
        const body = r.base64 ? (r.base64Garbage ? `!!${r.body}%%` : Buffer.from(r.body).toString('base64')) : r.body;
        const event = Buffer.from(
          JSON.stringify({
            version: 'v1',
            rawPath: r.path,
            body,
            isBase64Encoded: r.base64,
            headers,
            queryParameters: {},
            requestContext: { requestId: 'fuzz', http: { method: r.method, path: r.path } },
          }),
        );
        const before = upstreamCalls;
        const result = await handler(event, aContext());
        expect(result.statusCode).toBeLessThan(500);
        if (result.statusCode >= 400) {
          expect(result.headers['Content-Type']).toBe('application/problem+json');
          const problem = JSON.parse(result.body) as { status: number; code: string; type: string };
          expect(problem.status).toBe(result.statusCode);
          expect(CLIENT_ERROR_CODES.has(problem.code)).toBe(true);
          expect(upstreamCalls).toBe(before);
        }
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('treats any non-HTTP event as a direct invocation and still never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 8 }).map((value) => JSON.stringify(value)),
          fc.string({ unit: 'binary', maxLength: 300 }),
          filterLike,
        ),
        async (text) => {
          const result = await handler(Buffer.from(text), aContext());
          expect(result.statusCode).toBeLessThan(500);
          if (result.statusCode >= 400) expect(CLIENT_ERROR_CODES.has((JSON.parse(result.body) as { code: string }).code)).toBe(true);
        },
      ),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  }, 60_000);
});
