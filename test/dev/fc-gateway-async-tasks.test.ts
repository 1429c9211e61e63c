import { Readable } from 'node:stream';
import Fc3Client, { GetAsyncTaskRequest, InvokeFunctionHeaders, InvokeFunctionRequest, ListAsyncTasksRequest, StopAsyncTaskRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@alicloud/tea-util';
import { afterEach, describe, expect, it } from 'vitest';
import { startFcGateway, type AsyncTask, type FcGateway, type FcGatewayOptions, type GatewayFunction } from '../../dev/fc-gateway';
import { interopDefault } from '../../lib/sdk/invoker';

// Every request goes over loopback through the real @alicloud/fc20230330 SDK (ACS3-signed), as the product's client would.
const CALLER = { accessKeyId: 'STS.TaskCaller01', accessKeySecret: 'task-caller-secret', securityToken: 'task-caller-token' };

const started: FcGateway[] = [];
afterEach(async () => {
  for (const gateway of started.splice(0)) {
    await gateway.close();
  }
});

async function aGateway(functions: Record<string, GatewayFunction>, options: Partial<FcGatewayOptions> = {}): Promise<FcGateway> {
  const gateway = await startFcGateway({ port: 0, httpFunction: Object.keys(functions)[0] ?? '', credentials: [CALLER], functions, ...options });
  started.push(gateway);
  return gateway;
}

function sdk(gateway: FcGateway): Fc3Client {
  const Client = interopDefault(Fc3Client);
  return new Client(new $OpenApiUtil.Config({ ...CALLER, endpoint: new URL(gateway.url).host, protocol: 'http', readTimeout: 5_000 }));
}

interface Dispatch {
  taskId?: string;
  delaySeconds?: number;
}

/** InvokeFunction Async with x-fc-async-task-id; the delay travels in commonHeaders, as the SDK has no field for it. */
async function invokeAsync(gateway: FcGateway, functionName: string, payload: string, dispatch: Dispatch = {}) {
  const headers = new InvokeFunctionHeaders({
    xFcInvocationType: 'Async',
    ...(dispatch.taskId ? { xFcAsyncTaskId: dispatch.taskId } : {}),
    ...(dispatch.delaySeconds !== undefined ? { commonHeaders: { 'x-fc-async-delay': String(dispatch.delaySeconds) } } : {}),
  });
  const response = await sdk(gateway).invokeFunctionWithOptions(
    functionName,
    new InvokeFunctionRequest({ body: Readable.from([Buffer.from(payload)]) }),
    headers,
    new RuntimeOptions({}),
  );
  return { status: response.statusCode, taskId: response.headers?.['x-fc-async-task-id'] };
}

async function getTask(gateway: FcGateway, functionName: string, taskId: string): Promise<AsyncTask> {
  const response = await sdk(gateway).getAsyncTaskWithOptions(functionName, taskId, new GetAsyncTaskRequest({}), {}, new RuntimeOptions({}));
  return response.body as unknown as AsyncTask;
}

async function stopTask(gateway: FcGateway, functionName: string, taskId: string): Promise<number | undefined> {
  const response = await sdk(gateway).stopAsyncTaskWithOptions(functionName, taskId, new StopAsyncTaskRequest({}), {}, new RuntimeOptions({}));
  return response.statusCode;
}

/** The status and code of an SDK call FC refused. */
async function refusal(call: Promise<unknown>): Promise<{ statusCode: unknown; code: unknown; message: string }> {
  const error = (await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { statusCode?: unknown; code?: unknown; data?: { Message?: string } } | undefined;
  if (error === undefined) throw new Error('expected the call to be refused');
  return { statusCode: error.statusCode, code: error.code, message: error.data?.Message ?? '' };
}

/** A promise a test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** A fake clock for delays and back-off: records each requested wait, which the test releases. */
function manualSleep() {
  const waits: Array<{ ms: number; release: () => void }> = [];
  return {
    waits,
    sleep: (ms: number) => {
      const gate = deferred();
      waits.push({ ms, release: () => gate.resolve() });
      return gate.promise;
    },
  };
}

/** Handlers that block until released, counting how many run at once. */
function blockingHandlers() {
  const gates = new Map<string, ReturnType<typeof deferred<void>>>();
  const starts: string[] = [];
  let running = 0;
  let peak = 0;
  const handler: GatewayFunction['handler'] = async (event) => {
    const name = event.toString('utf8');
    starts.push(name);
    running++;
    peak = Math.max(peak, running);
    const gate = deferred();
    gates.set(name, gate);
    try {
      await gate.promise;
      return `done ${name}`;
    } finally {
      running--;
    }
  };
  return { handler, starts, gates, peak: () => peak, running: () => running };
}

/** Lets the gateway's promise chains settle (socket I/O included) without measuring time. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

describe('x-fc-async-task-id', () => {
  it('answers 202 with the task id, then 409 for the same id; the handler runs once', async () => {
    const events: string[] = [];
    const gateway = await aGateway({ job: { handler: async (event) => void events.push(event.toString()) } });

    const first = await invokeAsync(gateway, 'job', 'range-1', { taskId: 'job-42_range-1_c0' });
    const again = await refusal(invokeAsync(gateway, 'job', 'range-1 again', { taskId: 'job-42_range-1_c0' }));
    await gateway.waitForAsyncIdle();

    expect(first).toEqual({ status: 202, taskId: 'job-42_range-1_c0' });
    expect(again).toMatchObject({ statusCode: 409, code: 'AsyncTaskAlreadyExists' });
    expect(again.message).toContain('job-42_range-1_c0');
    expect(events).toEqual(['range-1']);
    expect(await getTask(gateway, 'job', 'job-42_range-1_c0')).toMatchObject({ status: 'Succeeded', taskPayload: 'range-1', returnPayload: '', alreadyRetriedTimes: 0 });
  });

  it('uses the request id as task id when none is given', async () => {
    const gateway = await aGateway({ job: { handler: async () => 'ok' } });
    const accepted = await invokeAsync(gateway, 'job', 'x');
    await gateway.waitForAsyncIdle();
    expect(accepted.taskId).toMatch(/^1-/);
    expect(await getTask(gateway, 'job', String(accepted.taskId))).toMatchObject({ status: 'Succeeded', requestId: accepted.taskId, returnPayload: 'ok' });
  });

  it.each([
    [{ taskId: '9starts-with-digit' }, 'x-fc-async-task-id'],
    [{ taskId: 'has space' }, 'x-fc-async-task-id'],
    [{ taskId: 'a'.repeat(129) }, 'x-fc-async-task-id'],
    [{ delaySeconds: 3601 }, 'x-fc-async-delay'],
    [{ delaySeconds: -1 }, 'x-fc-async-delay'],
  ])('refuses %j with 400 naming the header and the allowed values', async (dispatch, header) => {
    const gateway = await aGateway({ job: { handler: async () => 'ok' } });
    const refused = await refusal(invokeAsync(gateway, 'job', 'x', dispatch));
    expect(refused).toMatchObject({ statusCode: 400, code: 'InvalidArgument' });
    expect(refused.message).toContain(header);
    expect(gateway.asyncInvocations()).toEqual([]);
  });
});

describe('x-fc-async-delay', () => {
  it('keeps the task Enqueued for the delay, while an undelayed task runs first', async () => {
    const clock = manualSleep();
    const ran: string[] = [];
    const gateway = await aGateway({ job: { handler: async (event) => void ran.push(event.toString()) } }, { sleep: clock.sleep });

    await invokeAsync(gateway, 'job', 'later', { taskId: 'delayed', delaySeconds: 30 });
    await invokeAsync(gateway, 'job', 'now', { taskId: 'immediate' });
    await until(async () => (await getTask(gateway, 'job', 'immediate')).status === 'Succeeded', 'the undelayed task succeeds');

    expect(clock.waits.map((wait) => wait.ms)).toEqual([30_000]);
    expect(ran).toEqual(['now']);
    const waiting = await getTask(gateway, 'job', 'delayed');
    expect(waiting.status).toBe('Enqueued');
    expect(waiting.startedTime).toBeUndefined();

    clock.waits[0]?.release();
    await gateway.waitForAsyncIdle();
    expect(ran).toEqual(['now', 'later']);
    expect(await getTask(gateway, 'job', 'delayed')).toMatchObject({ status: 'Succeeded' });
  });
});

describe('reservedConcurrency', () => {
  it('never runs more than reservedConcurrency at once; the rest wait in a FIFO queue', async () => {
    const blocking = blockingHandlers();
    const gateway = await aGateway({ job: { handler: blocking.handler, reservedConcurrency: 2 } });
    const names = ['t1', 't2', 't3', 't4', 't5', 't6'];

    for (const name of names) await invokeAsync(gateway, 'job', name, { taskId: name });
    await until(() => blocking.running() === 2, 'two runs');
    const statuses = await Promise.all(names.map(async (name) => (await getTask(gateway, 'job', name)).status));
    expect(statuses).toEqual(['Running', 'Running', 'Enqueued', 'Enqueued', 'Enqueued', 'Enqueued']);

    // Release in an order other than the start order: admission still follows submission.
    for (const name of ['t2', 't1', 't4', 't3', 't6', 't5']) {
      await until(() => blocking.gates.has(name), `${name} starts`);
      blocking.gates.get(name)?.resolve();
    }
    await gateway.waitForAsyncIdle();

    expect(blocking.peak()).toBe(2);
    expect(blocking.starts).toEqual(names);
    expect(gateway.asyncInvocations().every((record) => record.status === 'succeeded')).toBe(true);
  });

  it('throttles a synchronous call while every slot is taken (429 ResourceThrottled)', async () => {
    const blocking = blockingHandlers();
    const gateway = await aGateway({ job: { handler: blocking.handler, reservedConcurrency: 1 } });
    await invokeAsync(gateway, 'job', 'busy', { taskId: 'busy' });
    await until(() => blocking.running() === 1, 'the async run');

    const sync = await refusal(
      sdk(gateway).invokeFunctionWithOptions(
        'job',
        new InvokeFunctionRequest({ body: Readable.from([Buffer.from('sync')]) }),
        new InvokeFunctionHeaders({ xFcInvocationType: 'Sync' }),
        new RuntimeOptions({}),
      ),
    );

    expect(sync).toMatchObject({ statusCode: 429, code: 'ResourceThrottled' });
    expect(blocking.starts).toEqual(['busy']);
    blocking.gates.get('busy')?.resolve();
    await gateway.waitForAsyncIdle();
  });
});

describe('maxAsyncRetryAttempts', () => {
  it('retries a failing run with a doubling back-off, then the task is Failed', async () => {
    const retryCounts: number[] = [];
    const waits: number[] = [];
    const gateway = await aGateway(
      {
        job: {
          maxAsyncRetryAttempts: 2,
          handler: async (_event, context) => {
            retryCounts.push(context.retryCount ?? -1);
            throw new Error(`attempt ${context.retryCount} failed`);
          },
        },
      },
      { asyncRetryDelayMs: 500, sleep: async (ms) => void waits.push(ms) },
    );

    await invokeAsync(gateway, 'job', 'x', { taskId: 'doomed' });
    await gateway.waitForAsyncIdle();

    const task = await getTask(gateway, 'job', 'doomed');
    expect(retryCounts).toEqual([0, 1, 2]);
    expect(waits).toEqual([500, 1000]);
    expect(task).toMatchObject({ status: 'Failed', alreadyRetriedTimes: 2, taskErrorMessage: 'Error: attempt 2 failed' });
    expect(task.events.map((event) => event.status)).toEqual(['Enqueued', 'Running', 'Retrying', 'Running', 'Retrying', 'Running', 'Failed']);
  });

  it('succeeds on a retry and waits for a free slot again before it', async () => {
    let failuresLeft = 1;
    const gateway = await aGateway(
      {
        job: {
          maxAsyncRetryAttempts: 3,
          reservedConcurrency: 1,
          handler: async () => {
            if (failuresLeft-- > 0) throw new Error('flaky');
            return 'ok';
          },
        },
      },
      { asyncRetryDelayMs: 0 },
    );

    await invokeAsync(gateway, 'job', 'x', { taskId: 'flaky' });
    await gateway.waitForAsyncIdle();

    expect(await getTask(gateway, 'job', 'flaky')).toMatchObject({ status: 'Succeeded', alreadyRetriedTimes: 1, returnPayload: 'ok' });
    expect(gateway.running('job')).toBe(0);
  });
});

describe('StopAsyncTask', () => {
  it('stops a queued task before it runs, and a running one without a retry', async () => {
    const blocking = blockingHandlers();
    const gateway = await aGateway({ job: { handler: blocking.handler, reservedConcurrency: 1, maxAsyncRetryAttempts: 3 } });
    await invokeAsync(gateway, 'job', 'first', { taskId: 'first' });
    await invokeAsync(gateway, 'job', 'second', { taskId: 'second' });
    await until(() => blocking.running() === 1, 'the first run');

    expect(await stopTask(gateway, 'job', 'second')).toBe(200);
    expect(await stopTask(gateway, 'job', 'first')).toBe(200);
    expect((await getTask(gateway, 'job', 'first')).status).toBe('Stopping');
    blocking.gates.get('first')?.reject(new Error('interrupted'));
    await gateway.waitForAsyncIdle();

    expect(blocking.starts).toEqual(['first']);
    expect(await getTask(gateway, 'job', 'first')).toMatchObject({ status: 'Stopped', alreadyRetriedTimes: 0 });
    expect(await getTask(gateway, 'job', 'second')).toMatchObject({ status: 'Stopped' });
    expect(gateway.running('job')).toBe(0);
  });

  it('stops a delayed task; the delay then ends without a run', async () => {
    const clock = manualSleep();
    let runs = 0;
    const gateway = await aGateway({ job: { handler: async () => void runs++ } }, { sleep: clock.sleep });
    await invokeAsync(gateway, 'job', 'x', { taskId: 'later', delaySeconds: 600 });

    await stopTask(gateway, 'job', 'later');
    await gateway.waitForAsyncIdle();
    clock.waits[0]?.release();

    expect(runs).toBe(0);
    expect(await getTask(gateway, 'job', 'later')).toMatchObject({ status: 'Stopped' });
  });

  it('answers 404 for an unknown task and 400 for a finished one', async () => {
    const gateway = await aGateway({ job: { handler: async () => 'ok' } });
    await invokeAsync(gateway, 'job', 'x', { taskId: 'done' });
    await gateway.waitForAsyncIdle();

    expect(await refusal(stopTask(gateway, 'job', 'ghost'))).toMatchObject({ statusCode: 404, code: 'AsyncTaskNotFound' });
    expect(await refusal(getTask(gateway, 'job', 'ghost'))).toMatchObject({ statusCode: 404, code: 'AsyncTaskNotFound' });
    expect(await refusal(stopTask(gateway, 'job', 'done'))).toMatchObject({ statusCode: 400, code: 'AsyncTaskFinished' });
    expect(await refusal(getTask(gateway, 'nope', 'done'))).toMatchObject({ statusCode: 404, code: 'FunctionNotFound' });
  });
});

describe('ListAsyncTasks', () => {
  it('filters by prefix and status, pages with limit and nextToken, and includes payloads on request', async () => {
    const gateway = await aGateway({
      job: {
        handler: async (event) => {
          if (event.toString() === 'bad') throw new Error('bad');
        },
      },
    });
    for (const [taskId, payload] of [
      ['jobA_r1', 'ok'],
      ['jobA_r2', 'ok'],
      ['jobA_r3', 'bad'],
      ['jobB_r1', 'ok'],
    ] as const) {
      await invokeAsync(gateway, 'job', payload, { taskId });
    }
    await gateway.waitForAsyncIdle();
    const list = async (request: Record<string, unknown>) =>
      (await sdk(gateway).listAsyncTasksWithOptions('job', new ListAsyncTasksRequest(request), {}, new RuntimeOptions({}))).body as unknown as {
        tasks: AsyncTask[];
        nextToken?: string;
      };

    const jobA = await list({ prefix: 'jobA_', sortOrderByTime: 'asc' });
    const failed = await list({ status: 'Failed' });
    const firstPage = await list({ prefix: 'jobA_', limit: 2, sortOrderByTime: 'asc', includePayload: true });
    const secondPage = await list({ prefix: 'jobA_', limit: 2, sortOrderByTime: 'asc', nextToken: firstPage.nextToken });

    expect(jobA.tasks.map((task) => task.taskId)).toEqual(['jobA_r1', 'jobA_r2', 'jobA_r3']);
    expect(jobA.tasks[0]?.taskPayload).toBeUndefined();
    expect(failed.tasks.map((task) => task.taskId)).toEqual(['jobA_r3']);
    expect(firstPage.tasks.map((task) => [task.taskId, task.taskPayload])).toEqual([
      ['jobA_r1', 'ok'],
      ['jobA_r2', 'ok'],
    ]);
    expect(secondPage.tasks.map((task) => task.taskId)).toEqual(['jobA_r3']);
    expect(secondPage.nextToken).toBeUndefined();
    expect(jobA.tasks[0]).toMatchObject({ functionArn: 'acs:fc:cn-hangzhou:1234567890123456:functions/job', qualifier: 'LATEST' });
  });

  it('refuses an unsigned request and a bad limit', async () => {
    const gateway = await aGateway({ job: { handler: async () => 'ok' } });
    expect((await fetch(`${gateway.url}/2023-03-30/functions/job/async-tasks`)).status).toBe(403);
    const refused = await refusal(sdk(gateway).listAsyncTasksWithOptions('job', new ListAsyncTasksRequest({ limit: 500 }), {}, new RuntimeOptions({})));
    expect(refused).toMatchObject({ statusCode: 400, code: 'InvalidArgument' });
    expect(refused.message).toContain('limit');
  });
});
