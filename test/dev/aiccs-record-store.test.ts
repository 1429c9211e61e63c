import { describe, expect, it } from 'vitest';
import { aCallRecord, BIG_GROUP_ID, generateCallRecords, parseShanghaiTime, RecordStore } from '../../dev/aiccs/index';
import type { RawCallRecord, RecordQuery } from '../../dev/aiccs/index';

const I = 'ccc_xp_pre-cn-store';
const at = (text: string) => parseShanghaiTime(text);
const ids = (records: readonly RawCallRecord[]) => records.map((r) => r.Id);

/** Small hand-made set: ids say what each record is about. */
function fixture(): RawCallRecord[] {
  return [
    aCallRecord({ Id: 'a1', Acid: '1001', CreateTime: '2024-03-01 10:00:00', GroupId: '123401', ServicerId: '100201', ServicerName: '王芳' }),
    aCallRecord({
      Id: 'a2',
      Acid: '1002',
      CreateTime: '2024-03-01 10:05:00',
      CallType: 1,
      CallResult: 'dailing',
      GroupId: null,
      GroupName: null,
      ServicerName: '刘 测试',
      ServicerId: '100202',
    }),
    aCallRecord({ Id: 'a3', Acid: '1003', CreateTime: '2024-03-01 10:05:00', CallType: 3, CallResult: 'transferAgent', GroupId: BIG_GROUP_ID, GroupName: '海外业务组' }),
    aCallRecord({
      Id: 'a4',
      Acid: '1004',
      CreateTime: '2024-03-01 11:00:00',
      CallResult: 'TouchRingCallLoss',
      GroupId: '123402',
      GroupName: '售后技能组',
      MemberId: '42',
      MemberName: '张先生',
    }),
    aCallRecord({
      Id: 'a5',
      Acid: '1005',
      CreateTime: '2024-03-02 09:00:00',
      CallResult: 'touchInLoss',
      ServicerId: null,
      ServicerName: null,
      CallingNumber: '0571773****',
    }),
  ];
}

function query(filter: Partial<RecordQuery> = {}): RecordQuery {
  return { PageNo: 1, PageSize: 50, ...filter };
}

describe('RecordStore ordering and paging', () => {
  it('orders by CreateTime descending, ties by Id descending, regardless of insertion order', () => {
    const store = new RecordStore();
    store.add(I, fixture().reverse());
    expect(ids(store.all(I))).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
  });

  it('pages with offset semantics and reports the total', () => {
    const store = new RecordStore();
    store.add(I, fixture());
    expect(store.query(I, query({ PageNo: 2, PageSize: 2 }))).toEqual({ total: 5, page: store.all(I).slice(2, 4) });
    expect(ids(store.query(I, query({ PageNo: 3, PageSize: 2 })).page)).toEqual(['a1']);
    expect(store.query(I, query({ PageNo: 4, PageSize: 2 }))).toEqual({ total: 5, page: [] });
  });

  it('merges later additions into the order and invalidates cached filters', () => {
    const store = new RecordStore();
    store.add(I, fixture());
    expect(store.query(I, query({ CallType: 2 })).total).toBe(3);
    store.add(I, [aCallRecord({ Id: 'a0', CreateTime: '2024-03-01 10:05:00' }), aCallRecord({ Id: 'a9', CreateTime: '2024-03-03 00:00:00' })]);
    expect(ids(store.all(I))).toEqual(['a9', 'a5', 'a4', 'a3', 'a2', 'a0', 'a1']);
    expect(store.query(I, query({ CallType: 2 })).total).toBe(5);
    expect(store.count(I)).toBe(7);
  });

  it('knows which instances exist, including empty ones', () => {
    const store = new RecordStore();
    store.add('empty', []);
    expect(store.has('empty')).toBe(true);
    expect(store.has('nope')).toBe(false);
    expect(store.count('nope')).toBe(0);
    expect(store.query('nope', query())).toEqual({ total: 0, page: [] });
  });

  it('rejects bad paging and bad CreateTime values', () => {
    const store = new RecordStore();
    expect(() => store.query(I, query({ PageNo: 0 }))).toThrow(/PageNo/);
    expect(() => store.query(I, query({ PageSize: 1.5 }))).toThrow(/PageSize/);
    expect(() => store.add(I, [aCallRecord({ Id: 'bad', CreateTime: '2024-03-01T10:00:00Z' })])).toThrow(/"bad"/);
  });
});

describe('RecordStore filters', () => {
  const store = new RecordStore();
  store.add(I, fixture());
  const match = (filter: Partial<RecordQuery>) => ids(store.query(I, query(filter)).page);

  it.each<[string, Partial<RecordQuery>, string[]]>([
    ['Id', { Id: 'a3' }, ['a3']],
    ['Acid', { Acid: '1004' }, ['a4']],
    ['AcidList (OR)', { AcidList: ['1001', '1005', '9999'] }, ['a5', 'a1']],
    ['CallType', { CallType: 1 }, ['a2']],
    ['CallTypeList', { CallTypeList: [1, 3] }, ['a3', 'a2']],
    ['CallResult', { CallResult: 'touchInLoss' }, ['a5']],
    ['CallResultList', { CallResultList: ['dailing', 'TouchRingCallLoss'] }, ['a4', 'a2']],
    ['CallingNumber', { CallingNumber: '0571773****' }, ['a5']],
    ['CallingNumberList', { CallingNumberList: ['0571773****'] }, ['a5']],
    ['CalledNumber', { CalledNumber: '0571773****' }, ['a5', 'a4', 'a3', 'a2', 'a1']],
    ['CalledNumberList', { CalledNumberList: ['nope'] }, []],
    ['GroupId', { GroupId: '123402' }, ['a4']],
    ['GroupId beyond 2^53', { GroupId: BIG_GROUP_ID }, ['a3']],
    ['GroupId with leading zeros', { GroupId: '000123402' }, ['a4']],
    ['GroupIdList', { GroupIdList: ['123401', BIG_GROUP_ID] }, ['a5', 'a3', 'a1']],
    ['GroupName', { GroupName: '售后技能组' }, ['a4']],
    ['MemberId', { MemberId: '42' }, ['a4']],
    ['MemberIdList', { MemberIdList: ['42', '7856876'] }, ['a5', 'a4', 'a3', 'a2', 'a1']],
    ['MemberName', { MemberName: '张先生' }, ['a4']],
    ['ServicerId', { ServicerId: '100202' }, ['a2']],
    ['ServicerIdList', { ServicerIdList: ['100202', '100201'] }, ['a4', 'a3', 'a2', 'a1']],
    ['ServicerName (exact, with a space)', { ServicerName: '刘 测试' }, ['a2']],
    ['ServicerName is not a substring match', { ServicerName: '刘' }, []],
    ['an empty list constrains nothing', { AcidList: [] }, ['a5', 'a4', 'a3', 'a2', 'a1']],
  ])('%s', (_, filter, expected) => {
    expect(match(filter)).toEqual(expected);
  });

  it('ANDs fields and requires both X and XList when both are given', () => {
    expect(match({ CallType: 2, GroupId: '123401' })).toEqual(['a5', 'a1']);
    expect(match({ CallType: 2, ServicerIdList: ['100201'], CallResult: 'normal' })).toEqual(['a1']);
    expect(match({ Acid: '1001', AcidList: ['1001', '1002'] })).toEqual(['a1']);
    expect(match({ Acid: '1003', AcidList: ['1001', '1002'] })).toEqual([]);
  });

  it('applies QueryStartTime / QueryEndTime to CreateTime, both inclusive by default', () => {
    const start = at('2024-03-01 10:05:00');
    const end = at('2024-03-01 11:00:00');
    expect(match({ QueryStartTime: start, QueryEndTime: end })).toEqual(['a4', 'a3', 'a2']);
    expect(match({ QueryStartTime: start + 1, QueryEndTime: end - 1 })).toEqual([]);
    expect(match({ QueryStartTime: start })).toEqual(['a5', 'a4', 'a3', 'a2']);
    expect(match({ QueryEndTime: start })).toEqual(['a3', 'a2', 'a1']);
    expect(match({ QueryStartTime: end, QueryEndTime: start })).toEqual([]);
  });

  it('excludes the end instant with timeBounds exclusive-end', () => {
    const result = store.query(I, query({ QueryStartTime: at('2024-03-01 10:05:00'), QueryEndTime: at('2024-03-01 11:00:00') }), { timeBounds: 'exclusive-end' });
    expect(ids(result.page)).toEqual(['a3', 'a2']);
  });
});

describe('RecordStore against a brute-force oracle', () => {
  it('agrees on random filters over generated data', () => {
    const now = Date.UTC(2024, 2, 8);
    const records = generateCallRecords({ instanceId: I, seed: 7, from: now - 86_400_000, to: now, count: 4_000 });
    const store = new RecordStore();
    store.add(I, records);
    const sorted = [...records].sort((a, b) => at(b.CreateTime) - at(a.CreateTime) || (a.Id < b.Id ? 1 : -1));
    const sample = records[1234] as RawCallRecord;
    const start = now - 43_200_000;
    const cases: [Partial<RecordQuery>, (r: RawCallRecord) => boolean][] = [
      [{ ServicerId: sample.ServicerId ?? '' }, (r) => r.ServicerId === sample.ServicerId],
      [{ CallTypeList: [1, 3], QueryStartTime: start }, (r) => r.CallType !== 2 && at(r.CreateTime) >= start],
      [{ GroupIdList: [BIG_GROUP_ID, '123405'], CallResult: 'normal' }, (r) => (r.GroupId === BIG_GROUP_ID || r.GroupId === '123405') && r.CallResult === 'normal'],
      [{ MemberName: '匿名会员', QueryEndTime: start }, (r) => r.MemberName === '匿名会员' && at(r.CreateTime) <= start],
      // Same filter as the first case with a window: reuses the cached positions.
      [{ ServicerId: sample.ServicerId ?? '', QueryEndTime: start }, (r) => r.ServicerId === sample.ServicerId && at(r.CreateTime) <= start],
      // Window far smaller than the matching set: scanned directly.
      [{ CallType: 2, QueryStartTime: now - 3_600_000 }, (r) => r.CallType === 2 && at(r.CreateTime) >= now - 3_600_000],
      [{ AcidList: records.slice(0, 30).map((r) => r.Acid), CallTypeList: [2] }, (r) => records.slice(0, 30).includes(r) && r.CallType === 2],
    ];
    for (const [filter, oracle] of cases) {
      const expected = sorted.filter(oracle);
      const first = store.query(I, query({ ...filter, PageSize: 50 }));
      const third = store.query(I, query({ ...filter, PageSize: 50, PageNo: 3 }));
      expect(first.total).toBe(expected.length);
      expect(first.total).toBeGreaterThan(0);
      expect(ids(first.page)).toEqual(ids(expected.slice(0, 50)));
      expect(ids(third.page)).toEqual(ids(expected.slice(100, 150)));
    }
  });
});
