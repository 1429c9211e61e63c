/**
 * Deterministic synthetic `CallDetailRecord`s that look like a real AICCS
 * contact centre: time-ordered call legs, realistic call type and result mix,
 * agents, skill groups (one with an id above 2^53), masked numbers, transfers
 * and satisfaction scores.
 */
import { buildMembers, draftCall } from './call-draft';
import { createRandom, hashString, randomInt } from '../shared/prng';
import type { Random } from '../shared/prng';
import { formatShanghaiTime } from './time';

/**
 * One `Data.CallDetailRecord[]` entry as the emulator stores and serves it
 * (spec §6.2). Missing values are `null`; the server's `wireStyle` decides how
 * they travel. `GroupId` is a decimal string so ids above 2^53 keep every
 * digit; the serializer writes it as a bare JSON number.
 */
export type RawCallRecord = {
  Id: string;
  Acid: string;
  /** 1 outbound, 2 inbound, 3 transfer. */
  CallType: number;
  CallResult: string;
  CallingNumber: string | null;
  CalledNumber: string | null;
  TrunkCall: string | null;
  /** Decimal integer string; emitted as a JSON number. Null for outbound. */
  GroupId: string | null;
  GroupName: string | null;
  ServicerId: string | null;
  ServicerName: string | null;
  MemberId: string | null;
  MemberName: string | null;
  /** `yyyy-MM-dd HH:mm:ss`, UTC+08:00. Always present. */
  CreateTime: string;
  InQueueTime: string | null;
  OutQueueTime: string | null;
  RingStartTime: string | null;
  RingEndTime: string | null;
  PickUpTime: string | null;
  HangUpTime: string | null;
  /** Seconds between InQueueTime and OutQueueTime. */
  QueueUpContinueTime: number | null;
  /** Seconds between RingStartTime and RingEndTime. */
  RingContinueTime: number | null;
  /** Seconds between PickUpTime and HangUpTime. */
  CallContinueTime: number | null;
  EvaluationLevel: number | null;
  EvaluationScore: number | null;
  /** "1" system, "2" customer, "3" agent. */
  HangUpRole: string | null;
  ActiveTransferId: string | null;
  PassiveTransferId: string | null;
  /** "1" agent id, "2" phone number. */
  PassiveTransferIdType: string | null;
};

/** The 29 record fields in the order the emulator serializes them. */
export const CALL_RECORD_FIELDS = [
  'Id',
  'Acid',
  'CallType',
  'CallResult',
  'CallingNumber',
  'CalledNumber',
  'TrunkCall',
  'GroupId',
  'GroupName',
  'ServicerId',
  'ServicerName',
  'MemberId',
  'MemberName',
  'CreateTime',
  'InQueueTime',
  'OutQueueTime',
  'RingStartTime',
  'RingEndTime',
  'PickUpTime',
  'HangUpTime',
  'QueueUpContinueTime',
  'RingContinueTime',
  'CallContinueTime',
  'EvaluationLevel',
  'EvaluationScore',
  'HangUpRole',
  'ActiveTransferId',
  'PassiveTransferId',
  'PassiveTransferIdType',
] as const satisfies readonly (keyof RawCallRecord)[];

/** Fields the SDK metadata types as JSON numbers (int32 / int64). */
export const NUMERIC_RECORD_FIELDS: ReadonlySet<keyof RawCallRecord> = new Set([
  'CallType',
  'GroupId',
  'QueueUpContinueTime',
  'RingContinueTime',
  'CallContinueTime',
  'EvaluationLevel',
  'EvaluationScore',
]);

/** Every `CallResult` value the API documents. */
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

/** Results that mean an agent (or the callee) picked up. */
export const ANSWERED_RESULTS: ReadonlySet<string> = new Set(['normal', 'transferAgent']);

/** Inputs of {@link generateCallRecords}. */
export interface GenerateCallRecordsOptions {
  /** Mixed into the seed so two instances with the same seed differ. */
  instanceId: string;
  seed: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  count: number;
}

/**
 * Relative call volume per Shanghai hour of day: quiet nights, a morning and
 * an afternoon peak, so time-window splitting sees uneven density.
 */
const HOURLY_WEIGHT = [0.04, 0.03, 0.02, 0.02, 0.02, 0.04, 0.1, 0.3, 0.7, 1, 1, 0.9, 0.7, 0.8, 0.95, 1, 0.95, 0.8, 0.6, 0.5, 0.45, 0.35, 0.2, 0.08] as const;

/**
 * Generate `count` records with `CreateTime` at whole seconds spread over
 * [from, to), returned in ascending `CreateTime` order. The same options always
 * give the same records. Runs at roughly a million records in a couple of
 * seconds; time strings are interned so large sets stay compact.
 *
 * @throws RangeError when `count` is not a non-negative integer, the bounds
 *   are not finite, `from >= to`, or the window holds no whole second.
 */
export function generateCallRecords(opts: GenerateCallRecordsOptions): RawCallRecord[] {
  const { instanceId, seed, from, to, count } = opts;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Expected \`count\` to be a non-negative integer, got ${String(count)}`);
  }
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    throw new RangeError(`Expected finite \`from\` < \`to\` (epoch ms), got from=${String(from)} to=${String(to)}`);
  }
  const random = createRandom((seed ^ hashString(instanceId)) >>> 0);
  const createSeconds = drawCreateSeconds(random, from, to, count);
  const members = buildMembers(random);
  const formatSecond = createSecondFormatter();
  const idSalt = (random() * 0x1_0000_0000) >>> 0;
  const acidBase = 7_700_000_000 + Math.floor(random() * 100_000) * 10_000;

  const at = (second: number | null): string | null => (second === null ? null : formatSecond(second));
  const records: RawCallRecord[] = new Array<RawCallRecord>(count);
  for (let i = 0; i < count; i++) {
    const draft = draftCall(random, createSeconds[i] as number, members);
    records[i] = {
      Id: makeRecordId(random, i, idSalt),
      Acid: String(acidBase + i * 3 + randomInt(random, 0, 2)),
      CallType: draft.callType,
      CallResult: draft.result,
      CallingNumber: draft.callingNumber,
      CalledNumber: draft.calledNumber,
      TrunkCall: draft.trunk,
      GroupId: draft.group?.id ?? null,
      GroupName: draft.group?.name ?? null,
      ServicerId: draft.agent?.id ?? null,
      ServicerName: draft.agent?.name ?? null,
      MemberId: draft.member?.id ?? null,
      MemberName: draft.member?.name ?? null,
      CreateTime: formatSecond(draft.create),
      InQueueTime: at(draft.inQueue),
      OutQueueTime: at(draft.outQueue),
      RingStartTime: at(draft.ringStart),
      RingEndTime: at(draft.ringEnd),
      PickUpTime: at(draft.pickUp),
      HangUpTime: at(draft.hangUp),
      QueueUpContinueTime: difference(draft.inQueue, draft.outQueue),
      RingContinueTime: difference(draft.ringStart, draft.ringEnd),
      CallContinueTime: difference(draft.pickUp, draft.hangUp),
      EvaluationLevel: draft.evaluationLevel,
      EvaluationScore: draft.evaluationScore,
      HangUpRole: draft.hangUpRole,
      ActiveTransferId: draft.activeTransferId,
      PassiveTransferId: draft.passiveTransferId,
      PassiveTransferIdType: draft.passiveTransferIdType,
    };
  }
  return records;
}

/** Whole seconds between two instants, or null when either is missing. */
function difference(start: number | null, end: number | null): number | null {
  return start === null || end === null ? null : end - start;
}

/**
 * Draw `count` whole-second instants in [from, to), weighted by Shanghai hour
 * of day (rejection sampling), sorted ascending.
 */
function drawCreateSeconds(random: Random, from: number, to: number, count: number): Float64Array {
  const first = Math.ceil(from / 1000);
  const span = Math.ceil(to / 1000) - first;
  if (count > 0 && span <= 0) {
    throw new RangeError(`The window [${from}, ${to}) contains no whole second to place records at`);
  }
  const seconds = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let second = first;
    // Bounded retries: a window that only covers quiet hours still terminates.
    for (let attempt = 0; attempt < 64; attempt++) {
      second = first + Math.floor(random() * span);
      const hour = Math.floor(((((second + 8 * 3600) % 86400) + 86400) % 86400) / 3600);
      if (random() < (HOURLY_WEIGHT[hour] ?? 1)) break;
    }
    seconds[i] = second;
  }
  return seconds.sort();
}

/**
 * Format epoch seconds with a direct-mapped cache: records created close
 * together share their time strings, which both speeds up generation and
 * lets a million records share most of their seven time strings.
 */
function createSecondFormatter(): (second: number) => string {
  const size = 1 << 16;
  const keys = new Float64Array(size).fill(Number.NaN);
  const values = new Array<string>(size).fill('');
  return (second) => {
    const slot = second % size;
    if (keys[slot] === second) return values[slot] as string;
    const text = formatShanghaiTime(second * 1000);
    keys[slot] = second;
    values[slot] = text;
    return text;
  };
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const ID_CODES = new Uint16Array(26);

/**
 * 26 lowercase hex characters: 18 random, then 8 from a bijective scramble
 * of the index, so ids never collide within one generation yet do not look
 * sequential. Built from char codes so the result is one flat string.
 */
function makeRecordId(random: Random, index: number, salt: number): string {
  const codes = ID_CODES;
  putHex(codes, 0, (random() * 0x1_0000_0000) >>> 0, 8);
  putHex(codes, 8, (random() * 0x1_0000_0000) >>> 0, 8);
  putHex(codes, 16, (random() * 256) >>> 0, 2);
  putHex(codes, 18, Math.imul((index ^ salt) >>> 0, 0x9e3779b1) >>> 0, 8);
  return String.fromCharCode.apply(null, codes as unknown as number[]);
}

function putHex(codes: Uint16Array, start: number, value: number, width: number): void {
  let rest = value;
  for (let i = start + width - 1; i >= start; i--) {
    codes[i] = HEX_CODES[rest & 15] as number;
    rest >>>= 4;
  }
}
