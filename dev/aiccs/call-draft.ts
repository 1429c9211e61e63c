/**
 * How one synthetic call unfolds: call type, result, who was involved and
 * the seconds at which each stage (IVR, queue, ringing, talk) started/ended.
 * Kept in seconds so the generator turns it into time strings in one place.
 */
import {
  AGENTS,
  AGENTS_BY_GROUP,
  ANONYMOUS_MEMBER_NAME,
  AREA_CODES,
  CUSTOMER_GIVEN_NAMES,
  CUSTOMER_SURNAMES,
  HOTLINE_NUMBERS,
  MOBILE_PREFIXES,
  SKILL_GROUPS,
  TRUNK_NUMBERS,
} from './dataset-pools';
import type { Agent, SkillGroup } from './dataset-pools';
import { createWeightedPicker, pick, randomInt } from '../shared/prng';
import type { Random } from '../shared/prng';

// Shares are plausible for a mid-size service hotline, not measured on a real
// tenant: enough unanswered and transferred calls to exercise every code path.
const pickCallType = createWeightedPicker<number>([
  [1, 35],
  [2, 55],
  [3, 10],
]);
const pickInboundResult = createWeightedPicker<string>([
  ['normal', 72],
  ['TouchRingCallLoss', 6],
  ['touchInLoss', 6],
  ['touchInQueue', 5],
  ['userHangup', 5],
  ['touchRouteError', 2],
  ['sysHangup', 2],
  ['transferAgent', 2],
]);
const pickOutboundResult = createWeightedPicker<string>([
  ['normal', 62],
  ['dailing', 20],
  ['userHangup', 10],
  ['sysHangup', 5],
  ['touchRouteError', 3],
]);
const pickTransferResult = createWeightedPicker<string>([
  ['transferAgent', 65],
  ['normal', 35],
]);
const pickGroupIndex = createWeightedPicker<number>(SKILL_GROUPS.map((group, i) => [i, group.weight] as const));
const pickScore = createWeightedPicker<number>([
  [5, 55],
  [4, 25],
  [3, 10],
  [2, 4],
  [1, 6],
]);

const MEMBER_POOL_SIZE = 5_000;

/** A customer; the same member calls (and is called) more than once. */
export interface Member {
  readonly id: string;
  readonly name: string;
  readonly phone: string;
}

/** Intermediate, seconds-based description of one call. */
export interface CallDraft {
  callType: number;
  result: string;
  callingNumber: string | null;
  calledNumber: string | null;
  trunk: string | null;
  group: SkillGroup | null;
  agent: Agent | null;
  member: Member | null;
  create: number;
  inQueue: number | null;
  outQueue: number | null;
  ringStart: number | null;
  ringEnd: number | null;
  pickUp: number | null;
  hangUp: number | null;
  evaluationLevel: number | null;
  evaluationScore: number | null;
  hangUpRole: string | null;
  activeTransferId: string | null;
  passiveTransferId: string | null;
  passiveTransferIdType: string | null;
}

/**
 * Draft one call created at `create` (epoch seconds). Consumes a varying
 * number of random draws, so callers must draft calls in a fixed order.
 */
export function draftCall(random: Random, create: number, members: readonly Member[]): CallDraft {
  const callType = pickCallType(random);
  const member = pick(random, members);
  const draft: CallDraft = {
    callType,
    result: 'normal',
    callingNumber: null,
    calledNumber: null,
    trunk: pick(random, TRUNK_NUMBERS),
    group: null,
    agent: null,
    member,
    create,
    inQueue: null,
    outQueue: null,
    ringStart: null,
    ringEnd: null,
    pickUp: null,
    hangUp: null,
    evaluationLevel: null,
    evaluationScore: null,
    hangUpRole: null,
    activeTransferId: null,
    passiveTransferId: null,
    passiveTransferIdType: null,
  };
  if (callType === 1) draftOutbound(random, draft);
  else draftInboundOrTransfer(random, draft);
  // A few records carry no hang-up role at all ("null unknown" in the docs).
  if (random() < 0.04) draft.hangUpRole = null;
  return draft;
}

/** Outbound: an agent dials a member; no queue, no ring, no skill group. */
function draftOutbound(random: Random, draft: CallDraft): void {
  draft.result = pickOutboundResult(random);
  draft.agent = pick(random, AGENTS);
  draft.callingNumber = pick(random, HOTLINE_NUMBERS);
  draft.calledNumber = draft.member?.phone ?? null;
  const start = draft.create;
  switch (draft.result) {
    case 'normal':
      draft.pickUp = start + randomInt(random, 4, 35);
      draft.hangUp = draft.pickUp + talkSeconds(random);
      draft.hangUpRole = random() < 0.5 ? '2' : '3';
      break;
    case 'userHangup':
      draft.hangUp = start + randomInt(random, 3, 30);
      draft.hangUpRole = '2';
      break;
    case 'touchRouteError':
      draft.hangUp = start + randomInt(random, 1, 3);
      draft.hangUpRole = '1';
      break;
    default: // dailing (never answered) and sysHangup: the platform gives up.
      draft.hangUp = start + randomInt(random, 20, 60);
      draft.hangUpRole = '1';
  }
}

/** Inbound (2) and transfer (3): IVR, queue, ring, talk, with early exits. */
function draftInboundOrTransfer(random: Random, draft: CallDraft): void {
  const isTransfer = draft.callType === 3;
  draft.result = isTransfer ? pickTransferResult(random) : pickInboundResult(random);
  const groupIndex = pickGroupIndex(random);
  draft.group = SKILL_GROUPS[groupIndex] ?? null;
  draft.callingNumber = draft.member?.phone ?? null;
  draft.calledNumber = pick(random, HOTLINE_NUMBERS);
  const start = draft.create;
  const ivrEnd = start + randomInt(random, 2, 40);

  switch (draft.result) {
    case 'touchRouteError':
      // Routing failed before a group was resolved.
      draft.group = null;
      draft.member = random() < 0.5 ? null : draft.member;
      draft.hangUp = start + randomInt(random, 1, 6);
      draft.hangUpRole = '1';
      return;
    case 'userHangup':
      draft.hangUp = ivrEnd;
      draft.hangUpRole = '2';
      return;
    case 'touchInQueue':
      draft.inQueue = ivrEnd;
      draft.outQueue = ivrEnd + queueSeconds(random);
      draft.hangUp = draft.outQueue;
      draft.hangUpRole = '2';
      return;
    case 'touchInLoss':
      draft.inQueue = ivrEnd;
      draft.outQueue = ivrEnd + randomInt(random, 60, 300);
      draft.hangUp = draft.outQueue + randomInt(random, 0, 8);
      draft.hangUpRole = '1';
      return;
    case 'sysHangup':
      draft.inQueue = ivrEnd;
      draft.outQueue = ivrEnd + queueSeconds(random);
      draft.hangUp = draft.outQueue + randomInt(random, 0, 3);
      draft.hangUpRole = '1';
      return;
    default:
      break;
  }

  // From here an agent was rung: TouchRingCallLoss, normal, transferAgent.
  const agent = pick(random, AGENTS_BY_GROUP[groupIndex] ?? AGENTS);
  draft.agent = agent;
  draft.inQueue = ivrEnd;
  draft.outQueue = ivrEnd + queueSeconds(random);
  draft.ringStart = draft.outQueue;
  if (draft.result === 'TouchRingCallLoss') {
    draft.ringEnd = draft.ringStart + randomInt(random, 15, 30);
    draft.hangUp = draft.ringEnd + randomInt(random, 0, 2);
    draft.hangUpRole = random() < 0.6 ? '1' : '2';
    return;
  }
  draft.ringEnd = draft.ringStart + randomInt(random, 2, 20);
  draft.pickUp = draft.ringEnd;
  draft.hangUp = draft.pickUp + talkSeconds(random);
  draft.hangUpRole = random() < 0.58 ? '2' : '3';

  if (isTransfer) {
    draftTransfer(random, draft, agent);
  } else if (random() < 0.45) {
    // Satisfaction survey answered after some inbound calls.
    draft.evaluationLevel = random() < 0.9 ? 5 : 3;
    draft.evaluationScore = Math.min(pickScore(random), draft.evaluationLevel);
  }
}

/** Transfer legs: who transferred, and to an agent ("1") or a phone ("2"). */
function draftTransfer(random: Random, draft: CallDraft, receiver: Agent): void {
  let transferring = pick(random, AGENTS);
  if (transferring.id === receiver.id) transferring = AGENTS[(AGENTS.indexOf(receiver) + 1) % AGENTS.length] ?? receiver;
  draft.activeTransferId = transferring.id;
  if (random() < 0.8) {
    draft.passiveTransferIdType = '1';
    draft.passiveTransferId = receiver.id;
  } else {
    // Transferred out to a phone: the transferring agent stays the servicer.
    draft.passiveTransferIdType = '2';
    draft.passiveTransferId = maskedMobile(random);
    draft.agent = transferring;
  }
}

/** Queue wait: mostly short, occasionally minutes (exponential, capped). */
function queueSeconds(random: Random): number {
  return Math.min(600, Math.floor(-Math.log(1 - random()) * 25));
}

/** Talk time: 15 s minimum, a long exponential tail capped at 1 h. */
function talkSeconds(random: Random): number {
  return Math.min(3600, 15 + Math.floor(-Math.log(1 - random()) * 180));
}

function maskedMobile(random: Random): string {
  return `${pick(random, MOBILE_PREFIXES)}${String(randomInt(random, 0, 9999)).padStart(4, '0')}****`;
}

function maskedLandline(random: Random): string {
  return `${pick(random, AREA_CODES)}${String(randomInt(random, 0, 999)).padStart(3, '0')}****`;
}

/** A fixed member population so the same customer calls more than once. */
export function buildMembers(random: Random): Member[] {
  const members: Member[] = [];
  const base = 7_000_000 + Math.floor(random() * 1_000_000);
  for (let k = 0; k < MEMBER_POOL_SIZE; k++) {
    const anonymous = random() < 0.35;
    members.push({
      // Stride 17 plus an offset below 17 keeps ids unique without a set.
      id: String(base + k * 17 + randomInt(random, 0, 16)),
      name: anonymous ? ANONYMOUS_MEMBER_NAME : `${pick(random, CUSTOMER_SURNAMES)}${pick(random, CUSTOMER_GIVEN_NAMES)}`,
      phone: random() < 0.85 ? maskedMobile(random) : maskedLandline(random),
    });
  }
  return members;
}
