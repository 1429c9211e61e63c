/**
 * Dev hooks: what happens to call records after their hour in a real
 * contact centre, on demand. Records can arrive late in an hour that is
 * already over (a long call, a delayed write), and fields of existing
 * records can change (satisfaction is collected after hang-up). Tests call
 * these in-process through the emulator; the running local stack exposes
 * them as unsigned HTTP endpoints on loopback (see {@link serveDevHook}).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { hashString } from '../shared/prng';
import { readRequestBody } from '../shared/request-body';
import { generateCallRecords, type RawCallRecord } from './dataset';
import type { RecordStore } from './record-store';

const HOUR_MS = 3_600_000;
const SHANGHAI_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** An hour: any instant inside it, as ISO 8601 with offset or epoch ms; it is floored to the UTC hour. */
export const HourSchema = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

export const LateRecordsRequestSchema = z.strictObject({
  instanceId: z.string().min(1),
  hour: HourSchema,
  /** How many records arrive. */
  count: z.number().int().min(1).max(10_000),
  /** Seed of the generated records; default: derived from the instance, the hour and how many late batches came before. */
  seed: z.number().int().optional(),
});
export type LateRecordsRequest = z.infer<typeof LateRecordsRequestSchema>;

const nullableText = z.string().nullable();
const nullableCount = z.number().int().nonnegative().nullable();
const nullableTime = z.string().regex(SHANGHAI_TIME, 'expected yyyy-MM-dd HH:mm:ss (UTC+08:00)').nullable();

/** Fields a change may set, typed as the emulator stores them. Id and CreateTime identify a record and cannot change. */
export const RecordFieldsSchema = z
  .strictObject({
    Acid: z.string(),
    CallType: z.number().int(),
    CallResult: z.string(),
    CallingNumber: nullableText,
    CalledNumber: nullableText,
    TrunkCall: nullableText,
    GroupId: z.string().regex(/^\d+$/, 'expected a decimal integer string').nullable(),
    GroupName: nullableText,
    ServicerId: nullableText,
    ServicerName: nullableText,
    MemberId: nullableText,
    MemberName: nullableText,
    InQueueTime: nullableTime,
    OutQueueTime: nullableTime,
    RingStartTime: nullableTime,
    RingEndTime: nullableTime,
    PickUpTime: nullableTime,
    HangUpTime: nullableTime,
    QueueUpContinueTime: nullableCount,
    RingContinueTime: nullableCount,
    CallContinueTime: nullableCount,
    EvaluationLevel: nullableCount,
    EvaluationScore: nullableCount,
    HangUpRole: nullableText,
    ActiveTransferId: nullableText,
    PassiveTransferId: nullableText,
    PassiveTransferIdType: nullableText,
  })
  .partial()
  .refine((fields) => Object.keys(fields).length > 0, 'name at least one field to change');
export type RecordFields = z.infer<typeof RecordFieldsSchema>;

export const ChangeRecordsRequestSchema = z.strictObject({
  instanceId: z.string().min(1),
  hour: HourSchema,
  fields: RecordFieldsSchema,
  /** Change at most this many records of the hour (the newest first); default: all of them. */
  limit: z.number().int().min(1).optional(),
});
export type ChangeRecordsRequest = z.infer<typeof ChangeRecordsRequestSchema>;

/** What a hook did: the UTC hour [from, to) it acted on and the ids of the records added or changed. */
export interface DevHookResult {
  instanceId: string;
  hour: { from: string; to: string };
  ids: string[];
}

/** A hook call the emulator refuses; `status` is the HTTP status of the dev endpoint. */
export class DevHookError extends Error {
  override name = 'DevHookError' as const;
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export interface DevHooks {
  /**
   * Add `count` generated records to a past hour, as if they had become visible only now.
   *
   * @throws DevHookError for an unknown instance, an hour that has not ended yet, or a bad request.
   */
  addLateRecords(request: LateRecordsRequest): DevHookResult;
  /**
   * Set `fields` on the records of a past hour (all, or the newest `limit`).
   *
   * @throws DevHookError for an unknown instance, an hour that has not ended yet, or a bad request.
   */
  changeRecords(request: ChangeRecordsRequest): DevHookResult;
}

/** The hooks over one store, with the emulator's clock deciding what "past" means. */
export function createDevHooks(store: RecordStore, clock: () => number): DevHooks {
  let lateBatches = 0;

  const pastHour = (instanceId: string, hour: string | number) => {
    if (!store.has(instanceId)) throw new DevHookError(404, `instance ${instanceId} does not exist in the emulator; it has: ${store.instanceIds().join(', ')}`);
    const instant = typeof hour === 'number' ? hour : Date.parse(hour);
    const from = Math.floor(instant / HOUR_MS) * HOUR_MS;
    const to = from + HOUR_MS;
    const now = clock();
    if (to > now) throw new DevHookError(400, `hour ${iso(from)} has not ended yet (emulator time ${iso(now)}): late and changed records are for past hours`);
    return { from, to };
  };

  return {
    addLateRecords(input) {
      const request = parse(LateRecordsRequestSchema, input);
      const { from, to } = pastHour(request.instanceId, request.hour);
      const seed = request.seed ?? hashString(`${request.instanceId}|${from}|late-${lateBatches}`);
      lateBatches++;
      const records = generateCallRecords({ instanceId: request.instanceId, seed, from, to, count: request.count });
      const existing = new Set(store.between(request.instanceId, from, to).map((record) => record.Id));
      const clash = records.find((record) => existing.has(record.Id));
      if (clash) throw new DevHookError(400, `seed ${seed} generates id ${clash.Id}, which the hour already has: pass another seed`);
      store.add(request.instanceId, records);
      return { instanceId: request.instanceId, hour: { from: iso(from), to: iso(to) }, ids: records.map((record) => record.Id) };
    },
    changeRecords(input) {
      const request = parse(ChangeRecordsRequestSchema, input);
      const { from, to } = pastHour(request.instanceId, request.hour);
      const targets = store.between(request.instanceId, from, to).slice(0, request.limit);
      const ids = targets.map((record: RawCallRecord) => record.Id);
      store.update(request.instanceId, new Set(ids), request.fields);
      return { instanceId: request.instanceId, hour: { from: iso(from), to: iso(to) }, ids };
    },
  };
}

/** Dev endpoints: `POST /_dev/late-records` and `POST /_dev/record-changes`. */
export const DEV_PATH_PREFIX = '/_dev/';

/**
 * Serve one dev endpoint request: unsigned, so only for callers on this
 * machine. Answers JSON: 200 with the {@link DevHookResult}, 400 naming the
 * problem, 403 for a caller that is not on loopback, 404 for an unknown path
 * or instance, 405 for a method other than POST.
 */
export async function serveDevHook(hooks: DevHooks, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const answer = (status: number, body: unknown) => {
    if (!response.headersSent) response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const read = await readRequestBody(request, 64 * 1024);
  if (read.kind === 'aborted') return;
  if (!isLoopbackAddress(request.socket.remoteAddress))
    return answer(403, { Code: 'Forbidden', Message: 'the dev endpoints answer only callers on loopback (127.0.0.1, ::1)' });
  const path = new URL(request.url ?? '/', 'http://emulator.local').pathname;
  const hook = path === '/_dev/late-records' ? hooks.addLateRecords : path === '/_dev/record-changes' ? hooks.changeRecords : undefined;
  if (!hook) return answer(404, { Code: 'NotFound', Message: `no dev endpoint ${path}; there are POST /_dev/late-records and POST /_dev/record-changes` });
  if (request.method !== 'POST') return answer(405, { Code: 'MethodNotAllowed', Message: `use POST on ${path}` });
  if (read.kind === 'too-large') return answer(400, { Code: 'InvalidBody', Message: 'the body exceeds 64 KiB' });
  let json: unknown;
  try {
    json = JSON.parse(read.body.toString('utf8'));
  } catch {
    return answer(400, { Code: 'InvalidBody', Message: 'the body must be a JSON object' });
  }
  try {
    return answer(200, hook(json as never));
  } catch (error) {
    if (error instanceof DevHookError) return answer(error.status, { Code: error.status === 404 ? 'NotFound' : 'InvalidRequest', Message: error.message });
    throw error;
  }
}

/** Whether a socket's remote address is this machine (IPv4, IPv6, or IPv4-mapped IPv6 loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new DevHookError(400, `invalid dev hook request: ${problems.join('; ')}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
