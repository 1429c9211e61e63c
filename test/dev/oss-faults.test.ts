import OSS from 'ali-oss';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';

const BUCKET = 'cdr-export';
const CREDENTIALS = { accessKeyId: 'LTAI-faults', accessKeySecret: 'faults-secret' };

let server: OssServer;

function clientFor(target: OssServer, extra: Partial<OSS.Options> = {}): OSS {
  return new OSS({
    ...CREDENTIALS,
    endpoint: target.url,
    region: 'oss-cn-hangzhou',
    bucket: BUCKET,
    authorizationV4: true,
    ...extra,
  });
}

/** Outcome of a put: 'ok' or the error code / name. */
async function outcome(client: OSS, key: string): Promise<string> {
  try {
    await client.put(key, Buffer.from('x'));
    return 'ok';
  } catch (error) {
    const { code, name } = error as { code?: string; name?: string };
    return code ?? name ?? 'unknown';
  }
}

beforeAll(async () => {
  server = await startOssServer({ credentials: [CREDENTIALS] });
});

afterEach(() => {
  server.setFaults({});
});

afterAll(async () => {
  await server.close();
});

describe('scripted failures (failNext)', () => {
  it('answers exactly N× 503 SlowDown for the named operation, then recovers', async () => {
    const client = clientFor(server);
    server.putObject(BUCKET, 'faults/readable.txt', 'r');
    server.setFaults({ failNext: [{ op: 'PutObject', status: 503, count: 2 }] });

    const scriptedBefore = server.stats.faults.scripted;
    const first: unknown = await client.put('faults/a.txt', Buffer.from('a')).catch((e: unknown) => e);
    expect(first).toMatchObject({ name: 'SlowDownError', code: 'SlowDown', status: 503 });
    expect((await client.get('faults/readable.txt')).content.toString()).toBe('r');
    expect(await outcome(client, 'faults/a.txt')).toBe('SlowDown');
    expect(await outcome(client, 'faults/a.txt')).toBe('ok');
    expect(server.stats.faults.scripted - scriptedBefore).toBe(2);
  });

  it('answers 500 InternalError with a request ID, and consumes entries in order', async () => {
    const client = clientFor(server);
    server.setFaults({
      failNext: [
        { status: 500, count: 1 },
        { status: 503, count: 1 },
      ],
    });
    const error: unknown = await client.head('faults/none.txt').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect((error as { requestId: string }).requestId).toMatch(/^[0-9A-F]{24}$/);
    expect(await outcome(client, 'faults/b.txt')).toBe('SlowDown');
    expect(await outcome(client, 'faults/b.txt')).toBe('ok');
  });

  it('targets only matching requests via match (e.g. manifests)', async () => {
    const client = clientFor(server);
    server.setFaults({
      failNext: [{ status: 503, count: 5 }],
      match: (op, bucket, key) => op === 'PutObject' && bucket === BUCKET && key.endsWith('manifest.json'),
    });
    expect(await outcome(client, 'run/part-00001.jsonl.gz')).toBe('ok');
    expect(await outcome(client, 'run/manifest.json')).toBe('SlowDown');
    expect(await outcome(client, 'run/part-00002.jsonl.gz')).toBe('ok');
    expect(server.listKeys(BUCKET, 'run/')).toEqual(['run/part-00001.jsonl.gz', 'run/part-00002.jsonl.gz']);
  });

  it('never masks an authentication error', async () => {
    server.setFaults({ unavailableRate: 1, failNext: [{ status: 500, count: 3 }] });
    const before = server.stats.faults;
    const bad = clientFor(server, { accessKeySecret: 'wrong' });
    expect(await outcome(bad, 'faults/auth.txt')).toBe('SignatureDoesNotMatch');
    expect(server.stats.faults).toEqual(before);
  });
});

describe('random failure rates', () => {
  it('are deterministic for a seed', async () => {
    const runs: string[][] = [];
    for (let round = 0; round < 2; round++) {
      const seeded = await startOssServer({
        credentials: [CREDENTIALS],
        seed: 77,
        faults: { unavailableRate: 0.3, internalErrorRate: 0.2 },
      });
      try {
        const client = clientFor(seeded);
        const results: string[] = [];
        for (let i = 0; i < 30; i++) results.push(await outcome(client, `rate/${i}.txt`));
        runs.push(results);
        expect(seeded.stats.faults.unavailable).toBe(results.filter((r) => r === 'SlowDown').length);
        expect(seeded.stats.faults.internalError).toBe(results.filter((r) => r === 'InternalError').length);
      } finally {
        await seeded.close();
      }
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(new Set(runs[0])).toEqual(new Set(['ok', 'SlowDown', 'InternalError']));
  });

  it('rejects rates outside [0, 1]', () => {
    expect(() => server.setFaults({ unavailableRate: 1.5 })).toThrow('Expected faults.unavailableRate to be a probability in [0, 1], got 1.5.');
  });
});

describe('connection faults', () => {
  it('destroys the socket mid-request: ali-oss sees a status -1 ResponseError and nothing is stored', async () => {
    server.setFaults({ resetRate: 1 });
    const error: unknown = await clientFor(server)
      .put('faults/reset.txt', Buffer.from('lost'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseError', status: -1 });
    expect(server.stats.faults.reset).toBeGreaterThanOrEqual(1);
    expect(server.getObject(BUCKET, 'faults/reset.txt')).toBeUndefined();
  });

  // No durations are measured here (a loaded machine must not fail the suite): latencies far beyond the test's timeout make
  // "the client gave up first" and "close() did not wait" hold by construction; the server's counters show the delay happened.
  it('delays responses: beyond the client timeout ali-oss throws ResponseTimeoutError', async () => {
    server.setFaults({ latencyMs: 3_600_000 });
    const client = clientFor(server, { timeout: 150 });
    const error: unknown = await client.put('faults/slow.txt', Buffer.from('slow')).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseTimeoutError' });
    expect(server.stats.faults.latency).toBeGreaterThanOrEqual(1);
    expect(server.getObject(BUCKET, 'faults/slow.txt')).toBeUndefined();
  });

  it('delays responses within the timeout without failing them', async () => {
    server.setFaults({ latencyMs: 80 });
    const latencyBefore = server.stats.faults.latency;
    expect(await outcome(clientFor(server, { timeout: 60_000 }), 'faults/late.txt')).toBe('ok');
    expect(server.stats.faults.latency).toBe(latencyBefore + 1);
  });

  it('closes promptly while a request is parked in injected latency', async () => {
    const parked = await startOssServer({ credentials: [CREDENTIALS], faults: { latencyMs: 3_600_000 } });
    const pending = clientFor(parked, { timeout: 7_200_000 })
      .put('x.txt', Buffer.from('x'))
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(parked.stats.faults.latency).toBe(1));
    await parked.close();
    expect(await pending).toMatchObject({ status: -1 });
  });
});
