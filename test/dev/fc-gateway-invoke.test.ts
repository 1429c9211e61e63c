import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFcGateway, type FcGateway } from '../../dev/fc-gateway';
import type { FcContext } from '../../lib/fc/types';
import { InvokeTransportError } from '../../lib/sdk/errors';
import { createFc2Invoker } from '../../lib/sdk/fc2-invoker';
import { createFc3Invoker } from '../../lib/sdk/fc3-invoker';
import type { Invoker } from '../../lib/sdk/invoker';
import type { Credentials } from '../../lib/credentials/credentials';

const CALLER = { accessKeyId: 'STS.Caller0001', accessKeySecret: 'caller-secret', securityToken: 'caller-token' };
const ROLE = { accessKeyId: 'STS.RoleOfEcho', accessKeySecret: 'role-secret', securityToken: 'role-token' };

let gateway: FcGateway;
const calls: Array<{ name: string; event: Buffer; context: FcContext }> = [];
let flakyFailuresLeft = 0;

beforeAll(async () => {
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'echo',
    credentials: [CALLER],
    fc2Services: { legacy: { 'echo-fn': 'echo', 'boom-fn': 'boom' } },
    maxAsyncRetryAttempts: 2,
    asyncRetryDelayMs: 0,
    functions: {
      echo: {
        timeoutSeconds: 7,
        credentials: ROLE,
        handler: async (event, context) => {
          calls.push({ name: 'echo', event, context });
          const text = event.toString('utf8');
          if (text === 'buffer') return Buffer.from([0, 1, 2]);
          if (text === 'string') return 'plain text';
          return { received: text, requestId: context.requestId };
        },
      },
      boom: {
        handler: async () => {
          throw new TypeError('exploded on purpose');
        },
      },
      flaky: {
        handler: async (event, context) => {
          calls.push({ name: 'flaky', event, context });
          if (flakyFailuresLeft-- > 0) throw new Error(`failure ${context.retryCount}`);
          return 'done';
        },
      },
      svc2$direct: { handler: async () => 'via service$function' },
    },
  });
});

afterAll(async () => {
  await gateway.close();
});

beforeEach(() => {
  calls.length = 0;
});

const fc3 = (credentials: Credentials = CALLER): Invoker =>
  createFc3Invoker({ endpoint: new URL(gateway.url), credentials: { kind: 'static', credentials }, qualifier: 'LATEST', timeoutMs: 5_000 });
const fc2 = (serviceName: string | undefined, credentials: Credentials = CALLER): Invoker =>
  createFc2Invoker({
    accountId: '1234567890123456',
    region: 'cn-hangzhou',
    endpoint: new URL(gateway.url),
    credentials: { kind: 'static', credentials },
    serviceName,
    qualifier: 'LATEST',
    timeoutMs: 5_000,
  });

async function rejection(promise: Promise<unknown>): Promise<InvokeTransportError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InvokeTransportError);
  return error as InvokeTransportError;
}

describe('FC gateway invoke APIs: synchronous', () => {
  it.each([
    ['FC 3.0', () => fc3(), 'echo'],
    ['FC 2.0 (fc2Services mapping)', () => fc2('legacy'), 'echo-fn'],
  ])('%s: the raw body is the event, the return value the body, with the function context', async (_api, invoker, name) => {
    // Act
    const result = await invoker().invoke(name, Buffer.from('{"a":1}'), { async: false });
    // Assert
    expect(result.status).toBe(200);
    expect(result.headers['x-fc-error-type']).toBeUndefined();
    const body = JSON.parse(result.body.toString()) as { received: string; requestId: string };
    expect(body.received).toBe('{"a":1}');
    expect(result.headers['x-fc-request-id']).toBe(body.requestId);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.context).toMatchObject({ credentials: ROLE, function: { name: 'echo', timeout: 7 }, retryCount: 0 });
  });

  it('sends a Buffer result as is and a string as text', async () => {
    expect([...(await fc3().invoke('echo', Buffer.from('buffer'), { async: false })).body]).toEqual([0, 1, 2]);
    expect((await fc3().invoke('echo', Buffer.from('string'), { async: false })).body.toString()).toBe('plain text');
  });

  it('addresses a 2.0 function named service$function through fc2', async () => {
    expect((await fc2('svc2').invoke('direct', Buffer.from('x'), { async: false })).body.toString()).toBe('via service$function');
  });

  it.each([
    ['FC 3.0', () => fc3(), 'boom'],
    ['FC 2.0', () => fc2('legacy'), 'boom-fn'],
  ])('%s: a throwing handler gives 200 with X-Fc-Error-Type and the error body', async (_api, invoker, name) => {
    const result = await invoker().invoke(name, Buffer.from('{}'), { async: false });
    expect(result.status).toBe(200);
    expect(result.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(result.body.toString())).toMatchObject({ errorMessage: 'exploded on purpose', errorType: 'TypeError', stackTrace: expect.any(Array) });
  });
});

describe('FC gateway invoke APIs: asynchronous', () => {
  it.each([
    ['FC 3.0', () => fc3(), 'echo'],
    ['FC 2.0', () => fc2('legacy'), 'echo-fn'],
  ])('%s: answers 202 at once, then the handler runs in the background', async (_api, invoker, name) => {
    const result = await invoker().invoke(name, Buffer.from('later'), { async: true });
    expect(result.status).toBe(202);
    const requestId = result.headers['x-fc-request-id'];
    expect(requestId).toMatch(/^1-/);
    await gateway.waitForAsyncIdle();
    expect(calls.map((call) => call.event.toString())).toEqual(['later']);
    expect(gateway.asyncInvocations().find((record) => record.requestId === requestId)).toEqual({
      requestId,
      taskId: requestId,
      functionName: 'echo',
      status: 'succeeded',
      attempts: 1,
    });
  });

  it('retries a failing handler up to maxAsyncRetryAttempts, with context.retryCount', async () => {
    flakyFailuresLeft = 2;
    const ok = await fc3().invoke('flaky', Buffer.from('x'), { async: true });
    await gateway.waitForAsyncIdle();
    expect(calls.map((call) => call.context.retryCount)).toEqual([0, 1, 2]);
    expect(gateway.asyncInvocations().find((record) => record.requestId === ok.headers['x-fc-request-id'])).toMatchObject({ status: 'succeeded', attempts: 3 });

    flakyFailuresLeft = 5;
    const failed = await fc3().invoke('flaky', Buffer.from('y'), { async: true });
    await gateway.waitForAsyncIdle();
    expect(gateway.asyncInvocations().find((record) => record.requestId === failed.headers['x-fc-request-id'])).toEqual({
      requestId: failed.headers['x-fc-request-id'],
      taskId: failed.headers['x-fc-request-id'],
      functionName: 'flaky',
      status: 'failed',
      attempts: 3,
      error: 'Error: failure 2',
    });
  });
});

describe('FC gateway invoke APIs: refusals', () => {
  it('413 for an async payload over 128 KB and a sync payload over 32 MB', async () => {
    const asyncError = await rejection(fc3().invoke('echo', Buffer.alloc(128 * 1024 + 1, 0x61), { async: true }));
    expect(asyncError).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    expect((await fc3().invoke('echo', Buffer.alloc(128 * 1024, 0x61), { async: true })).status).toBe(202);
    const syncError = await rejection(fc2('legacy').invoke('echo-fn', Buffer.alloc(32 * 1024 * 1024 + 1, 0x61), { async: false }));
    expect(syncError).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    await gateway.waitForAsyncIdle();
  });

  it('404 FunctionNotFound / ServiceNotFound / AliasNotFound', async () => {
    expect(await rejection(fc3().invoke('nope', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 404, code: 'FunctionNotFound' });
    expect(await rejection(fc2('legacy').invoke('nope', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 404, code: 'FunctionNotFound' });
    expect(await rejection(fc2('ghost').invoke('echo', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 404, code: 'ServiceNotFound' });
    const aliased = createFc3Invoker({ endpoint: new URL(gateway.url), credentials: { kind: 'static', credentials: CALLER }, qualifier: 'prod', timeoutMs: 5_000 });
    expect(await rejection(aliased.invoke('echo', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 404, code: 'AliasNotFound' });
    expect(calls).toHaveLength(0);
  });

  it('403 for an unknown key, a wrong secret and a missing STS token, on both APIs', async () => {
    const stranger = { accessKeyId: 'LTAIstranger', accessKeySecret: 'x' };
    expect(await rejection(fc3(stranger).invoke('echo', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    expect(await rejection(fc2('legacy', stranger).invoke('echo-fn', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    const wrongSecret = { ...CALLER, accessKeySecret: 'guess' };
    expect(await rejection(fc3(wrongSecret).invoke('echo', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 403, code: 'SignatureNotMatch' });
    expect(await rejection(fc2('legacy', wrongSecret).invoke('echo-fn', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 403, code: 'SignatureNotMatch' });
    const noToken = { accessKeyId: CALLER.accessKeyId, accessKeySecret: CALLER.accessKeySecret };
    expect(await rejection(fc3(noToken).invoke('echo', Buffer.from('{}'), { async: false }))).toMatchObject({ status: 403, code: 'InvalidSecurityToken' });
    const unsigned = await fetch(`${gateway.url}/2023-03-30/functions/echo/invocations`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ ErrorCode: 'MissingAuthorization', Code: 'MissingAuthorization' });
    expect(calls).toHaveLength(0);
  });

  it('keeps every other path an HTTP trigger request', async () => {
    const response = await fetch(`${gateway.url}/2023-03-30/functions/echo`, { method: 'POST', body: 'hi' });
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]?.event.toString() ?? '{}')).toMatchObject({ version: 'v1', rawPath: '/2023-03-30/functions/echo', body: 'hi' });
  });
});
