import { describe, expect, it } from 'vitest';
import { MalformedJsonError, NotAcceptableError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../lib/errors';
import { MAX_BODY_BYTES, readJsonBody } from '../../lib/http/json-body';
import { negotiateRecordFormat } from '../../lib/http/negotiate';
import type { HttpRequest } from '../../lib/http/types';

const aRequest = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): HttpRequest => ({
  method: 'POST',
  path: '/',
  headers,
  query: {},
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

describe('readJsonBody', () => {
  it.each([
    { info: 'plain JSON', headers: { 'content-type': 'application/json' } },
    { info: 'JSON with charset', headers: { 'content-type': 'application/json; charset=utf-8' } },
    { info: 'a +json type', headers: { 'content-type': 'application/vnd.filter+json' } },
    { info: 'no content type', headers: {} },
  ])('reads $info', ({ headers }) => {
    expect(readJsonBody(aRequest('{"a":1}', headers))).toStrictEqual({ a: 1 });
  });

  it.each([
    { info: 'text/plain', body: '{}', headers: { 'content-type': 'text/plain' }, error: UnsupportedMediaTypeError },
    { info: 'a form', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, error: UnsupportedMediaTypeError },
    { info: 'broken JSON', body: '{"a":', headers: undefined, error: MalformedJsonError },
    { info: 'an empty body', body: '  ', headers: undefined, error: MalformedJsonError },
    { info: 'invalid UTF-8', body: Buffer.from([0x7b, 0xff, 0x7d]), headers: undefined, error: MalformedJsonError },
    { info: 'a body one byte over 64 KiB', body: `"${'x'.repeat(MAX_BODY_BYTES - 1)}"`, headers: undefined, error: PayloadTooLargeError },
  ])('refuses $info', ({ body, headers, error }) => {
    expect(() => readJsonBody(aRequest(body, headers))).toThrow(error);
  });

  it('accepts a body of exactly 64 KiB', () => {
    expect(readJsonBody(aRequest(`"${'x'.repeat(MAX_BODY_BYTES - 2)}"`))).toHaveLength(MAX_BODY_BYTES - 2);
  });
});

describe('negotiateRecordFormat', () => {
  it.each([
    { accept: undefined, format: 'json' },
    { accept: '*/*', format: 'json' },
    { accept: 'application/json', format: 'json' },
    { accept: 'application/x-ndjson', format: 'ndjson' },
    { accept: 'application/ndjson', format: 'ndjson' },
    { accept: 'text/csv', format: 'csv' },
    { accept: 'text/csv;q=0.5, application/x-ndjson', format: 'ndjson' },
    { accept: 'application/xml, text/csv', format: 'csv' },
    { accept: 'text/html, */*;q=0.1', format: 'json' },
  ])('Accept $accept → $format', ({ accept, format }) => {
    expect(negotiateRecordFormat(accept)).toBe(format);
  });

  it.each(['application/xml', 'text/html', 'application/json;q=0'])('refuses %s with 406', (accept) => {
    expect(() => negotiateRecordFormat(accept)).toThrow(NotAcceptableError);
  });
});
