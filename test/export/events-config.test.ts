import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../lib/errors';
import { loadExportConfig } from '../../lib/export/config';
import { parseExportEvent } from '../../lib/export/events';

const allowed = ['ccc_xp_pre-cn-a1', 'ccc_xp_pre-cn-b2'];
const parse = (event: unknown) => parseExportEvent(Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), allowed);
const issuesOf = (event: unknown) => {
  try {
    parse(event);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => issue.path);
    throw error;
  }
  throw new Error('expected the event to be refused');
};

describe('parseExportEvent', () => {
  it('reads a timer event as an incremental run over every configured instance', () => {
    expect(parse({ triggerTime: '2026-11-24T09:15:00Z', triggerName: 'hourly', payload: '' })).toStrictEqual({ mode: 'incremental', instanceIds: allowed });
  });

  it('applies JSON overrides from the timer payload', () => {
    expect(parse({ triggerTime: '2026-11-24T09:15:00Z', triggerName: 'hourly', payload: '{"instanceIds":["ccc_xp_pre-cn-b2"],"format":"csv"}' })).toStrictEqual({
      mode: 'incremental',
      instanceIds: ['ccc_xp_pre-cn-b2'],
      format: 'csv',
    });
  });

  it('takes format parquet in a backfill and in the timer payload', () => {
    expect(parse({ instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00Z', to: '2026-11-01T01:00:00Z', format: 'parquet' })).toMatchObject({ format: 'parquet' });
    expect(parse({ triggerTime: '2026-11-24T09:15:00Z', triggerName: 'hourly', payload: '{"format":"parquet"}' })).toMatchObject({
      mode: 'incremental',
      format: 'parquet',
    });
    expect(issuesOf({ instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00Z', to: '2026-11-01T01:00:00Z', format: 'orc' })).toStrictEqual(['format']);
  });

  it('reads a backfill', () => {
    expect(parse({ instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00+08:00', to: '2026-11-02T00:00:00Z', format: 'csv' })).toStrictEqual({
      mode: 'backfill',
      instanceId: 'ccc_xp_pre-cn-a1',
      range: { from: Date.parse('2026-10-31T16:00:00Z'), to: Date.parse('2026-11-02T00:00:00Z') },
      format: 'csv',
    });
  });

  it.each([
    { info: 'not JSON', event: 'tick', paths: [''] },
    { info: 'an array', event: [], paths: [''] },
    { info: 'a timer with a bad time', event: { triggerTime: 'yesterday', triggerName: 't' }, paths: ['triggerTime'] },
    { info: 'a payload that is not JSON', event: { triggerTime: '2026-11-24T09:15:00Z', triggerName: 't', payload: '{oops' }, paths: ['payload'] },
    { info: 'an unknown payload field', event: { triggerTime: '2026-11-24T09:15:00Z', triggerName: 't', payload: '{"instance":"x"}' }, paths: ['payload.instance'] },
    {
      info: 'a payload instance outside the allowlist',
      event: { triggerTime: '2026-11-24T09:15:00Z', triggerName: 't', payload: '{"instanceIds":["ccc_other"]}' },
      paths: ['payload.instanceIds'],
    },
    { info: 'a backfill without an offset', event: { instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00', to: '2026-11-02T00:00:00Z' }, paths: ['from'] },
    { info: 'a backfill ending before it starts', event: { instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, paths: ['to'] },
    {
      info: 'a backfill with a path in the instance id',
      event: { instanceId: '../../etc', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
      paths: ['instanceId'],
    },
    {
      info: 'a backfill for an instance outside the allowlist',
      event: { instanceId: 'ccc_other', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
      paths: ['instanceId'],
    },
    {
      info: 'an unknown backfill field',
      event: { instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', force: true },
      paths: ['force'],
    },
  ])('refuses $info, naming the field', ({ event, paths }) => {
    expect(issuesOf(event)).toStrictEqual(paths);
  });

  it('reports unknown fields as the query filter and the SDK do: one unknown_field issue per key, at its own path', () => {
    const event = { instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', force: true, dryRun: false };
    const error = (() => {
      try {
        parse(event);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
    expect((error as ValidationError).issues).toStrictEqual([
      { path: 'force', code: 'unknown_field', message: 'Unknown field `force`' },
      { path: 'dryRun', code: 'unknown_field', message: 'Unknown field `dryRun`' },
    ]);
    expect((error as ValidationError).message).toBe('Export event failed validation: force: Unknown field `force`; dryRun: Unknown field `dryRun`');
  });
});

describe('loadExportConfig', () => {
  const minimal = { EXPORT_INSTANCE_IDS: 'a1', OSS_REGION: 'cn-hangzhou', OSS_BUCKET: 'cdr-export' };

  it('fills defaults', () => {
    const config = loadExportConfig(minimal);
    expect(config).toMatchObject({ instanceIds: ['a1'], oss: { region: 'oss-cn-hangzhou', bucket: 'cdr-export', endpoint: undefined }, qps: 20 });
    expect(config.settings).toMatchObject({
      prefix: 'aiccs-call-records',
      format: 'jsonl',
      settleMinutes: 10,
      lookbackHours: 24,
      maxObjectRecords: 200_000,
      maxObjectBytes: 64 * 1024 ** 2,
      recheckHours: 48,
      finalizeAfterHours: 24,
    });
  });

  it('reads the look-back settings, 0 included (rechecks off; every hour final at its first export)', () => {
    expect(loadExportConfig({ ...minimal, EXPORT_RECHECK_HOURS: '0', EXPORT_FINALIZE_AFTER_HOURS: '0' }).settings).toMatchObject({
      recheckHours: 0,
      finalizeAfterHours: 0,
    });
    expect(loadExportConfig({ ...minimal, EXPORT_RECHECK_HOURS: '72', EXPORT_FINALIZE_AFTER_HOURS: '6' }).settings).toMatchObject({
      recheckHours: 72,
      finalizeAfterHours: 6,
    });
  });

  it('takes every export format, parquet included', () => {
    expect(['jsonl', 'csv', 'parquet'].map((format) => loadExportConfig({ ...minimal, EXPORT_FORMAT: format }).settings.format)).toStrictEqual([
      'jsonl',
      'csv',
      'parquet',
    ]);
  });

  it('names both variables when EXPORT_QPS exceeds the account quota, and accepts a raised quota', () => {
    expect(() => loadExportConfig({ ...minimal, EXPORT_QPS: '81' })).toThrow(/EXPORT_QPS.*AICCS_ACCOUNT_QPS \(80\)/);
    const raised = loadExportConfig({ ...minimal, EXPORT_QPS: '150', AICCS_ACCOUNT_QPS: '200' });
    expect(raised.qps).toBe(150);
    expect(raised.accountQps).toBe(200);
  });

  it('trims slashes from the prefix', () => {
    expect(loadExportConfig({ ...minimal, EXPORT_PREFIX: '/lake/cdr/' }).settings.prefix).toBe('lake/cdr');
  });

  it.each([
    { variable: 'EXPORT_INSTANCE_IDS', env: { ...minimal, EXPORT_INSTANCE_IDS: '' } },
    { variable: 'OSS_REGION', env: { ...minimal, OSS_REGION: undefined } },
    { variable: 'OSS_BUCKET', env: { ...minimal, OSS_BUCKET: 'Bad_Bucket' } },
    { variable: 'OSS_ENDPOINT', env: { ...minimal, OSS_ENDPOINT: 'oss.example.com' } },
    { variable: 'EXPORT_PREFIX', env: { ...minimal, EXPORT_PREFIX: 'lake/../etc' } },
    { variable: 'EXPORT_PREFIX', env: { ...minimal, EXPORT_PREFIX: 'lake//x' } },
    { variable: 'EXPORT_PREFIX', env: { ...minimal, EXPORT_PREFIX: 'lake/x?y' } },
    { variable: 'EXPORT_QPS', env: { ...minimal, EXPORT_QPS: '81' } },
    { variable: 'EXPORT_QPS', env: { ...minimal, EXPORT_QPS: '50', AICCS_ACCOUNT_QPS: '40' } },
    { variable: 'AICCS_ACCOUNT_QPS', env: { ...minimal, AICCS_ACCOUNT_QPS: 'lots' } },
    { variable: 'EXPORT_MAX_OUTAGE_SECONDS', env: { ...minimal, EXPORT_MAX_OUTAGE_SECONDS: '0' } },
    { variable: 'EXPORT_QPS', env: { ...minimal, EXPORT_QPS: '0' } },
    { variable: 'EXPORT_SETTLE_MINUTES', env: { ...minimal, EXPORT_SETTLE_MINUTES: '-1' } },
    { variable: 'EXPORT_FORMAT', env: { ...minimal, EXPORT_FORMAT: 'orc' } },
    { variable: 'EXPORT_RECHECK_HOURS', env: { ...minimal, EXPORT_RECHECK_HOURS: '-1' } },
    { variable: 'EXPORT_RECHECK_HOURS', env: { ...minimal, EXPORT_RECHECK_HOURS: 'two days' } },
    { variable: 'EXPORT_FINALIZE_AFTER_HOURS', env: { ...minimal, EXPORT_FINALIZE_AFTER_HOURS: '1.5' } },
    { variable: 'EXPORT_FINALIZE_AFTER_HOURS', env: { ...minimal, EXPORT_FINALIZE_AFTER_HOURS: '100000' } },
  ])('names $variable when it is bad', ({ variable, env }) => {
    expect(() => loadExportConfig(env)).toThrow(ConfigError);
    expect(() => loadExportConfig(env)).toThrow(expect.objectContaining({ variable }));
  });
});
