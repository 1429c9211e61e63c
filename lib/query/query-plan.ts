import { InstanceNotAllowedError, InvalidCursorError, ValidationError } from '../errors';
import type { QueryFilter } from '../contracts/query-filter';
import { decodeCursor, toCursorFilter, type CursorFilter, type WalkPosition } from './cursor';
import { startPosition, OPEN_END, type WalkWindow } from './window-walk';

export const DEFAULT_PAGE_SIZE = 20;

/** What one request will do, decided before any upstream call. */
export type QueryPlan =
  | { kind: 'page'; filter: CursorFilter; pageNo: number; pageSize: number; skip: number }
  | { kind: 'walk'; filter: CursorFilter; window: WalkWindow; position: WalkPosition; totalCount: number | undefined; sequence: number; limit: number | undefined };

/**
 * Turns a validated request into a plan: a page (plain request or page
 * cursor) or a window walk (`all`, or a walk cursor). Cursors are decoded
 * and their instance is checked against the allowlist again.
 * @throws InvalidCursorError, ValidationError (422), InstanceNotAllowedError (403)
 */
export function planQuery(filter: QueryFilter, allowedInstances: readonly string[]): QueryPlan {
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    assertAllowed(cursor.filter.instanceId, allowedInstances);
    if (cursor.kind === 'page') {
      const misplaced = (['all', 'limit'] as const).filter((field) => filter[field] !== undefined);
      if (misplaced.length > 0) {
        throw new ValidationError(
          misplaced.map((field) => ({
            path: field,
            code: 'invalid_combination',
            message: `\`${field}\` applies to a cursor from an "all" request; this cursor continues page by page`,
          })),
        );
      }
      return { kind: 'page', filter: cursor.filter, pageNo: cursor.pageNo, pageSize: cursor.pageSize, skip: cursor.skip };
    }
    const window = windowOf(cursor.filter);
    if (cursor.position.to > window.to) throw new InvalidCursorError('its position lies outside its window');
    return { kind: 'walk', filter: cursor.filter, window, position: cursor.position, totalCount: cursor.totalCount, sequence: cursor.sequence, limit: filter.limit };
  }

  const instanceId = filter.instanceId ?? (allowedInstances.length === 1 ? allowedInstances[0] : undefined);
  if (instanceId === undefined) {
    throw new ValidationError([{ path: 'instanceId', code: 'required', message: `instanceId is required; this function serves ${allowedInstances.length} instances` }]);
  }
  assertAllowed(instanceId, allowedInstances);
  const stored = toCursorFilter({ ...filter, instanceId });
  if (filter.all === true) {
    const window = windowOf(stored);
    return { kind: 'walk', filter: stored, window, position: startPosition(window), totalCount: undefined, sequence: 1, limit: filter.limit };
  }
  return { kind: 'page', filter: stored, pageNo: filter.pageNo ?? 1, pageSize: filter.pageSize ?? DEFAULT_PAGE_SIZE, skip: 0 };
}

function assertAllowed(instanceId: string, allowed: readonly string[]): void {
  if (!allowed.includes(instanceId)) throw new InstanceNotAllowedError(instanceId);
}

/** The walk's window: the filter's [startTime, endTime), open ends as 0 and OPEN_END. */
function windowOf(filter: CursorFilter): WalkWindow {
  return { from: filter.startTime ?? 0, to: filter.endTime ?? OPEN_END };
}
