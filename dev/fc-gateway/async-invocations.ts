/** In-memory async invocation bookkeeping: background runs, bounded retries, a record per request. */

export interface AsyncInvocationRecord {
  requestId: string;
  functionName: string;
  status: 'running' | 'succeeded' | 'failed';
  /** Handler runs so far, the first included. */
  attempts: number;
  /** `<name>: <message>` of the last failure. */
  error?: string;
}

export interface AsyncInvocationOptions {
  /** Retries after a failed run (FC: 0–8, default 3; locally 0). */
  maxRetryAttempts: number;
  /** Pause before each retry. */
  retryDelayMs: number;
  /** Records kept; the oldest finished ones are dropped first. */
  maxRecords?: number;
}

export interface AsyncInvocations {
  /** Starts `run(retryCount)` in the background; never awaited by the caller. */
  submit(requestId: string, functionName: string, run: (retryCount: number) => Promise<unknown>): void;
  records(): AsyncInvocationRecord[];
  /** Resolves once no invocation is running (including ones submitted while waiting). */
  waitForIdle(): Promise<void>;
}

export function createAsyncInvocations(options: AsyncInvocationOptions): AsyncInvocations {
  const maxRecords = options.maxRecords ?? 1000;
  const records: AsyncInvocationRecord[] = [];
  const pending = new Set<Promise<void>>();

  const execute = async (record: AsyncInvocationRecord, run: (retryCount: number) => Promise<unknown>) => {
    for (;;) {
      record.attempts += 1;
      try {
        await run(record.attempts - 1);
        record.status = 'succeeded';
        delete record.error;
        return;
      } catch (error) {
        record.error = error instanceof Error ? `${error.name}: ${error.message}` : `Non-error thrown: ${String(error)}`;
        if (record.attempts > options.maxRetryAttempts) {
          record.status = 'failed';
          return;
        }
      }
      if (options.retryDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
    }
  };

  return {
    submit(requestId, functionName, run) {
      const record: AsyncInvocationRecord = { requestId, functionName, status: 'running', attempts: 0 };
      records.push(record);
      while (records.length > maxRecords) {
        const finished = records.findIndex((entry) => entry.status !== 'running');
        if (finished < 0) break;
        records.splice(finished, 1);
      }
      const task = execute(record, run).finally(() => pending.delete(task));
      pending.add(task);
    },
    records: () => records.map((record) => ({ ...record })),
    async waitForIdle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
