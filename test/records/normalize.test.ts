import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { NormalizedCallRecordSchema, RECORD_FIELDS } from '../../lib/contracts/call-record';
import { normalizeRecords, type Anomalies } from '../../lib/records/normalize';
import { aWireRecord, anExampleResponseBody } from '../builders/records';

const options = { instanceId: 'ccc_xp_pre-cn-abc123', sourceTimeZone: 'Asia/Shanghai' };
const normalizeOne = (raw: unknown, anomalies: Anomalies = {}) => normalizeRecords([raw], options, anomalies)[0];
// pop-core parses bodies with json-bigint; use the same parser to get real BigNumber values.
const JSONbig = createRequire(import.meta.url)('json-bigint') as { parse(text: string): unknown };

describe('normalizeRecords', () => {
  it('turns the spec example response into the exact normalized record', () => {
    // Arrange
    const body = anExampleResponseBody();
    // Act
    const [record] = normalizeRecords(body.Data.CallDetailRecord, options);
    // Assert
    expect(record).toStrictEqual({
      instanceId: 'ccc_xp_pre-cn-abc123',
      id: 'acc1c58dab4a4dd280e3813c66',
      acid: '7719786',
      callType: 'outbound',
      callResult: 'normal',
      callingNumber: '0571773',
      calledNumber: '135615*****',
      trunkCall: '1861111****',
      groupId: '123456',
      groupName: '自动化技能组',
      servicerId: '555555',
      servicerName: '刘测试',
      memberId: '7856876',
      memberName: '匿名会员',
      createTime: '2020-10-02T22:32:55+08:00',
      inQueueTime: '2020-10-02T22:32:55+08:00',
      outQueueTime: '2020-10-02T22:32:59+08:00',
      ringStartTime: '2020-10-02T22:32:59+08:00',
      ringEndTime: '2020-10-02T22:33:09+08:00',
      pickUpTime: '2020-10-02T22:33:09+08:00',
      hangUpTime: '2020-10-02T22:33:46+08:00',
      queueUpContinueTime: 4,
      ringContinueTime: 10,
      callContinueTime: 37,
      evaluationLevel: 4,
      evaluationScore: 4,
      hangUpRole: 'customer',
      activeTransferId: '12',
      passiveTransferId: '12',
      passiveTransferIdType: 'agent',
    });
    expect(NormalizedCallRecordSchema.parse(record)).toStrictEqual(record);
    expect(Object.keys(record ?? {})).toStrictEqual(RECORD_FIELDS);
  });

  it.each([
    { info: 'absent', value: undefined },
    { info: 'null', value: null },
    { info: 'empty string', value: '' },
  ])('treats $info values as null in every field', ({ value }) => {
    const raw = Object.fromEntries(Object.keys(aWireRecord()).map((key) => [key, value]));
    const anomalies: Anomalies = {};
    const record = normalizeOne(value === undefined ? {} : raw, anomalies);
    expect(record?.callType).toBe('unknown');
    for (const field of RECORD_FIELDS.filter((name) => name !== 'instanceId' && name !== 'callType')) expect(record?.[field]).toBeNull();
    expect(anomalies).toStrictEqual({});
  });

  it('accepts numbers sent as strings and codes sent as numbers', () => {
    const record = normalizeOne(
      aWireRecord({ CallType: '2', GroupId: '123456', QueueUpContinueTime: '4', EvaluationScore: ' 5 ', HangUpRole: 3, PassiveTransferIdType: 2 }),
    );
    expect(record).toMatchObject({
      callType: 'inbound',
      groupId: '123456',
      queueUpContinueTime: 4,
      evaluationScore: 5,
      hangUpRole: 'agent',
      passiveTransferIdType: 'phone',
    });
  });

  it('keeps integral values written with a zero fraction, and the record schema rejects a fraction', () => {
    const record = normalizeOne(aWireRecord({ CallContinueTime: '37.0', RingContinueTime: 10.0 }));
    expect(record).toMatchObject({ callContinueTime: 37, ringContinueTime: 10 });
    expect(NormalizedCallRecordSchema.safeParse({ ...record, callContinueTime: 12.5 }).success).toBe(false);
  });

  it('keeps every digit of a GroupId above 2^53 that pop-core parsed as a BigNumber', () => {
    const body = JSONbig.parse('{"CallDetailRecord":[{"GroupId":12345678901234567890123,"CallType":2}]}') as { CallDetailRecord: unknown[] };
    const wire = body.CallDetailRecord[0] as { GroupId: unknown };
    expect(typeof wire.GroupId).toBe('object');
    expect(normalizeOne(wire)?.groupId).toBe('12345678901234567890123');
  });

  it.each([
    { info: 'unknown call type code', field: 'CallType', value: 7, check: { callType: 'unknown' }, anomaly: 'CallType' },
    { info: 'unknown hang-up role', field: 'HangUpRole', value: '9', check: { hangUpRole: null }, anomaly: 'HangUpRole' },
    { info: 'non-numeric duration', field: 'CallContinueTime', value: 'abc', check: { callContinueTime: null }, anomaly: 'CallContinueTime' },
    { info: 'object where a string belongs', field: 'ServicerName', value: { a: 1 }, check: { servicerName: null }, anomaly: 'ServicerName' },
    { info: 'unparseable time', field: 'PickUpTime', value: '2020-13-45 99:00:00', check: { pickUpTime: null }, anomaly: 'PickUpTime' },
    { info: 'infinite number', field: 'EvaluationLevel', value: Number.POSITIVE_INFINITY, check: { evaluationLevel: null }, anomaly: 'EvaluationLevel' },
    { info: 'fractional number', field: 'EvaluationScore', value: 12.5, check: { evaluationScore: null }, anomaly: 'EvaluationScore' },
    { info: 'fractional numeric string', field: 'RingContinueTime', value: '10.25', check: { ringContinueTime: null }, anomaly: 'RingContinueTime' },
    { info: 'integer beyond 2^53', field: 'CallContinueTime', value: 2 ** 60, check: { callContinueTime: null }, anomaly: 'CallContinueTime' },
  ])('never fails the page on an $info: the field becomes null and is counted', ({ field, value, check, anomaly }) => {
    const anomalies: Anomalies = {};
    const records = normalizeRecords([aWireRecord({ [field]: value }), aWireRecord()], options, anomalies);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject(check);
    expect(records[1]?.id).toBe('acc1c58dab4a4dd280e3813c66');
    expect(anomalies).toStrictEqual({ [anomaly]: 1 });
  });

  it('turns a record that is not an object into an all-null record and counts it', () => {
    const anomalies: Anomalies = {};
    const [record] = normalizeRecords(['oops'], options, anomalies);
    expect(record).toMatchObject({ instanceId: options.instanceId, id: null, callType: 'unknown', createTime: null });
    expect(anomalies).toStrictEqual({ record: 1 });
  });

  it.each([
    { info: 'T separator and milliseconds', value: '2020-10-02T22:32:55.123', expected: '2020-10-02T22:32:55+08:00' },
    { info: 'already ISO with an offset', value: '2020-10-02T14:32:55Z', expected: '2020-10-02T14:32:55+00:00' },
    { info: 'epoch milliseconds', value: 1601649175000, expected: '2020-10-02T22:32:55+08:00' },
    { info: 'epoch seconds', value: 1601649175, expected: '2020-10-02T22:32:55+08:00' },
  ])('accepts a time as $info', ({ value, expected }) => {
    expect(normalizeOne(aWireRecord({ CreateTime: value }))?.createTime).toBe(expected);
  });

  it('renders times in SOURCE_TIMEZONE', () => {
    const [record] = normalizeRecords([aWireRecord({ CreateTime: '2020-07-01 12:00:00' })], { instanceId: 'i', sourceTimeZone: 'Europe/Berlin' });
    expect(record?.createTime).toBe('2020-07-01T12:00:00+02:00');
  });
});
