import { describe, expect, it } from 'vitest';
import { parseQueryFilter } from '../../lib/contracts/query-filter';

const parse = (input: unknown) => parseQueryFilter(input);
const issuesOf = (input: unknown) => {
  const result = parse(input);
  if (result.ok) throw new Error('expected validation to fail');
  return result.issues;
};

describe('parseQueryFilter', () => {
  it('accepts every parameter in camelCase', () => {
    const input = {
      instanceId: 'ccc_xp_pre-cn-abc123',
      acid: '7719786001',
      acidList: ['7719786001', '7719786002'],
      callType: 'inbound',
      callTypeList: ['outbound', 3],
      callingNumber: '1381234****',
      callingNumberList: ['1381234****'],
      calledNumber: '0571773****',
      calledNumberList: ['0571773****'],
      groupId: '9007199254740993',
      groupIdList: [123456, '9007199254740993'],
      groupName: '售后技能组',
      servicerId: '100231',
      servicerIdList: ['100231'],
      servicerName: '王芳',
      memberId: 'm1',
      memberIdList: ['m1', 'm2'],
      memberName: '匿名会员',
      callResult: 'normal',
      callResultList: ['normal', 'dailing'],
      id: 'acc1c58dab4a4dd280e3813c66',
      params: '{"k":"v"}',
      startTime: '2026-11-24T00:00:00+08:00',
      endTime: 1795536000000,
      pageSize: 50,
      pageNo: 1000,
    };
    const result = parse(input);
    expect(result).toStrictEqual({ ok: true, filter: input });
  });

  it('accepts the API names as aliases', () => {
    const result = parse({ InstanceId: 'ccc_xp_pre-cn-abc123', QueryStartTime: 1, QueryEndTime: 2, PageNo: 2, PageSize: 10, CallTypeList: [1] });
    expect(result).toStrictEqual({ ok: true, filter: { instanceId: 'ccc_xp_pre-cn-abc123', startTime: 1, endTime: 2, pageNo: 2, pageSize: 10, callTypeList: [1] } });
  });

  it('refuses the same field in both spellings', () => {
    expect(issuesOf({ instanceId: 'a1', InstanceId: 'a2' })).toStrictEqual([
      { path: 'instanceId', code: 'duplicate_field', message: '`instanceId` is given twice (once as `InstanceId`); keep one spelling' },
    ]);
  });

  it('names unknown fields and suggests the closest known one', () => {
    expect(issuesOf({ pageSzie: 10, bogus: true })).toStrictEqual([
      { path: 'pageSzie', code: 'unknown_field', message: 'Unknown field `pageSzie`; did you mean `pageSize`?' },
      { path: 'bogus', code: 'unknown_field', message: 'Unknown field `bogus`' },
    ]);
  });

  it('treats a __proto__ key as an unknown field and leaves Object.prototype alone', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "pageSize": 5}');
    expect(issuesOf(input).map((issue) => issue.path)).toStrictEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    { info: 'pageSize 0', input: { pageSize: 0 }, path: 'pageSize', code: 'too_small' },
    { info: 'pageSize 51', input: { pageSize: 51 }, path: 'pageSize', code: 'too_big' },
    { info: 'pageNo 1001', input: { pageNo: 1001 }, path: 'pageNo', code: 'too_big' },
    { info: 'fractional pageNo', input: { pageNo: 1.5 }, path: 'pageNo', code: 'invalid_type' },
    { info: 'pageSize as string', input: { pageSize: '10' }, path: 'pageSize', code: 'invalid_type' },
    { info: 'callType 4', input: { callType: 4 }, path: 'callType', code: 'invalid_union' },
    { info: 'callType word', input: { callType: 'sideways' }, path: 'callType', code: 'invalid_union' },
    { info: 'list of 101', input: { acidList: Array.from({ length: 101 }, (_, i) => String(i)) }, path: 'acidList', code: 'too_big' },
    { info: 'empty list', input: { acidList: [] }, path: 'acidList', code: 'too_small' },
    { info: 'empty string', input: { servicerName: '' }, path: 'servicerName', code: 'too_small' },
    { info: 'time without offset', input: { startTime: '2026-11-24T00:00:00' }, path: 'startTime', code: 'invalid_format' },
    { info: 'negative epoch', input: { startTime: -1 }, path: 'startTime', code: 'too_small' },
    { info: 'unknown call result', input: { callResult: 'great' }, path: 'callResult', code: 'invalid_value' },
    { info: 'instance id with a slash', input: { instanceId: '../etc' }, path: 'instanceId', code: 'invalid_format' },
    { info: 'group id with letters', input: { groupId: '12a' }, path: 'groupId', code: 'invalid_format' },
    { info: 'endTime before startTime', input: { startTime: 2000, endTime: 1000 }, path: 'endTime', code: 'invalid_range' },
    { info: 'endTime equal to startTime', input: { startTime: '2026-11-24T00:00:00Z', endTime: '2026-11-24T08:00:00+08:00' }, path: 'endTime', code: 'invalid_range' },
    { info: 'limit without all', input: { limit: 10 }, path: 'limit', code: 'invalid_combination' },
    { info: 'limit over 5000', input: { all: true, limit: 5001 }, path: 'limit', code: 'too_big' },
  ])('rejects $info at `$path` ($code)', ({ input, path, code }) => {
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path, code });
    expect(issues[0]?.message.length).toBeGreaterThan(5);
  });

  it.each([null, [], 'text', 42, true])('rejects a body that is not an object: %j', (input) => {
    expect(issuesOf(input)).toStrictEqual([{ path: '', code: 'invalid_type', message: expect.stringMatching(/^Expected a JSON object, got /) }]);
  });
});
