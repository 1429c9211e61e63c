import { describe, expect, it } from 'vitest';
import {
  ANSWERED_RESULTS,
  BIG_GROUP_ID,
  CALL_RECORD_FIELDS,
  CALL_RESULTS,
  createDemoStore,
  DEMO_CREDENTIALS,
  DEMO_INSTANCE_ID,
  formatShanghaiTime,
  generateCallRecords,
  parseShanghaiTime,
  SECOND_INSTANCE_ID,
} from '../../dev/aiccs/index';
import type { RawCallRecord } from '../../dev/aiccs/index';

const TO = Date.UTC(2024, 2, 8, 0, 0, 0); // 2024-03-08T00:00:00Z
const FROM = TO - 7 * 24 * 3600 * 1000;
const base = { instanceId: 'ccc_xp_pre-cn-t', seed: 42, from: FROM, to: TO };

const TIMELINE = ['CreateTime', 'InQueueTime', 'OutQueueTime', 'RingStartTime', 'RingEndTime', 'PickUpTime', 'HangUpTime'] as const;

function seconds(text: string | null): number | null {
  return text === null ? null : parseShanghaiTime(text) / 1000;
}

function share(records: RawCallRecord[], test: (r: RawCallRecord) => boolean): number {
  return records.filter(test).length / records.length;
}

describe('time helpers', () => {
  it('renders UTC+08:00 without milliseconds and parses it back', () => {
    expect(formatShanghaiTime(Date.UTC(2020, 9, 2, 14, 32, 55, 999))).toBe('2020-10-02 22:32:55');
    expect(formatShanghaiTime(Date.UTC(2023, 11, 31, 16, 0, 0))).toBe('2024-01-01 00:00:00');
    expect(formatShanghaiTime(Date.UTC(2024, 1, 28, 20, 0, 0))).toBe('2024-02-29 04:00:00');
    expect(parseShanghaiTime('2020-10-02 22:32:55')).toBe(Date.UTC(2020, 9, 2, 14, 32, 55));
  });

  it.each(['2020-10-02T22:32:55', '2020-13-02 22:32:55', '2020-10-02 22:32', 'x'])('rejects %j', (text) => {
    expect(() => parseShanghaiTime(text)).toThrow(RangeError);
  });
});

describe('generateCallRecords', () => {
  const records = generateCallRecords({ ...base, count: 5_000 });

  it('is deterministic for a seed and differs for another seed or instance', () => {
    const again = generateCallRecords({ ...base, count: 5_000 });
    expect(again).toEqual(records);
    expect(generateCallRecords({ ...base, seed: 43, count: 50 })[0]?.Id).not.toBe(records[0]?.Id);
    expect(generateCallRecords({ ...base, instanceId: 'other', count: 50 })[0]?.Id).not.toBe(records[0]?.Id);
  });

  it('has exactly the 29 fields, Id as 26 lowercase hex and unique Ids and Acids', () => {
    expect(CALL_RECORD_FIELDS).toHaveLength(29);
    for (const record of records) expect(Object.keys(record)).toEqual([...CALL_RECORD_FIELDS]);
    expect(records.every((r) => /^[0-9a-f]{26}$/.test(r.Id))).toBe(true);
    expect(records.every((r) => /^\d{10,}$/.test(r.Acid))).toBe(true);
    expect(new Set(records.map((r) => r.Id)).size).toBe(records.length);
    expect(new Set(records.map((r) => r.Acid)).size).toBe(records.length);
  });

  it('places CreateTime at whole seconds inside [from, to), ascending', () => {
    const times = records.map((r) => parseShanghaiTime(r.CreateTime));
    expect(times.every((t) => t >= FROM && t < TO && t % 1000 === 0)).toBe(true);
    expect(times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)).toBe(true);
  });

  it('keeps every timeline ordered and durations equal to the differences', () => {
    for (const r of records) {
      const present = TIMELINE.map((f) => seconds(r[f])).filter((s): s is number => s !== null);
      expect(
        present.every((s, i) => i === 0 || (present[i - 1] as number) <= s),
        r.Id,
      ).toBe(true);
      const diff = (a: string | null, b: string | null) => (a === null || b === null ? null : (seconds(b) as number) - (seconds(a) as number));
      expect(r.QueueUpContinueTime).toBe(diff(r.InQueueTime, r.OutQueueTime));
      expect(r.RingContinueTime).toBe(diff(r.RingStartTime, r.RingEndTime));
      expect(r.CallContinueTime).toBe(diff(r.PickUpTime, r.HangUpTime));
      expect(r.HangUpTime).not.toBeNull();
      // Ringing ends when the agent picks up.
      if (r.RingEndTime !== null && r.PickUpTime !== null) expect(r.PickUpTime).toBe(r.RingEndTime);
    }
  });

  it('mixes call types roughly 35/55/10 and uses only documented results', () => {
    expect(share(records, (r) => r.CallType === 1)).toBeGreaterThan(0.31);
    expect(share(records, (r) => r.CallType === 1)).toBeLessThan(0.39);
    expect(share(records, (r) => r.CallType === 2)).toBeGreaterThan(0.51);
    expect(share(records, (r) => r.CallType === 2)).toBeLessThan(0.59);
    expect(share(records, (r) => r.CallType === 3)).toBeGreaterThan(0.07);
    expect(share(records, (r) => r.CallType === 3)).toBeLessThan(0.13);
    const results = new Set(records.map((r) => r.CallResult));
    expect([...results].sort()).toEqual([...CALL_RESULTS].sort());
    expect(share(records, (r) => r.CallResult === 'normal')).toBeGreaterThan(0.5);
  });

  it('leaves answer-related fields null exactly when unanswered', () => {
    for (const r of records) {
      const answered = ANSWERED_RESULTS.has(r.CallResult);
      expect(r.PickUpTime === null, r.Id).toBe(!answered);
      expect(r.CallContinueTime === null, r.Id).toBe(!answered);
      if (!answered) {
        expect(r.EvaluationLevel).toBeNull();
        expect(r.EvaluationScore).toBeNull();
      }
    }
  });

  it('gives outbound calls no queue, ring, group or evaluation', () => {
    const outbound = records.filter((r) => r.CallType === 1);
    for (const r of outbound) {
      expect([r.InQueueTime, r.OutQueueTime, r.RingStartTime, r.RingEndTime, r.QueueUpContinueTime, r.RingContinueTime]).toEqual([null, null, null, null, null, null]);
      expect([r.GroupId, r.GroupName, r.EvaluationLevel, r.EvaluationScore]).toEqual([null, null, null, null]);
      expect(r.ServicerId).toMatch(/^1002\d\d$/);
    }
  });

  it('fills transfer fields only for transfers, with consistent types', () => {
    for (const r of records) {
      if (r.CallType !== 3) {
        expect([r.ActiveTransferId, r.PassiveTransferId, r.PassiveTransferIdType]).toEqual([null, null, null]);
        continue;
      }
      expect(r.ActiveTransferId).toMatch(/^1002\d\d$/);
      if (r.PassiveTransferIdType === '1') {
        expect(r.PassiveTransferId).toMatch(/^1002\d\d$/);
        expect(r.PassiveTransferId).not.toBe(r.ActiveTransferId);
      } else {
        expect(r.PassiveTransferIdType).toBe('2');
        expect(r.PassiveTransferId).toMatch(/^\d{7}\*{4}$/);
      }
    }
  });

  it('uses realistic agents, groups, members, masked numbers, roles and scores', () => {
    const agents = new Set(records.map((r) => r.ServicerId).filter((v) => v !== null));
    expect(agents.size).toBe(40);
    const groups = new Map(records.filter((r) => r.GroupId !== null).map((r) => [r.GroupId, r.GroupName]));
    expect(groups.size).toBe(8);
    expect(groups.get(BIG_GROUP_ID)).toBe('海外业务组');
    expect(groups.get('123402')).toBe('售后技能组');
    const bigShare = share(records, (r) => r.GroupId === BIG_GROUP_ID);
    expect(bigShare).toBeGreaterThan(0.005);
    expect(bigShare).toBeLessThan(0.05);
    expect(records.some((r) => r.MemberName === '匿名会员')).toBe(true);
    expect(records.some((r) => r.MemberName !== null && r.MemberName !== '匿名会员')).toBe(true);
    expect(records.every((r) => r.CallingNumber === null || /^\d{7}\*{4}$/.test(r.CallingNumber))).toBe(true);
    expect(records.some((r) => r.CallingNumber?.startsWith('0571') === true)).toBe(true);
    expect(records.every((r) => r.TrunkCall !== null && /^\d{7}\*{4}$/.test(r.TrunkCall))).toBe(true);
    expect(new Set(records.map((r) => r.HangUpRole))).toEqual(new Set(['1', '2', '3', null]));
    const evaluated = records.filter((r) => r.EvaluationScore !== null);
    expect(evaluated.length).toBeGreaterThan(500);
    expect(evaluated.every((r) => r.CallType === 2 && r.EvaluationLevel !== null && (r.EvaluationScore ?? 0) >= 1 && (r.EvaluationScore ?? 0) <= r.EvaluationLevel)).toBe(
      true,
    );
  });

  it('concentrates calls in Shanghai business hours', () => {
    const hourOf = (r: RawCallRecord) => Number(r.CreateTime.slice(11, 13));
    expect(share(records, (r) => hourOf(r) >= 9 && hourOf(r) < 18)).toBeGreaterThan(0.55);
    expect(share(records, (r) => hourOf(r) < 6)).toBeLessThan(0.03);
  });

  // Its speed (200,000 in under 2.5 s) is measured by bench/dataset.ts, not asserted here.
  it('generates 200,000 records, each id once', () => {
    const many = generateCallRecords({ ...base, count: 200_000 });
    expect(many).toHaveLength(200_000);
    expect(new Set(many.map((record) => record.Id)).size).toBe(200_000);
  });

  it.each([
    [{ count: -1 }, /count/],
    [{ count: 1.5 }, /count/],
    [{ from: TO, to: FROM }, /from/],
    [{ from: 1_500, to: 1_800, count: 1 }, /whole second/],
  ])('rejects invalid options %j', (override, message) => {
    expect(() => generateCallRecords({ ...base, count: 10, ...override })).toThrow(message);
  });
});

describe('demo data', () => {
  it('seeds both instances deterministically over the 7 days before now', () => {
    const store = createDemoStore(TO);
    expect(store.count(DEMO_INSTANCE_ID)).toBe(20_000);
    expect(store.count(SECOND_INSTANCE_ID)).toBe(2_000);
    const newest = store.all(DEMO_INSTANCE_ID)[0];
    expect(newest).toEqual(createDemoStore(TO).all(DEMO_INSTANCE_ID)[0]);
    const times = store.all(SECOND_INSTANCE_ID).map((r) => parseShanghaiTime(r.CreateTime));
    expect(Math.max(...times)).toBeLessThan(TO);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(FROM);
  });

  it('uses an STS-shaped demo credential', () => {
    expect(DEMO_CREDENTIALS.accessKeyId).toBe('STS.LocalDemoAccessKey001');
    expect(DEMO_CREDENTIALS.accessKeySecret).toHaveLength(30);
    expect(DEMO_CREDENTIALS.securityToken.startsWith('CAIS')).toBe(true);
    expect(DEMO_CREDENTIALS.securityToken.length).toBeGreaterThan(200);
  });
});
