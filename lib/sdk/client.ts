import { buildCallRecordsClient, type CallRecordsClient, type CallRecordsClientOptions } from './client-core';
import { createFc2Invoker } from './fc2-invoker';
import { createFc3Invoker } from './fc3-invoker';

export type { CallRecord, CallRecordsClient, CallRecordsClientOptions, ExportRangeInput, QueryFilterInput, WaitForExportOptions } from './client-core';

/**
 * The client other functions use: the FC 3.0 InvokeFunction API through
 * `@alicloud/fc20230330` by default, or the FC 2016-08-15 API through
 * `@alicloud/fc2` (`transport: 'fc2'`) for service/function targets.
 * @throws ClientConfigError when the options are unusable.
 */
export function createCallRecordsClient(options: CallRecordsClientOptions): CallRecordsClient {
  return buildCallRecordsClient(options, (settings, opts) =>
    (opts.transport ?? 'fc3') === 'fc2'
      ? createFc2Invoker({ ...settings, accountId: opts.accountId, region: opts.region, serviceName: opts.serviceName })
      : createFc3Invoker(settings),
  );
}
