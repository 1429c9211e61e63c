import type { BackfillEvent } from '../../contracts/backfill-event';
import { resolveCredentialSource } from '../../credentials/credentials';
import { ConfigError } from '../../errors';
import type { EventInvocation } from '../../fc/event-adapter';
import { createAcs3Invoker } from '../../sdk/acs3-invoker';
import { InvokeTransportError } from '../../sdk/errors';
import type { Invoker } from '../../sdk/invoker';
import type { ExportConfig } from '../config';

/** How a job hands a range (or a range's continuation) to Function Compute. */
export interface JobDispatcher {
  /** `duplicate`: FC already has a task with this id (409), i.e. it was dispatched before; harmless. */
  dispatch(event: BackfillEvent, task: { taskId: string; delaySeconds?: number }): Promise<{ outcome: 'dispatched'; requestId: string } | { outcome: 'duplicate' }>;
}

/** FC's async task ids start with a letter or `_` and hold at most 128 characters; a job id holds at most 64. */
export function asyncTaskId(jobId: string, generation: number, rangeIndex: number, continuation: number): string {
  return `job_${jobId}_g${generation}_r${rangeIndex}_c${continuation}`;
}

/** FC's longest x-fc-async-delay. */
export const MAX_ASYNC_DELAY_SECONDS = 3_600;

/**
 * Dispatch as FC 3.0 async tasks: `POST /2023-03-30/functions/{name}/invocations`,
 * `x-fc-invocation-type: Async`, a deterministic `x-fc-async-task-id`, signed
 * with the invocation's credentials, to EXPORT_INVOKE_ENDPOINT (default
 * https://<accountId>.<region>.fc.aliyuncs.com). The lean transport keeps the
 * SDK (≈ 800 KB) out of this bundle.
 */
export function createFcJobDispatcher(invocation: EventInvocation, config: ExportConfig, invoker?: Invoker): JobDispatcher {
  const functionName = config.fanOut.functionName ?? invocation.location.functionName;
  const { accountId, region } = invocation.location;
  if (!functionName || (!config.fanOut.invokeEndpoint && (!accountId || !region))) {
    throw new ConfigError(
      'EXPORT_FUNCTION_NAME',
      'jobs dispatch ranges and continuations to the export function: set this variable (or run on FC, which gives context.function.name), and EXPORT_INVOKE_ENDPOINT or context.accountId and context.region',
    );
  }
  const transport =
    invoker ??
    createAcs3Invoker({
      endpoint: new URL(config.fanOut.invokeEndpoint ?? `https://${accountId}.${region}.fc.aliyuncs.com`),
      credentials: resolveCredentialSource(invocation.credentialsInput),
      qualifier: 'LATEST',
      timeoutMs: 30_000,
    });
  return {
    async dispatch(event, task) {
      try {
        const result = await transport.invoke(functionName, Buffer.from(JSON.stringify(event)), {
          async: true,
          asyncTaskId: task.taskId,
          ...(task.delaySeconds ? { asyncDelaySeconds: Math.min(MAX_ASYNC_DELAY_SECONDS, task.delaySeconds) } : {}),
        });
        return { outcome: 'dispatched', requestId: result.headers['x-fc-request-id'] ?? '' };
      } catch (error) {
        if (error instanceof InvokeTransportError && error.status === 409) return { outcome: 'duplicate' };
        throw error;
      }
    },
  };
}
