import { describe, expect, it } from 'vitest';
import { zoneConverter } from '../../lib/records/time-zone';

describe('zoneConverter', () => {
  it.each([
    { zone: 'Asia/Shanghai', local: '2020-10-02 22:32:55', iso: '2020-10-02T22:32:55+08:00' },
    { zone: 'UTC', local: '2024-02-29 00:00:00', iso: '2024-02-29T00:00:00+00:00' },
    { zone: 'Asia/Kolkata', local: '2024-01-01 09:30:00', iso: '2024-01-01T09:30:00+05:30' },
    { zone: 'America/New_York', local: '2024-01-15 08:00:00', iso: '2024-01-15T08:00:00-05:00' },
    { zone: 'America/New_York', local: '2024-07-15 08:00:00', iso: '2024-07-15T08:00:00-04:00' },
    // 01:30 happens twice on 2024-11-03 in New York: the earlier (daylight) instant wins.
    { zone: 'America/New_York', local: '2024-11-03 01:30:00', iso: '2024-11-03T01:30:00-04:00' },
    { zone: 'Europe/London', local: '2024-03-31 00:59:59', iso: '2024-03-31T00:59:59+00:00' },
    { zone: 'Europe/London', local: '2024-03-31 02:00:00', iso: '2024-03-31T02:00:00+01:00' },
  ])('renders $local in $zone as $iso', ({ zone, local, iso }) => {
    const converter = zoneConverter(zone);
    expect(converter.localToIso(local)).toBe(iso);
    // The offset must be the real one for that instant.
    expect(Date.parse(iso)).not.toBeNaN();
  });

  it('gives the same answer from a warm cache as from a cold one, across a DST change', () => {
    const converter = zoneConverter('Europe/Paris');
    const hours = Array.from({ length: 72 }, (_, i) => new Date(Date.UTC(2024, 9, 26, 0) + i * 3_600_000).toISOString().slice(0, 19).replace('T', ' '));
    const first = hours.map((local) => converter.localToIso(local));
    const second = hours.map((local) => converter.localToIso(local));
    expect(second).toStrictEqual(first);
    expect(first[0]).toBe('2024-10-26T00:00:00+02:00');
    expect(first[71]).toBe('2024-10-28T23:00:00+01:00');
  });

  it.each(['', '2020-10-02', '2020-10-02 22:32', '2020-02-30 00:00:00', '2021-02-29 00:00:00', '2020-10-02 24:00:00', '2020/10/02 22:32:55', 'abcd-ef-gh ij:kl:mn'])(
    'rejects %j',
    (local) => {
      expect(zoneConverter('Asia/Shanghai').localToIso(local)).toBeUndefined();
    },
  );

  it('renders epoch milliseconds with the offset of that instant', () => {
    expect(zoneConverter('Asia/Shanghai').epochToIso(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe('2026-01-01T08:00:00+08:00');
    expect(zoneConverter('America/New_York').epochToIso(Date.UTC(2024, 6, 1, 12, 0, 0))).toBe('2024-07-01T08:00:00-04:00');
  });
});
