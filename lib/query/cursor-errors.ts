import { AppError } from '../errors';

/**
 * Errors of the query cursor and the window walk. They extend the project's
 * AppError (stable `code`, problem+json through lib/http/problem.ts) and live
 * here until they join the error taxonomy folder.
 */

/** A cursor that was altered, truncated or is not ours. The caller can only restart the walk. */
export class InvalidCursorError extends AppError {
  override name = 'InvalidCursorError';
  constructor(reason: string) {
    super({
      code: 'INVALID_CURSOR',
      status: 422,
      title: 'Cursor is not valid',
      detail: `The cursor cannot be used (${reason}); pass page.nextCursor (or X-Next-Cursor) exactly as received, or start again with a filter`,
    });
  }
}

/**
 * More records share one second than one request may read (or than
 * HotlineSessionQuery pages to): a time split cannot go finer than the
 * API's one-second record times.
 */
export class WindowTooDenseError extends AppError {
  override name = 'WindowTooDenseError';
  constructor(secondIso: string, records: number, readable: number) {
    super({
      code: 'WINDOW_TOO_DENSE',
      status: 422,
      title: 'Too many records in one second',
      detail: `${records} records match in the single second ${secondIso}, more than one request can read (${readable}); narrow the filter with another field (e.g. callType, groupId, servicerId)`,
    });
  }
}
