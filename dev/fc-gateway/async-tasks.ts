/**
 * Asynchronous invocations as Function Compute 3.0 runs them with async
 * tasks on: every async invocation is a task with an id (x-fc-async-task-id,
 * or the request id), an optional start delay (x-fc-async-delay), a FIFO
 * queue per function behind its reservedConcurrency, retries of a failed
 * run (maxAsyncRetryAttempts) with a doubling back-off, and a stop.
 *
 * Local differences, on purpose: a running handler cannot be killed
 * in-process, so a stopped running task stays `Stopping` until its handler
 * returns (its result is then discarded and no retry follows); task records
 * live in memory (the newest 10,000), while FC keeps them 7 days.
 */
import { encodeResult } from './function-result';

/** The statuses the gateway uses, a subset of FC's (no Invalid, Expired). */
export type AsyncTaskStatus = 'Enqueued' | 'Running' | 'Retrying' | 'Succeeded' | 'Failed' | 'Stopping' | 'Stopped';

const FINISHED: ReadonlySet<AsyncTaskStatus> = new Set(['Succeeded', 'Failed', 'Stopped']);

/** One status change, as FC's AsyncTaskEvent. */
export interface AsyncTaskEvent {
  eventId: number;
  status: AsyncTaskStatus;
  /** Epoch ms. */
  timestamp: number;
  eventDetail: string;
}

/** A task as GetAsyncTask / ListAsyncTasks answer it (the AsyncTask struct of the 2023-03-30 API). */
export interface AsyncTask {
  taskId: string;
  requestId: string;
  functionArn: string;
  qualifier: string;
  status: AsyncTaskStatus;
  /** Retries so far (0 on the first run). */
  alreadyRetriedTimes: number;
  /** Epoch ms of the first run's start; absent while Enqueued. */
  startedTime?: number;
  /** Epoch ms the task finished. */
  endTime?: number;
  durationMs?: number;
  /** `<error name>: <message>` of the last failed run. */
  taskErrorMessage?: string;
  /** The event, as UTF-8 text. */
  taskPayload?: string;
  /** What the handler returned (FC: at most 1 MB), as text. */
  returnPayload?: string;
  events: AsyncTaskEvent[];
}

/** How a function's async invocations are run (s.yaml concurrencyConfig and asyncInvokeConfig). */
export interface AsyncPolicy {
  /** Runs of the function at once (async tasks and, when throttled, sync calls); undefined = no limit. */
  reservedConcurrency: number | undefined;
  /** Retries of a failed run (FC: 0–8, default 3). */
  maxAsyncRetryAttempts: number;
}

/** Pause before retry n (1-based): `initialDelayMs × 2^(n−1)`, at most `maxDelayMs`. */
export interface RetryBackoff {
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface AsyncTaskSchedulerOptions {
  now: () => number;
  /** Waits `ms` (start delays and retry back-off); tests pass a fake to control time. */
  sleep: (ms: number) => Promise<void>;
  backoff: RetryBackoff;
  policyOf: (functionName: string) => AsyncPolicy;
  functionArn: (functionName: string) => string;
  /** Task records kept; the oldest finished ones are dropped first (their ids stay taken). Default 10,000. */
  maxRecords?: number;
}

export interface AsyncSubmission {
  taskId: string;
  requestId: string;
  functionName: string;
  payload: Buffer;
  delaySeconds: number;
  /** One handler run; `retryCount` is 0 on the first. */
  run: (retryCount: number) => Promise<unknown>;
}

/** A finished-or-not task record reduced to what older callers read. */
export interface AsyncInvocationRecord {
  requestId: string;
  taskId: string;
  functionName: string;
  status: 'running' | 'succeeded' | 'failed' | 'stopped';
  /** Handler runs so far, the first included. */
  attempts: number;
  /** `<name>: <message>` of the last failure. */
  error?: string;
}

export interface ListAsyncTasksQuery {
  prefix?: string | undefined;
  status?: AsyncTaskStatus | undefined;
  startedTimeBegin?: number | undefined;
  startedTimeEnd?: number | undefined;
  sortOrderByTime: 'asc' | 'desc';
  includePayload: boolean;
  limit: number;
  nextToken?: string | undefined;
}

export type StopOutcome = { ok: true; task: AsyncTask } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'finished'; status: AsyncTaskStatus };

interface TaskState {
  task: AsyncTask;
  functionName: string;
  submittedTime: number;
  attempts: number;
  /** Set while the task waits in its function's queue: takes it out. */
  leaveQueue?: () => void;
  /** Set while the task sleeps (delay or back-off): ends the sleep early. */
  wake?: () => void;
}

/** FIFO admission to a function's runs under its reservedConcurrency. */
class Slots {
  #running = 0;
  readonly #queue: Array<() => void> = [];
  constructor(readonly limit: number | undefined) {}

  get running(): number {
    return this.#running;
  }

  /** Take a slot now, or undefined when none is free. */
  tryTake(): boolean {
    if (this.limit !== undefined && this.#running >= this.limit) return false;
    this.#running++;
    return true;
  }

  /** Wait in line for a slot; `granted` runs once it is taken. Returns a function that leaves the line. */
  enqueue(granted: () => void): () => void {
    if (this.tryTake()) {
      granted();
      return () => undefined;
    }
    this.#queue.push(granted);
    return () => {
      const at = this.#queue.indexOf(granted);
      if (at >= 0) this.#queue.splice(at, 1);
    };
  }

  release(): void {
    this.#running--;
    const next = this.#queue.shift();
    if (next) {
      this.#running++;
      next();
    }
  }
}

export interface AsyncTaskScheduler {
  /** Accept a task; false when the function already has a task with this id (FC answers 409). */
  submit(submission: AsyncSubmission): boolean;
  get(functionName: string, taskId: string): AsyncTask | undefined;
  list(functionName: string, query: ListAsyncTasksQuery): { tasks: AsyncTask[]; nextToken?: string };
  stop(functionName: string, taskId: string): StopOutcome;
  /** A slot for a synchronous run, or undefined when the function is at its reservedConcurrency; call the result to give it back. */
  tryTakeSync(functionName: string): (() => void) | undefined;
  /** Runs of a function right now (sync and async). */
  running(functionName: string): number;
  /** Every task kept, oldest first, in the short form. */
  records(): AsyncInvocationRecord[];
  /** Resolves once no task is waiting, queued or running (including ones submitted meanwhile). */
  waitForIdle(): Promise<void>;
}

export function createAsyncTaskScheduler(options: AsyncTaskSchedulerOptions): AsyncTaskScheduler {
  const maxRecords = options.maxRecords ?? 10_000;
  const tasks = new Map<string, TaskState>();
  const takenIds = new Set<string>();
  const slots = new Map<string, Slots>();
  const pending = new Set<Promise<void>>();
  let eventSeq = 0;

  const key = (functionName: string, taskId: string) => `${functionName}\u0000${taskId}`;
  const slotsOf = (functionName: string) => {
    let found = slots.get(functionName);
    if (!found) slots.set(functionName, (found = new Slots(options.policyOf(functionName).reservedConcurrency)));
    return found;
  };
  const setStatus = (state: TaskState, status: AsyncTaskStatus, detail: string) => {
    state.task.status = status;
    state.task.events.push({ eventId: ++eventSeq, status, timestamp: options.now(), eventDetail: detail });
    if (FINISHED.has(status)) {
      state.task.endTime = options.now();
      if (state.task.startedTime !== undefined) state.task.durationMs = state.task.endTime - state.task.startedTime;
    }
  };
  const sleep = (state: TaskState, ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          state.wake = resolve;
          void options.sleep(ms).then(resolve);
        }).finally(() => delete state.wake);
  /** Resolves true once the task holds a slot, false when it was taken out of the line (stopped). */
  const queueFor = (state: TaskState) =>
    new Promise<boolean>((resolve) => {
      const leave = slotsOf(state.functionName).enqueue(() => resolve(true));
      state.leaveQueue = () => {
        leave();
        resolve(false);
      };
    }).finally(() => delete state.leaveQueue);

  const execute = async (state: TaskState, submission: AsyncSubmission) => {
    const { maxAsyncRetryAttempts } = options.policyOf(state.functionName);
    await sleep(state, submission.delaySeconds * 1000);
    for (;;) {
      if (isStopped(state)) return;
      if (!(await queueFor(state))) return;
      if (isStopped(state)) {
        // Stopped while it waited for this slot: hand the slot on.
        slotsOf(state.functionName).release();
        return;
      }
      state.task.startedTime ??= options.now();
      state.attempts++;
      setStatus(state, 'Running', state.attempts === 1 ? 'started' : `retry ${state.task.alreadyRetriedTimes} started`);
      let failure: unknown;
      let succeeded = false;
      try {
        const result = await submission.run(state.task.alreadyRetriedTimes);
        succeeded = true;
        state.task.returnPayload = encodeResult(result)
          .subarray(0, 1024 * 1024)
          .toString('utf8');
      } catch (error) {
        failure = error;
      } finally {
        slotsOf(state.functionName).release();
      }
      if (state.task.status === 'Stopping') return void setStatus(state, 'Stopped', 'stopped; the run that was under way has returned');
      if (succeeded) {
        delete state.task.taskErrorMessage;
        return void setStatus(state, 'Succeeded', 'succeeded');
      }
      state.task.taskErrorMessage = failure instanceof Error ? `${failure.name}: ${failure.message}` : `Non-error thrown: ${String(failure)}`;
      if (state.task.alreadyRetriedTimes >= maxAsyncRetryAttempts) {
        return void setStatus(state, 'Failed', `failed after ${state.attempts} run(s): ${state.task.taskErrorMessage}`);
      }
      state.task.alreadyRetriedTimes++;
      const pause = Math.min(options.backoff.maxDelayMs, options.backoff.initialDelayMs * 2 ** (state.task.alreadyRetriedTimes - 1));
      setStatus(state, 'Retrying', `run failed (${state.task.taskErrorMessage}); retry ${state.task.alreadyRetriedTimes} of ${maxAsyncRetryAttempts} in ${pause} ms`);
      await sleep(state, pause);
    }
  };

  const forgetOldest = () => {
    if (tasks.size <= maxRecords) return;
    for (const [id, state] of tasks) {
      if (tasks.size <= maxRecords) break;
      if (FINISHED.has(state.task.status)) tasks.delete(id);
    }
  };

  return {
    submit(submission) {
      const id = key(submission.functionName, submission.taskId);
      if (takenIds.has(id)) return false;
      takenIds.add(id);
      const state: TaskState = {
        functionName: submission.functionName,
        submittedTime: options.now(),
        attempts: 0,
        task: {
          taskId: submission.taskId,
          requestId: submission.requestId,
          functionArn: options.functionArn(submission.functionName),
          qualifier: 'LATEST',
          status: 'Enqueued',
          alreadyRetriedTimes: 0,
          taskPayload: submission.payload.toString('utf8'),
          events: [],
        },
      };
      tasks.set(id, state);
      setStatus(state, 'Enqueued', submission.delaySeconds > 0 ? `enqueued; starts after ${submission.delaySeconds} s` : 'enqueued');
      forgetOldest();
      const run = execute(state, submission).finally(() => pending.delete(run));
      pending.add(run);
      return true;
    },
    get(functionName, taskId) {
      const state = tasks.get(key(functionName, taskId));
      return state && structuredClone(state.task);
    },
    list(functionName, query) {
      const submitted = (state: TaskState) => state.task.startedTime ?? state.submittedTime;
      const matching = [...tasks.values()]
        .filter((state) => state.functionName === functionName)
        .filter((state) => query.prefix === undefined || state.task.taskId.startsWith(query.prefix))
        .filter((state) => query.status === undefined || state.task.status === query.status)
        .filter((state) => query.startedTimeBegin === undefined || submitted(state) >= query.startedTimeBegin)
        .filter((state) => query.startedTimeEnd === undefined || submitted(state) < query.startedTimeEnd)
        .sort((a, b) => (query.sortOrderByTime === 'asc' ? submitted(a) - submitted(b) : submitted(b) - submitted(a)));
      const offset = query.nextToken === undefined ? 0 : Number(query.nextToken);
      const page = matching.slice(offset, offset + query.limit).map((state) => {
        const task = structuredClone(state.task);
        if (!query.includePayload) delete task.taskPayload;
        return task;
      });
      const next = offset + query.limit;
      return next < matching.length ? { tasks: page, nextToken: String(next) } : { tasks: page };
    },
    stop(functionName, taskId) {
      const state = tasks.get(key(functionName, taskId));
      if (!state) return { ok: false, reason: 'not-found' };
      const { status } = state.task;
      if (FINISHED.has(status)) return { ok: false, reason: 'finished', status };
      if (status === 'Running' || status === 'Stopping') {
        if (status === 'Running') setStatus(state, 'Stopping', 'stop requested; waiting for the running handler to return');
      } else {
        // Enqueued (delayed or queued) or Retrying (between runs): it never runs again.
        setStatus(state, 'Stopped', `stopped while ${status}`);
        state.leaveQueue?.();
        state.wake?.();
      }
      return { ok: true, task: structuredClone(state.task) };
    },
    tryTakeSync(functionName) {
      const functionSlots = slotsOf(functionName);
      return functionSlots.tryTake() ? () => functionSlots.release() : undefined;
    },
    running: (functionName) => slotsOf(functionName).running,
    records: () =>
      [...tasks.values()].map((state) => ({
        requestId: state.task.requestId,
        taskId: state.task.taskId,
        functionName: state.functionName,
        status: recordStatus(state.task.status),
        attempts: state.attempts,
        ...(state.task.taskErrorMessage === undefined ? {} : { error: state.task.taskErrorMessage }),
      })),
    async waitForIdle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** A function, so TypeScript does not narrow the status across the awaits in between. */
function isStopped(state: TaskState): boolean {
  return state.task.status === 'Stopped';
}

function recordStatus(status: AsyncTaskStatus): AsyncInvocationRecord['status'] {
  if (status === 'Succeeded') return 'succeeded';
  if (status === 'Failed') return 'failed';
  if (status === 'Stopped') return 'stopped';
  return 'running';
}
