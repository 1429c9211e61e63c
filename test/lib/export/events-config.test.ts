import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors';
import { loadExportConfig } from '../../../lib/export/config';
import { InvalidExportEventError, parseExportEvent } from '../../../lib/export/events';

const allowed = ['ccc_xp_pre-cn-a1', 'ccc_xp_pre-cn-b2'];
const parse = (event: unknown) => parseExportEvent(Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), allowed);
const issuesOf = (event: unknown) => {
  try {
    parse(event);
  } catch (error) {
    if (error instanceof InvalidExportEventError) return error.issues.map((issue) => issue.path);
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
    { info: 'an unknown payload field', event: { triggerTime: '2026-11-24T09:15:00Z', triggerName: 't', payload: '{"instance":"x"}' }, paths: ['payload'] },
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
    { info: 'an unknown backfill field', event: { instanceId: 'ccc_xp_pre-cn-a1', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', force: true }, paths: [''] },
  ])('refuses $info, naming the field', ({ event, paths }) => {
    expect(issuesOf(event)).toStrictEqual(paths);
  });
});

describe('loadExportConfig', () => {
  const minimal = { EXPORT_INSTANCE_IDS: 'a1', OSS_REGION: 'cn-hangzhou', OSS_BUCKET: 'cdr-export' };

  it('fills defaults', () => {
    const config = loadExportConfig(minimal);
    expect(config).toMatchObject({ instanceIds: ['a1'], ossRegion: 'oss-cn-hangzhou', ossBucket: 'cdr-export', ossEndpoint: undefined, qps: 20 });
    expect(config.settings).toMatchObject({
      prefix: 'aiccs-call-records',
      format: 'jsonl',
      settleMinutes: 10,
      lookbackHours: 24,
      maxObjectRecords: 200_000,
      maxObjectBytes: 64 * 1024 ** 2,
    });
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
    { variable: 'EXPORT_QPS', env: { ...minimal, EXPORT_QPS: '0' } },
    { variable: 'EXPORT_SETTLE_MINUTES', env: { ...minimal, EXPORT_SETTLE_MINUTES: '-1' } },
    { variable: 'EXPORT_FORMAT', env: { ...minimal, EXPORT_FORMAT: 'parquet' } },
  ])('names $variable when it is bad', ({ variable, env }) => {
    expect(() => loadExportConfig(env)).toThrow(ConfigError);
    expect(() => loadExportConfig(env)).toThrow(expect.objectContaining({ variable }));
  });
});
