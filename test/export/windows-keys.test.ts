import { describe, expect, it } from 'vitest';
import { compactUtc, dataFileKey, leasePrefix, manifestKey, partitionOf, stateKey } from '../../lib/export/object-keys';
import { HOUR_MS, hourlySlices, incrementalWindow, splitInHalves, widenToHours } from '../../lib/export/windows';

const t = (iso: string) => Date.parse(iso);

describe('incrementalWindow', () => {
  it('runs from the watermark to the last whole hour older than the settle time', () => {
    expect(incrementalWindow({ watermark: t('2026-11-24T05:00:00Z'), now: t('2026-11-24T09:15:00Z'), settleMinutes: 10, lookbackHours: 24 })).toStrictEqual({
      from: t('2026-11-24T05:00:00Z'),
      to: t('2026-11-24T09:00:00Z'),
    });
  });

  it('keeps an hour back until the settle time has passed its end', () => {
    expect(incrementalWindow({ watermark: t('2026-11-24T08:00:00Z'), now: t('2026-11-24T09:05:00Z'), settleMinutes: 10, lookbackHours: 24 }).to).toBe(
      t('2026-11-24T08:00:00Z'),
    );
  });

  it('starts lookback hours back on the first run', () => {
    expect(incrementalWindow({ watermark: undefined, now: t('2026-11-24T09:15:00Z'), settleMinutes: 10, lookbackHours: 24 })).toStrictEqual({
      from: t('2026-11-23T09:00:00Z'),
      to: t('2026-11-24T09:00:00Z'),
    });
  });
});

describe('hourly slices', () => {
  it('widens a range to whole UTC hours and cuts it at every hour', () => {
    const range = widenToHours({ from: t('2026-11-24T05:30:00Z'), to: t('2026-11-24T07:00:00.001Z') });
    expect(range).toStrictEqual({ from: t('2026-11-24T05:00:00Z'), to: t('2026-11-24T08:00:00Z') });
    expect(hourlySlices(range).map((slice) => [slice.to - slice.from, new Date(slice.from).toISOString()])).toStrictEqual([
      [HOUR_MS, '2026-11-24T05:00:00.000Z'],
      [HOUR_MS, '2026-11-24T06:00:00.000Z'],
      [HOUR_MS, '2026-11-24T07:00:00.000Z'],
    ]);
    expect(hourlySlices({ from: 10, to: 10 })).toStrictEqual([]);
  });
});

describe('splitInHalves', () => {
  it('splits at a whole second, covering the range exactly', () => {
    const [left, right] = splitInHalves({ from: t('2026-11-24T05:00:00Z'), to: t('2026-11-24T06:00:00Z') }) ?? [];
    expect(left).toStrictEqual({ from: t('2026-11-24T05:00:00Z'), to: t('2026-11-24T05:30:00Z') });
    expect(right).toStrictEqual({ from: t('2026-11-24T05:30:00Z'), to: t('2026-11-24T06:00:00Z') });
    expect(splitInHalves({ from: 0, to: 3_000 })).toStrictEqual([
      { from: 0, to: 2_000 },
      { from: 2_000, to: 3_000 },
    ]);
  });

  it('refuses to split one second', () => {
    expect(splitInHalves({ from: 0, to: 1_000 })).toBeUndefined();
  });

  it('reaches one second from an hour in at most 12 halvings', () => {
    let range = { from: 0, to: HOUR_MS };
    let depth = 0;
    for (let halves = splitInHalves(range); halves; halves = splitInHalves(range)) {
      range = halves[0];
      depth++;
    }
    expect(range.to - range.from).toBe(1_000);
    expect(depth).toBeLessThanOrEqual(12);
  });
});

describe('object keys', () => {
  it('partitions by the UTC date and hour', () => {
    expect(partitionOf(t('2026-11-24T23:59:59+08:00'))).toStrictEqual({ dt: '2026-11-24', hour: '15' });
    expect(partitionOf(t('2026-11-25T07:30:00+08:00'))).toStrictEqual({ dt: '2026-11-24', hour: '23' });
  });

  it('builds deterministic, prefix-confined keys', () => {
    const piece = { from: t('2026-11-24T05:00:00Z'), to: t('2026-11-24T05:30:00Z') };
    const md5 = '0123456789abcdef0123456789abcdef';
    expect(dataFileKey('exports/cdr', 'ccc_xp_pre-cn-a1', piece, 2, md5, 'jsonl')).toBe(
      'exports/cdr/instance=ccc_xp_pre-cn-a1/dt=2026-11-24/hour=05/part-20261124T050000Z-20261124T053000Z-0002-0123456789abcdef.jsonl.gz',
    );
    expect(dataFileKey('', 'i1', piece, 0, md5, 'csv')).toMatch(/^instance=i1\/dt=2026-11-24\/hour=05\/part-.*\.csv\.gz$/);
    expect(manifestKey('p', 'i1', { dt: '2026-11-24', hour: '05' })).toBe('p/instance=i1/dt=2026-11-24/hour=05/_manifest.json');
    expect(stateKey('p', 'i1')).toBe('p/_state/instance=i1.json');
    expect(leasePrefix('p', 'i1', 'day=2026-11-24')).toBe('p/_state/leases/instance=i1/day=2026-11-24/');
    expect(compactUtc(t('2026-01-02T03:04:05Z'))).toBe('20260102T030405Z');
  });
});
