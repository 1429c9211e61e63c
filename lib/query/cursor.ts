import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_PAGE_NO, MAX_PAGE_SIZE, parseQueryFilter, toEpochMs, type QueryFilter } from '../contracts/query-filter';
import { InvalidCursorError } from '../errors';

/**
 * The query cursor: an opaque, compact string that carries the filter and
 * where the previous response stopped, so the function stays stateless.
 *
 * Format: `base64url(json) "." base64url(sha256(domain + json))[0..16]`.
 * The hash is an integrity check, not a signature: it catches altered and
 * truncated cursors. It needs no secret because a cursor grants nothing a
 * plain request would not: its filter is validated again by the same schema,
 * and the allowlist is checked again, on every request.
 */

/** A filter as a cursor stores it: no paging fields, instance resolved, times as epoch ms. */
export type CursorFilter = Omit<QueryFilter, 'pageNo' | 'pageSize' | 'all' | 'limit' | 'cursor' | 'instanceId' | 'startTime' | 'endTime'> & {
  instanceId: string;
  startTime?: number;
  endTime?: number;
};

const epochMs = z.number().int().min(0).max(253_402_300_800_000);
const recordKey = z.tuple([z.number().int().nullable(), z.string().max(512).nullable()]);

/** Walk position: see lib/query/window-walk.ts for what each field means. */
const WalkCursorSchema = z.strictObject({
  v: z.literal(1),
  m: z.literal('w'),
  f: z.record(z.string(), z.unknown()),
  /** Exclusive upper bound of what is left to read. */
  to: epochMs,
  /** Partly returned bands: [from, key], outermost first. */
  b: z.array(z.tuple([epochMs, recordKey])).max(64),
  /** Width of the next slice to try, ms. */
  w: z.number().int().min(1_000),
  /** TotalCount of the window when the walk started. */
  n: z.number().int().min(0),
  /** Number of the response this cursor asks for. */
  s: z.number().int().min(1),
});

/** Page position of a single-page (not `all`) request: page `p` of size `z`, `x` records of it already returned. */
const PageCursorSchema = z.strictObject({
  v: z.literal(1),
  m: z.literal('p'),
  f: z.record(z.string(), z.unknown()),
  p: z.number().int().min(1).max(MAX_PAGE_NO),
  z: z.number().int().min(1).max(MAX_PAGE_SIZE),
  x: z
    .number()
    .int()
    .min(0)
    .max(MAX_PAGE_SIZE - 1),
});

const CursorPayloadSchema = z.discriminatedUnion('m', [WalkCursorSchema, PageCursorSchema]);
type CursorPayload = z.infer<typeof CursorPayloadSchema>;

export type RecordKey = readonly [time: number | null, id: string | null];
export interface WalkBand {
  from: number;
  key: RecordKey;
}
export interface WalkPosition {
  to: number;
  bands: readonly WalkBand[];
  width: number;
}

export type DecodedCursor =
  | { kind: 'walk'; filter: CursorFilter; position: WalkPosition; totalCount: number; sequence: number }
  | { kind: 'page'; filter: CursorFilter; pageNo: number; pageSize: number; skip: number };

const DOMAIN = 'aiccs-query-cursor/v1\n';
const HASH_CHARS = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const checksum = (json: string) => createHash('sha256').update(DOMAIN).update(json).digest('base64url').slice(0, HASH_CHARS);

/** The part of a validated filter a cursor carries. */
export function toCursorFilter(filter: QueryFilter & { instanceId: string }): CursorFilter {
  const { pageNo: _pageNo, pageSize: _pageSize, all: _all, limit: _limit, cursor: _cursor, startTime, endTime, ...rest } = filter;
  const stored: CursorFilter = { ...rest };
  if (startTime !== undefined) stored.startTime = toEpochMs(startTime);
  if (endTime !== undefined) stored.endTime = toEpochMs(endTime);
  return stored;
}

export function encodeWalkCursor(filter: CursorFilter, position: WalkPosition, totalCount: number, sequence: number): string {
  return encode({
    v: 1,
    m: 'w',
    f: filter,
    to: position.to,
    b: position.bands.map((band) => [band.from, [band.key[0], band.key[1]]] as [number, [number | null, string | null]]),
    w: position.width,
    n: totalCount,
    s: sequence,
  });
}

export function encodePageCursor(filter: CursorFilter, pageNo: number, pageSize: number, skip: number): string {
  return encode({ v: 1, m: 'p', f: filter, p: pageNo, z: pageSize, x: skip });
}

function encode(payload: CursorPayload): string {
  const json = JSON.stringify(payload);
  return `${Buffer.from(json, 'utf8').toString('base64url')}.${checksum(json)}`;
}

/**
 * Reads a cursor back. Checks, in order: shape, checksum, payload schema,
 * and the filter against the query filter schema (the same rules as a
 * request body).
 * @throws InvalidCursorError for anything altered, truncated or not ours
 */
export function decodeCursor(cursor: string): DecodedCursor {
  const dot = cursor.lastIndexOf('.');
  const body = cursor.slice(0, dot);
  const hash = cursor.slice(dot + 1);
  if (dot < 1 || !BASE64URL.test(body) || hash.length !== HASH_CHARS || !BASE64URL.test(hash)) throw new InvalidCursorError('not a cursor of this API');
  const json = Buffer.from(body, 'base64url').toString('utf8');
  // Node's decoder skips stray characters; re-encoding proves the text round-trips.
  if (Buffer.from(json, 'utf8').toString('base64url') !== body || checksum(json) !== hash) throw new InvalidCursorError('it was altered or truncated');

  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidCursorError('it was altered or truncated');
  }
  const payload = CursorPayloadSchema.safeParse(raw);
  if (!payload.success) throw new InvalidCursorError('unknown cursor version or shape');
  const filter = readFilter(payload.data.f);

  if (payload.data.m === 'p') return { kind: 'page', filter, pageNo: payload.data.p, pageSize: payload.data.z, skip: payload.data.x };
  const { to, b, w, n, s } = payload.data;
  const bands = b.map(([from, key]) => ({ from, key: [key[0], key[1]] as RecordKey }));
  // Bands nest: outermost first, each inside the previous, all below `to`.
  for (let i = 0; i < bands.length; i++) {
    const band = bands[i] as WalkBand;
    if (band.from >= to || (i > 0 && band.from <= (bands[i - 1] as WalkBand).from)) throw new InvalidCursorError('inconsistent position');
  }
  return { kind: 'walk', filter, position: { to, bands, width: w }, totalCount: n, sequence: s };
}

function readFilter(stored: Record<string, unknown>): CursorFilter {
  const parsed = parseQueryFilter(stored);
  if (!parsed.ok) throw new InvalidCursorError(`its filter is no longer valid: ${parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  const filter = parsed.filter;
  if (filter.instanceId === undefined) throw new InvalidCursorError('it names no instance');
  if (filter.pageNo !== undefined || filter.pageSize !== undefined || filter.all !== undefined || filter.limit !== undefined || filter.cursor !== undefined) {
    throw new InvalidCursorError('its filter holds paging fields');
  }
  if ((filter.startTime !== undefined && typeof filter.startTime !== 'number') || (filter.endTime !== undefined && typeof filter.endTime !== 'number')) {
    throw new InvalidCursorError('its times are not epoch milliseconds');
  }
  return filter as CursorFilter;
}
