import { describe, expect, it } from 'vitest';
import { aCallRecord, BIG_GROUP_ID, CALL_RECORD_FIELDS, generateCallRecords, serializeRecord, serializeSuccessBody } from '../../dev/aiccs/index';

describe('serializeRecord', () => {
  it('metadata style: numbers bare, GroupId beyond 2^53 as an exact integer literal, missing as null', () => {
    const json = serializeRecord(aCallRecord({ GroupId: BIG_GROUP_ID, EvaluationScore: null }), 'metadata');
    expect(json).toContain(`"GroupId":${BIG_GROUP_ID},`);
    expect(json).toContain('"CallType":2,');
    expect(json).toContain('"EvaluationScore":null');
    expect(json).toContain('"HangUpRole":"2"');
    expect(Object.keys(JSON.parse(json) as object)).toEqual([...CALL_RECORD_FIELDS]);
    // Plain JSON.parse rounds it: that is exactly why clients must use a big-int aware parser.
    expect((JSON.parse(json) as { GroupId: number }).GroupId).toBe(9007199254740992);
  });

  it('strings style: every numeric record field quoted', () => {
    const parsed = JSON.parse(serializeRecord(aCallRecord({ GroupId: BIG_GROUP_ID }), 'strings')) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      CallType: '2',
      GroupId: BIG_GROUP_ID,
      QueueUpContinueTime: '8',
      RingContinueTime: '6',
      CallContinueTime: '155',
      EvaluationLevel: '5',
      EvaluationScore: '4',
      ActiveTransferId: null,
    });
  });

  it('mixed-empty style: missing values become absent, null or "" deterministically', () => {
    const records = generateCallRecords({ instanceId: 'w', seed: 3, from: 0, to: 86_400_000, count: 300 });
    const seen = { absent: 0, null: 0, empty: 0 };
    for (const record of records) {
      const text = serializeRecord(record, 'mixed-empty');
      expect(serializeRecord(record, 'mixed-empty')).toBe(text);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      for (const field of CALL_RECORD_FIELDS) {
        if (record[field] !== null) {
          expect(parsed[field]).toBe(field === 'GroupId' ? Number(record[field]) : record[field]);
          continue;
        }
        if (!(field in parsed)) seen.absent++;
        else if (parsed[field] === null) seen.null++;
        else if (parsed[field] === '') seen.empty++;
        else throw new Error(`unexpected ${field}=${String(parsed[field])}`);
      }
    }
    expect(seen.absent).toBeGreaterThan(100);
    expect(seen.null).toBeGreaterThan(100);
    expect(seen.empty).toBeGreaterThan(100);
  });

  it('escapes strings and never emits a non-integer GroupId bare', () => {
    const json = serializeRecord(aCallRecord({ MemberName: 'a"b\\c\n', GroupId: '12x' }), 'metadata');
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(parsed['MemberName']).toBe('a"b\\c\n');
    expect(parsed['GroupId']).toBe('12x');
  });
});

describe('serializeSuccessBody', () => {
  it('wraps records in the documented envelope', () => {
    const body = JSON.parse(serializeSuccessBody('ABC-1', { PageNumber: 2, PageSize: 1, TotalCount: 26, CallDetailRecord: [aCallRecord()] }, 'metadata')) as Record<
      string,
      unknown
    >;
    expect(body).toEqual({
      RequestId: 'ABC-1',
      Success: true,
      Code: 'Success',
      Message: 'Success',
      Data: { PageNumber: 2, PageSize: 1, TotalCount: 26, CallDetailRecord: [{ ...aCallRecord(), GroupId: 123401 }] },
    });
  });
});
