/**
 * Builder for hand-written call records in tests: a consistent answered
 * inbound call that each test overrides only where it matters.
 */
import type { RawCallRecord } from './dataset';

/**
 * A complete, internally consistent inbound record (answered, evaluated),
 * with `overrides` applied on top. Overrides are not re-validated: a test
 * that changes CreateTime is responsible for the other times if it cares.
 */
export function aCallRecord(overrides: Partial<RawCallRecord> = {}): RawCallRecord {
  return {
    Id: 'acc1c58dab4a4dd280e3813c66',
    Acid: '7719786001',
    CallType: 2,
    CallResult: 'normal',
    CallingNumber: '1381234****',
    CalledNumber: '0571773****',
    TrunkCall: '1861111****',
    GroupId: '123401',
    GroupName: '售前咨询组',
    ServicerId: '100201',
    ServicerName: '王芳',
    MemberId: '7856876',
    MemberName: '匿名会员',
    CreateTime: '2024-03-01 10:00:00',
    InQueueTime: '2024-03-01 10:00:12',
    OutQueueTime: '2024-03-01 10:00:20',
    RingStartTime: '2024-03-01 10:00:20',
    RingEndTime: '2024-03-01 10:00:26',
    PickUpTime: '2024-03-01 10:00:26',
    HangUpTime: '2024-03-01 10:03:01',
    QueueUpContinueTime: 8,
    RingContinueTime: 6,
    CallContinueTime: 155,
    EvaluationLevel: 5,
    EvaluationScore: 4,
    HangUpRole: '2',
    ActiveTransferId: null,
    PassiveTransferId: null,
    PassiveTransferIdType: null,
    ...overrides,
  };
}
