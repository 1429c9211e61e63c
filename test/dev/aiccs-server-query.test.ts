import RPCClient from '@alicloud/pop-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCallRecord, BIG_GROUP_ID, DEMO_CREDENTIALS, generateCallRecords, parseShanghaiTime, RecordStore, startAiccsEmulator } from '../../dev/aiccs/index';
import type { AiccsEmulator, AiccsEmulatorOptions, RawCallRecord } from '../../dev/aiccs/index';

const I = 'ccc_xp_pre-cn-query';
const GEN = 'ccc_xp_pre-cn-generated';
const GEN_TO = Date.UTC(2024, 2, 8);
const GEN_FROM = GEN_TO - 2 * 86_400_000;
const at = (text: string) => parseShanghaiTime(text);

interface PopError {
  name: string;
  code?: string;
  message: string;
  data?: Record<string, unknown>;
  entry?: { response: { statusCode: number } };
}

interface QueryBody {
  Success: boolean;
  Data: { PageNumber: number; PageSize: number; TotalCount: number; CallDetailRecord: Record<string, unknown>[] };
}

/** Hand-made records; the twelve `b` records exist for AcidList ordering. */
function fixture(): RawCallRecord[] {
  return [
    aCallRecord({ Id: 'a1', Acid: '1001', CreateTime: '2024-03-01 10:00:00' }),
    aCallRecord({
      Id: 'a2',
      Acid: '1002',
      CreateTime: '2024-03-01 10:05:00',
      CallType: 1,
      CallResult: 'dailing',
      CallingNumber: '0571773****',
      CalledNumber: '1391111****',
      GroupId: null,
      GroupName: null,
      ServicerId: '100202',
      ServicerName: '刘 测试',
      MemberId: '7000002',
      MemberName: '张先生',
    }),
    aCallRecord({
      Id: 'a3',
      Acid: '1003',
      CreateTime: '2024-03-01 10:05:00',
      CallType: 3,
      CallResult: 'transferAgent',
      GroupId: BIG_GROUP_ID,
      GroupName: '海外业务组',
      ServicerId: '100203',
      ServicerName: '李娜',
    }),
    aCallRecord({
      Id: 'a4',
      Acid: '1004',
      CreateTime: '2024-03-01 11:00:00',
      CallResult: 'TouchRingCallLoss',
      GroupId: '123402',
      GroupName: '售后技能组',
      MemberId: '7000004',
    }),
    aCallRecord({
      Id: 'a5',
      Acid: '1005',
      CreateTime: '2024-03-02 09:00:00',
      CallResult: 'touchInLoss',
      ServicerId: null,
      ServicerName: null,
      CallingNumber: '1590000****',
    }),
    ...Array.from({ length: 12 }, (_, i) =>
      aCallRecord({ Id: `b${String(i + 1).padStart(2, '0')}`, Acid: String(2001 + i), CreateTime: `2024-02-20 08:${String(i).padStart(2, '0')}:00` }),
    ),
  ];
}

function popClient(url: string): RPCClient {
  return new RPCClient({ endpoint: url, apiVersion: '2019-10-15', ...DEMO_CREDENTIALS });
}

async function rejectionOf(promise: Promise<unknown>): Promise<PopError> {
  try {
    await promise;
  } catch (error) {
    return error as PopError;
  }
  throw new Error('Expected the request to fail, but it succeeded');
}

const started: AiccsEmulator[] = [];
async function emulator(options: AiccsEmulatorOptions = {}): Promise<AiccsEmulator> {
  const store = new RecordStore();
  store.add(I, fixture());
  store.add(GEN, generateCallRecords({ instanceId: GEN, seed: 11, from: GEN_FROM, to: GEN_TO, count: 3_000 }));
  const instance = await startAiccsEmulator({ store, qps: Number.POSITIVE_INFINITY, ...options });
  started.push(instance);
  return instance;
}

let emu: AiccsEmulator;
let client: RPCClient;
async function query(params: Record<string, unknown>, instanceId = I): Promise<QueryBody> {
  return client.request<QueryBody>('HotlineSessionQuery', { InstanceId: instanceId, PageSize: 50, ...params }, { method: 'POST' });
}
async function ids(params: Record<string, unknown>): Promise<string[]> {
  return (await query(params)).Data.CallDetailRecord.map((r) => String(r['Id']));
}
const A_ONLY = { QueryStartTime: at('2024-03-01 00:00:00') };

beforeAll(async () => {
  emu = await emulator();
  client = popClient(emu.url);
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

describe('filters, one at a time, over the wire', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['Id', { Id: 'a3' }, ['a3']],
    ['Acid', { Acid: '1004' }, ['a4']],
    ['CallType', { CallType: 1 }, ['a2']],
    ['CallTypeList', { CallTypeList: [3, 1], ...A_ONLY }, ['a3', 'a2']],
    ['CallResult', { CallResult: 'touchInLoss' }, ['a5']],
    ['CallResultList', { CallResultList: ['dailing', 'TouchRingCallLoss'] }, ['a4', 'a2']],
    ['CallingNumber', { CallingNumber: '0571773****' }, ['a2']],
    ['CallingNumberList', { CallingNumberList: ['0571773****', '1590000****'] }, ['a5', 'a2']],
    ['CalledNumber', { CalledNumber: '1391111****' }, ['a2']],
    ['CalledNumberList', { CalledNumberList: ['1391111****', 'none'] }, ['a2']],
    ['GroupId', { GroupId: 123402 }, ['a4']],
    ['GroupId above 2^53 (sent as a string)', { GroupId: BIG_GROUP_ID }, ['a3']],
    ['GroupIdList', { GroupIdList: [BIG_GROUP_ID, '123402'] }, ['a4', 'a3']],
    ['GroupName', { GroupName: '售后技能组' }, ['a4']],
    ['MemberId', { MemberId: '7000004' }, ['a4']],
    ['MemberIdList', { MemberIdList: ['7000002', '7000004'] }, ['a4', 'a2']],
    ['MemberName', { MemberName: '张先生' }, ['a2']],
    ['ServicerId', { ServicerId: '100203' }, ['a3']],
    ['ServicerIdList', { ServicerIdList: ['100202', '100203'] }, ['a3', 'a2']],
    ['ServicerName in Chinese with a space', { ServicerName: '刘 测试' }, ['a2']],
    ['QueryStartTime', { QueryStartTime: at('2024-03-01 11:00:00') }, ['a5', 'a4']],
    ['QueryEndTime', { QueryEndTime: at('2024-02-20 08:01:00') }, ['b02', 'b01']],
  ])('%s', async (_, params, expected) => {
    expect(await ids(params)).toEqual(expected);
  });

  it('ignores Params and the business RequestId parameter', async () => {
    expect(await ids({ Id: 'a1', Params: '{"x":1}', RequestId: 'client-chosen' })).toEqual(['a1']);
  });
});

describe('combined filters', () => {
  it('ANDs across fields and ORs within lists', async () => {
    expect(await ids({ CallTypeList: [2, 3], ServicerIdList: ['100201', '100203'], ...A_ONLY })).toEqual(['a4', 'a3', 'a1']);
    expect(await ids({ CallType: 2, CallResult: 'normal', ...A_ONLY })).toEqual(['a1']);
  });

  it('requires both X and XList when both are given', async () => {
    expect(await ids({ Acid: '1001', AcidList: ['1001', '1002'] })).toEqual(['a1']);
    expect(await ids({ Acid: '1003', AcidList: ['1001', '1002'] })).toEqual([]);
  });

  it('rebuilds a 12-item AcidList in index order (AcidList.10 after .9)', async () => {
    const acids = ['2012', '2003', '2001', '2010', '2005', '2002', '2011', '2004', '2009', '2006', '2008', '2007'];
    const body = await query({ AcidList: acids });
    expect(body.Data.TotalCount).toBe(12);
    expect(emu.stats.lastParams?.['AcidList.10']).toBe('2006');
    expect(emu.stats.lastQuery?.AcidList).toEqual(acids);
  });
});

describe('time bounds', () => {
  const window = { QueryStartTime: at('2024-03-01 10:05:00'), QueryEndTime: at('2024-03-01 11:00:00') };

  it('includes both ends by default', async () => {
    expect(await ids(window)).toEqual(['a4', 'a3', 'a2']);
  });

  it('excludes the end with timeBounds exclusive-end', async () => {
    const exclusive = await emulator({ timeBounds: 'exclusive-end' });
    const body = await popClient(exclusive.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: I, ...window }, { method: 'POST' });
    expect(body.Data.CallDetailRecord.map((r) => r['Id'])).toEqual(['a3', 'a2']);
  });
});

describe('paging', () => {
  it('echoes PageNo/PageSize, reports TotalCount and returns an empty page past the end', async () => {
    const second = await query({ PageNo: 2, PageSize: 5 });
    expect(second.Data).toMatchObject({ PageNumber: 2, PageSize: 5, TotalCount: 17 });
    expect(second.Data.CallDetailRecord.map((r) => r['Id'])).toEqual(['b12', 'b11', 'b10', 'b09', 'b08']);
    const past = await query({ PageNo: 5, PageSize: 5 });
    expect(past.Data).toEqual({ PageNumber: 5, PageSize: 5, TotalCount: 17, CallDetailRecord: [] });
  });

  it('defaults to PageNo 1 and PageSize 20', async () => {
    const body = await client.request<QueryBody>('HotlineSessionQuery', { InstanceId: GEN }, { method: 'POST' });
    expect(body.Data).toMatchObject({ PageNumber: 1, PageSize: 20, TotalCount: 3_000 });
    expect(body.Data.CallDetailRecord).toHaveLength(20);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ PageSize: 51 }, 'PageSize'],
    [{ PageSize: 0 }, 'PageSize'],
    [{ PageNo: 1001 }, 'PageNo'],
    [{ PageNo: -1 }, 'PageNo'],
  ])('%j → 400 InvalidParameter naming %s', async (params, name) => {
    const error = await rejectionOf(query(params));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['InvalidParameter', 400]);
    expect(error.message).toMatch(new RegExp(`^Specified parameter ${name} is not valid\\.`));
    expect(error.data?.['Success']).toBe(false);
  });

  it('clamps PageSize to 50 and PageNo to 1000 in clamp mode', async () => {
    const clamping = await emulator({ pageLimits: 'clamp' });
    const body = await popClient(clamping.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: GEN, PageSize: 51 }, { method: 'POST' });
    expect(body.Data).toMatchObject({ PageNumber: 1, PageSize: 50 });
    expect(body.Data.CallDetailRecord).toHaveLength(50);
    const last = await popClient(clamping.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: GEN, PageNo: 1001, PageSize: 50 }, { method: 'POST' });
    expect(last.Data).toMatchObject({ PageNumber: 1000, CallDetailRecord: [] });
  });

  it('sees records that arrive between two pages', async () => {
    const first = await query({ PageSize: 5 });
    emu.store.add(I, [aCallRecord({ Id: 'new1', Acid: '9001', CreateTime: '2024-03-05 00:00:00' })]);
    const second = await query({ PageNo: 2, PageSize: 5 });
    expect(first.Data.TotalCount).toBe(17);
    expect(second.Data.TotalCount).toBe(18);
    // Offset paging shifts by one: the last record of page 1 shows up again.
    expect(second.Data.CallDetailRecord[0]?.['Id']).toBe(first.Data.CallDetailRecord[4]?.['Id']);
  });
});

describe('parameter validation', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ CallType: 'abc' }, 'CallType'],
    [{ CallType: undefined }, 'CallType'], // pop-core sends the literal "undefined"
    [{ QueryStartTime: '1.7e12' }, 'QueryStartTime'],
    [{ GroupId: 'x1' }, 'GroupId'],
    [{ GroupId: '99999999999999999999' }, 'GroupId'],
    [{ CallTypeList: [1, 'two'] }, 'CallTypeList.2'],
  ])('%j → InvalidParameter naming %s', async (params, name) => {
    const error = await rejectionOf(query(params));
    expect(error.code).toBe('InvalidParameter');
    expect(error.message.startsWith(`Specified parameter ${name} is not valid.`)).toBe(true);
  });

  it('missing InstanceId → 400 MissingInstanceId', async () => {
    const error = await rejectionOf(client.request('HotlineSessionQuery', {}, { method: 'POST' }));
    expect([error.code, error.entry?.response.statusCode, error.message.split(',')[0]]).toEqual(['MissingInstanceId', 400, 'InstanceId is mandatory for this action.']);
  });

  it('unknown instance → 500 NoTenantFound', async () => {
    const error = await rejectionOf(query({}, 'ccc_xp_pre-cn-nobody'));
    expect([error.code, error.entry?.response.statusCode]).toEqual(['NoTenantFound', 500]);
  });
});

describe('wire typing seen by pop-core', () => {
  it('a GroupId above 2^53 arrives as a BigNumber that keeps every digit; small ones stay numbers', async () => {
    const [big] = (await query({ Id: 'a3' })).Data.CallDetailRecord;
    const [small] = (await query({ Id: 'a4' })).Data.CallDetailRecord;
    expect(typeof big?.['GroupId']).toBe('object');
    expect(String(big?.['GroupId'])).toBe('9007199254740993');
    expect(small?.['GroupId']).toBe(123402);
  });

  it("wireStyle 'strings' sends numeric fields as strings", async () => {
    const strings = await emulator({ wireStyle: 'strings' });
    const body = await popClient(strings.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: I, Id: 'a3' }, { method: 'POST' });
    expect(body.Data.CallDetailRecord[0]).toMatchObject({ CallType: '3', GroupId: BIG_GROUP_ID, CallContinueTime: '155' });
    expect(body.Data.TotalCount).toBe(1);
  });

  it("wireStyle 'mixed-empty' renders missing values as absent, null or empty string", async () => {
    const mixed = await emulator({ wireStyle: 'mixed-empty' });
    const body = await popClient(mixed.url).request<QueryBody>('HotlineSessionQuery', { InstanceId: GEN, PageSize: 50, CallType: 1 }, { method: 'POST' });
    const renderings = new Set(body.Data.CallDetailRecord.map((r) => ('InQueueTime' in r ? JSON.stringify(r['InQueueTime']) : 'absent')));
    expect(renderings).toEqual(new Set(['absent', 'null', '""']));
  });
});

describe('agreement with a brute-force oracle (fast-check)', () => {
  it('returns exactly the oracle’s page for random filter combinations', async () => {
    const records = generateCallRecords({ instanceId: GEN, seed: 11, from: GEN_FROM, to: GEN_TO, count: 3_000 });
    const sorted = [...records].sort((a, b) => at(b.CreateTime) - at(a.CreateTime) || (a.Id < b.Id ? 1 : -1));
    const agentIds = [...new Set(records.map((r) => r.ServicerId).filter((v): v is string => v !== null))].slice(0, 12);
    const filterArb = fc.record(
      {
        CallTypeList: fc.uniqueArray(fc.constantFrom<number>(1, 2, 3), { minLength: 1 }),
        ServicerIdList: fc.uniqueArray(fc.constantFrom(...agentIds), { minLength: 1, maxLength: 11 }),
        GroupId: fc.constantFrom('123401', '123405', BIG_GROUP_ID),
        CallResult: fc.constantFrom('normal', 'dailing', 'TouchRingCallLoss'),
        QueryStartTime: fc.integer({ min: GEN_FROM, max: GEN_TO }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filterArb, fc.integer({ min: 1, max: 3 }), async (filter, pageNo) => {
        const expected = sorted.filter(
          (r) =>
            (filter.CallTypeList === undefined || filter.CallTypeList.includes(r.CallType)) &&
            (filter.ServicerIdList === undefined || (r.ServicerId !== null && filter.ServicerIdList.includes(r.ServicerId))) &&
            (filter.GroupId === undefined || r.GroupId === filter.GroupId) &&
            (filter.CallResult === undefined || r.CallResult === filter.CallResult) &&
            (filter.QueryStartTime === undefined || at(r.CreateTime) >= filter.QueryStartTime),
        );
        const body = await query({ ...filter, PageNo: pageNo, PageSize: 20 }, GEN);
        expect(body.Data.TotalCount).toBe(expected.length);
        expect(body.Data.CallDetailRecord.map((r) => r['Id'])).toEqual(expected.slice((pageNo - 1) * 20, pageNo * 20).map((r) => r.Id));
      }),
      { numRuns: 40, seed: 20240308 },
    );
  });
});
