/**
 * FC 3.0 entry of the query function (handler `index.handler`): an HTTP
 * trigger event or a direct invocation whose event is the filter JSON.
 */
import { createQueryFunction } from '../../lib/query/query-function';

export const handler = createQueryFunction();
