/**
 * FC 3.0 entry of the export function (handler `index.handler`): a timer
 * trigger event, or a backfill `{instanceId, from, to, format?}` from a
 * direct or asynchronous invocation. Returns the run summary; throws when
 * an instance failed, so FC's async retry policy applies. The configuration
 * is read here, at cold start; a bad one fails every invocation naming the
 * variable (lib/fc/cold-start.ts).
 */
import { createExportFunction } from '../../lib/export/export-function';

export const handler = createExportFunction();
