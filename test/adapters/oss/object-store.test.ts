import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOssServer, type OssServer } from '../../../dev/oss';
import { createOssStore } from '../../../lib/adapters/oss/object-store';
import { StoreFailedError } from '../../../lib/errors';
import { TEST_CREDENTIALS } from '../../builders/fc';

const BUCKET = 'cdr-adapter';
let server: OssServer;

beforeAll(async () => {
  server = await startOssServer({ credentials: [{ ...TEST_CREDENTIALS }], buckets: [BUCKET] });
});

afterAll(async () => {
  await server.close();
});

describe('createOssStore over loopback', () => {
  it('stops waiting for a call when the deadline signal aborts, and fails it as STORE_FAILED DeadlineReached without retrying', async () => {
    // Arrange: OSS answers only after 2 s
    server.setFaults({ latencyMs: 2_000 });
    const controller = new AbortController();
    const store = createOssStore({
      region: 'oss-cn-hangzhou',
      bucket: BUCKET,
      endpoint: server.url,
      credentials: { ...TEST_CREDENTIALS },
      signal: controller.signal,
      maxAttempts: 5,
    });
    // Act
    const pending = store.get('slow/key.json').catch((error: unknown) => error);
    setImmediate(() => controller.abort());
    const failure = await pending;
    server.setFaults({});
    // Assert: without the signal this call would have answered (undefined for a missing key)
    expect(failure).toBeInstanceOf(StoreFailedError);
    expect((failure as StoreFailedError).code).toBe('STORE_FAILED');
    expect((failure as StoreFailedError).detail).toBe('OSS get of `slow/key.json` failed: DeadlineReached');
  });
});
