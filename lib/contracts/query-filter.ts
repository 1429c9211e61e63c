import { z } from 'zod';
import { issuesFromZod, type FieldIssue } from '../errors/input';
import { CALL_RESULTS } from './call-record';
import { InstanceIdSchema } from './instance-id';

export const MAX_PAGE_SIZE = 50;
export const MAX_PAGE_NO = 1000;
export const MAX_LIST_ITEMS = 100;
export const MAX_AUTO_PAGINATION_RECORDS = 5000;

const text = (description: string, max = 128) => z.string().trim().min(1).max(max).describe(description);
const list = <T extends z.ZodType>(item: T, description: string) => z.array(item).min(1).max(MAX_LIST_ITEMS).describe(description);

const callType = z
  .union([z.enum(['outbound', 'inbound', 'transfer']), z.literal(1), z.literal(2), z.literal(3)])
  .describe('outbound | inbound | transfer, or the API codes 1 | 2 | 3');
const groupId = z
  .union([z.string().regex(/^\d{1,20}$/, { message: 'expected a skill group id of digits' }), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .describe('Skill group id; pass ids above 2^53 as strings');
const timeInput = z
  .union([
    z.iso.datetime({ offset: true, message: 'expected ISO 8601 with an offset, e.g. 2026-11-24T08:00:00+08:00, or epoch milliseconds' }),
    z.number().int().min(0).max(253_402_300_799_999),
  ])
  .describe('ISO 8601 with an offset, or epoch milliseconds');

/**
 * The query filter: every HotlineSessionQuery parameter, camelCased, plus
 * `startTime`/`endTime` (half-open `[startTime, endTime)` on createTime) and
 * auto-pagination. Strict: an unknown field is an error naming it.
 */
export const QueryFilterSchema = z.strictObject({
  instanceId: InstanceIdSchema.optional().describe('AICCS instance id; optional when the function serves exactly one instance'),
  acid: text('Session id').optional(),
  acidList: list(text('Session id'), 'Session ids (any of)').optional(),
  callType: callType.optional(),
  callTypeList: list(callType, 'Call types (any of)').optional(),
  callingNumber: text('Calling number', 64).optional(),
  callingNumberList: list(text('Calling number', 64), 'Calling numbers (any of)').optional(),
  calledNumber: text('Called number', 64).optional(),
  calledNumberList: list(text('Called number', 64), 'Called numbers (any of)').optional(),
  groupId: groupId.optional(),
  groupIdList: list(groupId, 'Skill group ids (any of)').optional(),
  groupName: text('Skill group name').optional(),
  servicerId: text('Agent id').optional(),
  servicerIdList: list(text('Agent id'), 'Agent ids (any of)').optional(),
  servicerName: text('Agent name').optional(),
  memberId: text('Member id').optional(),
  memberIdList: list(text('Member id'), 'Member ids (any of)').optional(),
  memberName: text('Member name').optional(),
  callResult: z.enum(CALL_RESULTS).optional(),
  callResultList: list(z.enum(CALL_RESULTS), 'Call results (any of)').optional(),
  id: text('Call detail record id').optional(),
  params: text('Extended parameters (passed through as Params)', 4096).optional(),
  startTime: timeInput.optional(),
  endTime: timeInput.optional(),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe('Records per page, 1–50 (default 20; 50 with all)'),
  pageNo: z.number().int().min(1).max(MAX_PAGE_NO).optional().describe('Page number, 1–1000 (default 1); with all, the first page to fetch'),
  all: z.boolean().optional().describe('Fetch every page from pageNo on, up to limit records'),
  limit: z.number().int().min(1).max(MAX_AUTO_PAGINATION_RECORDS).optional().describe('With all: the most records to return (default and maximum 5000)'),
});

export type QueryFilter = z.infer<typeof QueryFilterSchema>;

/** Names people copy from the API docs, mapped to ours. */
const ALIASES: Readonly<Record<string, keyof QueryFilter>> = {
  InstanceId: 'instanceId',
  Acid: 'acid',
  AcidList: 'acidList',
  CallType: 'callType',
  CallTypeList: 'callTypeList',
  CallingNumber: 'callingNumber',
  CallingNumberList: 'callingNumberList',
  CalledNumber: 'calledNumber',
  CalledNumberList: 'calledNumberList',
  GroupId: 'groupId',
  GroupIdList: 'groupIdList',
  GroupName: 'groupName',
  ServicerId: 'servicerId',
  ServicerIdList: 'servicerIdList',
  ServicerName: 'servicerName',
  MemberId: 'memberId',
  MemberIdList: 'memberIdList',
  MemberName: 'memberName',
  CallResult: 'callResult',
  CallResultList: 'callResultList',
  Id: 'id',
  Params: 'params',
  PageSize: 'pageSize',
  PageNo: 'pageNo',
  QueryStartTime: 'startTime',
  QueryEndTime: 'endTime',
};

const KNOWN_FIELDS = Object.keys(QueryFilterSchema.shape);

export type FilterParseResult = { ok: true; filter: QueryFilter } | { ok: false; issues: FieldIssue[] };

/**
 * Validates a parsed JSON body as a filter. PascalCase API names are
 * accepted as aliases; giving both spellings of one field is an error.
 */
export function parseQueryFilter(input: unknown): FilterParseResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, issues: [{ path: '', code: 'invalid_type', message: `Expected a JSON object, got ${describe(input)}` }] };
  }
  const issues: FieldIssue[] = [];
  // A null prototype: a `__proto__` key in the body stays an ordinary (unknown) key.
  const renamed: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(input)) {
    if (key === '__proto__') {
      // Never copied anywhere: zod's own object handling would turn it into a prototype.
      issues.push({ path: key, code: 'unknown_field', message: 'Unknown field `__proto__`' });
      continue;
    }
    const canonical = ALIASES[key] ?? key;
    if (Object.hasOwn(renamed, canonical)) {
      issues.push({ path: canonical, code: 'duplicate_field', message: `\`${canonical}\` is given twice (once as \`${key}\`); keep one spelling` });
      continue;
    }
    renamed[canonical] = value;
  }
  const parsed = QueryFilterSchema.safeParse(renamed);
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error, { suggest: closestField }));
  if (parsed.success) issues.push(...crossFieldIssues(parsed.data));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, filter: parsed.data };
}

function crossFieldIssues(filter: QueryFilter): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (filter.startTime !== undefined && filter.endTime !== undefined && toEpochMs(filter.endTime) <= toEpochMs(filter.startTime)) {
    issues.push({ path: 'endTime', code: 'invalid_range', message: 'Expected endTime to be after startTime (the range is [startTime, endTime))' });
  }
  if (filter.limit !== undefined && filter.all !== true) {
    issues.push({ path: 'limit', code: 'invalid_combination', message: 'limit applies only with "all": true' });
  }
  return issues;
}

function closestField(key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const field of KNOWN_FIELDS) {
    const distance = editDistance(lower, field.toLowerCase());
    if (distance < bestDistance) {
      best = field;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 99;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** ISO 8601 (with offset) or epoch ms → epoch ms. */
export function toEpochMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
