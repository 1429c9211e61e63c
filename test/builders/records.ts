/** The spec's example CallDetailRecord (aiccs-hotline-session-query.md §6.3), wire shape. */
export const EXAMPLE_WIRE_RECORD = Object.freeze({
  Id: 'acc1c58dab4a4dd280e3813c66',
  Acid: '7719786',
  CallType: 1,
  CallResult: 'normal',
  CallingNumber: '0571773',
  CalledNumber: '135615*****',
  TrunkCall: '1861111****',
  GroupId: 123456,
  GroupName: '自动化技能组',
  ServicerId: '555555',
  ServicerName: '刘测试',
  MemberId: '7856876',
  MemberName: '匿名会员',
  CreateTime: '2020-10-02 22:32:55',
  InQueueTime: '2020-10-02 22:32:55',
  OutQueueTime: '2020-10-02 22:32:59',
  RingStartTime: '2020-10-02 22:32:59',
  RingEndTime: '2020-10-02 22:33:09',
  PickUpTime: '2020-10-02 22:33:09',
  HangUpTime: '2020-10-02 22:33:46',
  QueueUpContinueTime: 4,
  RingContinueTime: 10,
  CallContinueTime: 37,
  EvaluationLevel: 4,
  EvaluationScore: 4,
  HangUpRole: '2',
  ActiveTransferId: '12',
  PassiveTransferId: '12',
  PassiveTransferIdType: '1',
});

/** A wire record: the spec example with `overrides` applied (`undefined` deletes a field). */
export function aWireRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const record: Record<string, unknown> = { ...EXAMPLE_WIRE_RECORD };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete record[key];
    else record[key] = value;
  }
  return record;
}

/** The spec's example response body (§6.3). */
export function anExampleResponseBody(records: unknown[] = [aWireRecord()]) {
  return {
    RequestId: 'EE339D98-9BD3-4413-B165',
    Success: true,
    Code: 'Success',
    Message: 'xxxx',
    Data: { PageNumber: 1, PageSize: 10, TotalCount: 26, CallDetailRecord: records },
  };
}
