import type { FcContext, FcCredentials } from '../../lib/fc/types';

export type FcEventHandler = (event: Buffer, context: FcContext) => Promise<unknown>;

export interface GatewayFunction {
  handler: FcEventHandler;
  /** FC `timeout` in seconds (context.function.timeout); the gateway enforces it. */
  timeoutSeconds?: number;
  memoryMb?: number;
  /** What context.credentials carries: the function role's STS triple. */
  credentials?: FcCredentials;
  /**
   * s.yaml `concurrencyConfig.reservedConcurrency`: runs at once. Async
   * invocations beyond it wait in a FIFO queue; sync calls beyond it are
   * throttled (see the gateway's syncBeyondReservedConcurrency). Default: no limit.
   */
  reservedConcurrency?: number;
  /** s.yaml `asyncInvokeConfig.maxAsyncRetryAttempts` (0–8); default: the gateway's maxAsyncRetryAttempts. */
  maxAsyncRetryAttempts?: number;
}

export class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
  constructor(seconds: number) {
    super(`Function timed out after ${seconds} s`);
  }
}

export interface InvocationEnv {
  accountId: string;
  region: string;
  /** Invocations so far per function name, mutated in place. */
  invocations: Record<string, number>;
}

/**
 * Runs one handler invocation in-process, like FC would: a context with the
 * function's credentials and timeout, and the timeout enforced.
 */
export async function runFunction(env: InvocationEnv, name: string, fn: GatewayFunction, event: Buffer, requestId: string, retryCount = 0): Promise<unknown> {
  env.invocations[name] = (env.invocations[name] ?? 0) + 1;
  const timeoutSeconds = fn.timeoutSeconds ?? 30;
  const context: FcContext = {
    requestId,
    credentials: { ...(fn.credentials ?? {}) },
    function: { name, handler: 'index.handler', memory: fn.memoryMb ?? 512, timeout: timeoutSeconds },
    region: env.region,
    accountId: env.accountId,
    retryCount,
    logger: console,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([fn.handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
