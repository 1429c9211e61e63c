import { describe as suite, expect, it } from 'vitest';
import {
  AppError,
  ConfigError,
  ContentMismatchError,
  CorruptStateError,
  ExportFailedError,
  IncompleteSliceError,
  LeaseLostError,
  SliceTooDenseError,
  StoreFailedError,
  ValidationError,
  describe,
  describeBriefly,
  issuesFromZod,
} from '../../lib/errors';
import { z } from 'zod';

suite('describe', () => {
  it('lets an exposed AppError describe itself', () => {
    const error = new ValidationError([{ path: 'pageSize', code: 'too_big', message: 'Too big' }], 'Query filter');
    expect(describe(error)).toStrictEqual({
      code: 'VALIDATION_FAILED',
      status: 422,
      title: 'Query filter failed validation',
      detail: 'pageSize: Too big',
      expose: true,
      details: { errors: [{ path: 'pageSize', code: 'too_big', message: 'Too big' }] },
      headers: {},
    });
  });

  it('hides the detail and details of an unexposed AppError', () => {
    const error = new AppError({ code: 'SOMETHING', status: 500, title: 'Broke', detail: 'secret-ish detail', details: { key: 'x' } });
    expect(describe(error)).toMatchObject({
      code: 'SOMETHING',
      status: 500,
      expose: false,
      detail: 'The request failed; see the function logs for this request id',
      details: {},
    });
  });

  it('turns anything else into INTERNAL_ERROR without its message', () => {
    expect(describe(new Error('password=hunter2'))).toMatchObject({ code: 'INTERNAL_ERROR', status: 500, expose: false });
    expect(JSON.stringify(describe(new Error('password=hunter2')))).not.toContain('hunter2');
    expect(describe('a string')).toMatchObject({ code: 'INTERNAL_ERROR' });
  });

  it.each([
    { error: new SliceTooDenseError({ from: 'a', to: 'b' }, 9, 5), code: 'SLICE_TOO_DENSE', name: 'SliceTooDenseError' },
    {
      error: new IncompleteSliceError({ range: { from: 'a', to: 'b' }, expected: 3, unique: 2, recount: 4, passes: 4 }),
      code: 'INCOMPLETE_SLICE',
      name: 'IncompleteSliceError',
    },
    { error: new LeaseLostError('scope/', 'it expired'), code: 'LEASE_LOST', name: 'LeaseLostError' },
    { error: new CorruptStateError('damaged'), code: 'CORRUPT_STATE', name: 'CorruptStateError' },
    { error: new StoreFailedError({ operation: 'get', key: 'k' }), code: 'STORE_FAILED', name: 'StoreFailedError' },
    { error: new ContentMismatchError('k', 'e1', 'e2'), code: 'CONTENT_MISMATCH', name: 'ContentMismatchError' },
    { error: new ExportFailedError({ instances: [{ instanceId: 'i', status: 'failed', error: 'X: y' }] }), code: 'EXPORT_FAILED', name: 'ExportFailedError' },
    { error: new ConfigError('OSS_BUCKET', 'is required'), code: 'CONFIG_INVALID', name: 'ConfigError' },
  ])('gives $name the stable code $code, exposed for the summary', ({ error, code, name }) => {
    expect(error.name).toBe(name);
    expect(describe(error)).toMatchObject({ code, expose: true });
    expect(describeBriefly(error)).toBe(`${code}: ${error.detail}`);
  });
});

suite('issuesFromZod', () => {
  const schema = z.strictObject({ page: z.number().int(), nested: z.strictObject({ a: z.string() }) });

  it('keeps path, code and message, and makes each unknown key its own unknown_field issue at its own path', () => {
    const result = schema.safeParse({ page: 1.5, nested: { a: 'x', b: 1, c: 2 }, extra: true });
    if (result.success) throw new Error('expected a failure');
    expect(issuesFromZod(result.error, { prefix: 'payload', suggest: (key) => (key === 'extra' ? 'page' : undefined) })).toStrictEqual([
      { path: 'payload.page', code: 'invalid_type', message: 'Invalid input: expected int, received number' },
      { path: 'payload.nested.b', code: 'unknown_field', message: 'Unknown field `b`' },
      { path: 'payload.nested.c', code: 'unknown_field', message: 'Unknown field `c`' },
      { path: 'payload.extra', code: 'unknown_field', message: 'Unknown field `extra`; did you mean `page`?' },
    ]);
  });
});
