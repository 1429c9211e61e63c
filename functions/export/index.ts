/**
 * FC 3.0 entry of the export function (handler `index.handler`): a timer
 * trigger event, or a backfill `{instanceId, from, to, format?}` from a
 * direct or asynchronous invocation. Returns the run summary; throws when
 * an instance failed, so FC's async retry policy applies.
 */
import { createExportFunction } from '../../lib/export/export-function';

let handle: ReturnType<typeof createExportFunction> | undefined;

export const handler: ReturnType<typeof createExportFunction> = (event, context) => {
  // Built on first use so a bad configuration fails the invocation (naming the variable), not the module load.
  handle ??= createExportFunction();
  return handle(event, context);
};
