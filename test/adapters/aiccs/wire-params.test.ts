import { describe, expect, it } from 'vitest';
import { toWireParams } from '../../../lib/adapters/aiccs/wire-params';
import type { QueryFilter } from '../../../lib/contracts/query-filter';

describe('toWireParams', () => {
  const base = { instanceId: 'ccc_xp_pre-cn-abc123' } satisfies QueryFilter;

  it('sends only what is set, lists as arrays, call types as codes', () => {
    const params = toWireParams(
      { ...base, callType: 'transfer', callTypeList: ['outbound', 2], acidList: ['a', 'b'], groupIdList: [1, '9007199254740993'] },
      { pageNo: 3, pageSize: 50 },
      { timeUnit: 'ms' },
    );
    expect(params).toStrictEqual({
      InstanceId: 'ccc_xp_pre-cn-abc123',
      PageNo: '3',
      PageSize: '50',
      CallType: '3',
      CallTypeList: ['1', '2'],
      AcidList: ['a', 'b'],
      GroupIdList: ['1', '9007199254740993'],
    });
    expect(Object.values(params).flat()).not.toContain('undefined');
  });

  it('sends ceil(t) − 1 ms for both bounds so [start, end) holds for inclusive and exclusive APIs', () => {
    const params = toWireParams({ ...base, startTime: '2026-11-24T00:00:00+08:00', endTime: 1795536000500 }, { pageNo: 1, pageSize: 20 }, { timeUnit: 'ms' });
    expect(params['QueryStartTime']).toBe(String(Date.parse('2026-11-24T00:00:00+08:00') - 1));
    expect(params['QueryEndTime']).toBe(String(1795536001000 - 1));
  });

  it('sends whole seconds when AICCS_TIME_UNIT=s', () => {
    const params = toWireParams({ ...base, startTime: 1_700_000_000_000, endTime: 1_700_000_060_000 }, { pageNo: 1, pageSize: 20 }, { timeUnit: 's' });
    expect(params).toMatchObject({ QueryStartTime: '1700000000', QueryEndTime: '1700000059' });
  });
});
