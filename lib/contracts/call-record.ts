import { z } from 'zod';

/** Bumped only when a field changes meaning or type; readers key on it. */
export const RECORD_SCHEMA_VERSION = 1;

const nullableString = z.string().nullable();
const nullableTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/)
  .nullable()
  // `format` marks the time columns for the generated schema artifacts (TIMESTAMP / TIMESTAMPTZ columns).
  .meta({ format: 'date-time', description: 'ISO 8601 with an explicit offset, e.g. 2020-10-02T22:32:55+08:00' });
/** The API documents all five numeric fields as integers; a fraction on the wire is an anomaly (null), never rounded. */
const nullableNumber = z.number().int().nullable();

/**
 * One call detail record, normalized (schema version 1): the API's 29
 * `CallDetailRecord` fields camelCased with typed values, plus `instanceId`.
 * Absent, null and "" on the wire are all `null` here. Field order is the
 * CSV column order.
 */
export const NormalizedCallRecordSchema = z
  .object({
    instanceId: z.string(),
    id: nullableString.describe('Global unique id of the call detail record'),
    acid: nullableString.describe('Session id'),
    callType: z.enum(['outbound', 'inbound', 'transfer', 'unknown']),
    callResult: nullableString.describe('normal, touchRouteError, touchInQueue, touchInLoss, userHangup, sysHangup, transferAgent, dailing, TouchRingCallLoss'),
    callingNumber: nullableString,
    calledNumber: nullableString,
    trunkCall: nullableString,
    groupId: nullableString.describe('Skill group id; a string so ids above 2^53 keep every digit'),
    groupName: nullableString,
    servicerId: nullableString.describe('Agent id'),
    servicerName: nullableString,
    memberId: nullableString,
    memberName: nullableString,
    createTime: nullableTime,
    inQueueTime: nullableTime,
    outQueueTime: nullableTime,
    ringStartTime: nullableTime,
    ringEndTime: nullableTime,
    pickUpTime: nullableTime,
    hangUpTime: nullableTime,
    queueUpContinueTime: nullableNumber.describe('Seconds in queue'),
    ringContinueTime: nullableNumber.describe('Seconds ringing'),
    callContinueTime: nullableNumber.describe('Seconds talking'),
    evaluationLevel: nullableNumber.describe('Satisfaction scale (2, 3, 4 or 5 levels)'),
    evaluationScore: nullableNumber.describe('1 very dissatisfied … 5 very satisfied'),
    hangUpRole: z.enum(['system', 'customer', 'agent']).nullable(),
    activeTransferId: nullableString,
    passiveTransferId: nullableString,
    passiveTransferIdType: z.enum(['agent', 'phone']).nullable(),
  })
  .describe('A call detail record from AICCS HotlineSessionQuery, normalized (schema version 1)');

export type NormalizedCallRecord = z.infer<typeof NormalizedCallRecordSchema>;
export type CallType = NormalizedCallRecord['callType'];

/** Column order for CSV and anything tabular. */
export const RECORD_FIELDS = Object.keys(NormalizedCallRecordSchema.shape) as ReadonlyArray<keyof NormalizedCallRecord>;

export const CALL_TYPE_BY_CODE: Readonly<Record<string, CallType>> = { '1': 'outbound', '2': 'inbound', '3': 'transfer' };
export const CALL_TYPE_CODE: Readonly<Record<Exclude<CallType, 'unknown'>, number>> = { outbound: 1, inbound: 2, transfer: 3 };
export const HANG_UP_ROLE_BY_CODE = { '1': 'system', '2': 'customer', '3': 'agent' } as const;
export const PASSIVE_TRANSFER_ID_TYPE_BY_CODE = { '1': 'agent', '2': 'phone' } as const;

export const CALL_RESULTS = [
  'normal',
  'touchRouteError',
  'touchInQueue',
  'touchInLoss',
  'userHangup',
  'sysHangup',
  'transferAgent',
  'dailing',
  'TouchRingCallLoss',
] as const;
