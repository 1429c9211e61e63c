import { createHash } from 'node:crypto';
import OSS from 'ali-oss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crc64Header, startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';

const BUCKET = 'cdr-export';
const CREDENTIALS = { accessKeyId: 'LTAI-multipart', accessKeySecret: 'multipart-secret' };
const KIB = 1024;

let server: OssServer;

function clientFor(authorizationV4 = true): OSS {
  return new OSS({ ...CREDENTIALS, endpoint: server.url, region: 'oss-cn-hangzhou', bucket: BUCKET, authorizationV4 });
}

/** Deterministic, non-repeating bytes so a misplaced part cannot go unnoticed. */
function patterned(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function header(res: { headers: object }, name: string): string | undefined {
  return (res.headers as Record<string, string | undefined>)[name];
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

describe('multipartUpload (ali-oss managed)', () => {
  it.each([true, false])('uploads ~350 KiB in 100 KiB parts and reads it back byte-identical (V4 = %s)', async (v4) => {
    const key = `mp/managed-${String(v4)}.jsonl.gz`;
    const body = patterned(350 * KIB + 17, v4 ? 1 : 2);

    const result = await clientFor(v4).multipartUpload(key, body, {
      partSize: 100 * KIB,
      meta: { run: 'mp' } as unknown as OSS.UserMeta,
    });

    expect(result.res.status).toBe(200);
    const stored = server.getObject(BUCKET, key);
    expect(stored?.body.equals(body)).toBe(true);
    expect(stored?.meta).toMatchObject({ objectType: 'Multipart', size: body.length, userMeta: { run: 'mp' } });
    expect(stored?.meta.etag).toMatch(/^"[0-9A-F]{32}-4"$/);
    expect(stored?.meta.crc64).toBe(crc64Header(body));
    expect((await clientFor(v4).get(key)).content.equals(body)).toBe(true);
    expect(server.incompleteUploads(BUCKET)).toEqual([]);
  });
});

describe('manual multipart calls', () => {
  it('initiates, uploads parts, lists them, completes with the OSS composite ETag', async () => {
    const client = clientFor();
    const key = 'mp/manual 手动.bin';
    const part1 = patterned(100 * KIB, 3);
    const part2 = patterned(10 * KIB, 4);
    const whole = Buffer.concat([part1, part2]);

    const init = await client.initMultipartUpload(key);
    expect(init.uploadId).toMatch(/^[0-9A-F]{32}$/);
    const r1 = await client.uploadPart(key, init.uploadId, 1, whole, 0, part1.length);
    const r2 = await client.uploadPart(key, init.uploadId, 2, whole, part1.length, whole.length);
    expect(r1.etag).toBe(`"${createHash('md5').update(part1).digest('hex').toUpperCase()}"`);

    const parts = await client.listParts(key, init.uploadId);
    expect((parts.parts as unknown as Array<{ PartNumber: string; Size: string }>).map((p) => [p.PartNumber, p.Size])).toEqual([
      ['1', String(100 * KIB)],
      ['2', String(10 * KIB)],
    ]);
    const uploads = await client.listUploads({});
    expect(uploads.uploads.map((u) => u.name)).toEqual([key]);
    expect(server.incompleteUploads(BUCKET)).toEqual([{ key, uploadId: init.uploadId, parts: [1, 2] }]);

    const done = await client.completeMultipartUpload(key, init.uploadId, [
      { number: 1, etag: r1.etag },
      { number: 2, etag: r2.etag },
    ]);

    const expectedEtag = createHash('md5')
      .update(Buffer.concat([part1, part2].map((p) => createHash('md5').update(p).digest())))
      .digest('hex')
      .toUpperCase();
    expect(done.etag).toBe(`"${expectedEtag}-2"`);
    expect(server.getObject(BUCKET, key)?.body.equals(whole)).toBe(true);
    expect(server.incompleteUploads(BUCKET)).toEqual([]);
    await expect(client.uploadPart(key, init.uploadId, 3, whole, 0, 10)).rejects.toMatchObject({
      code: 'NoSuchUpload',
      status: 404,
    });
  });

  it('aborts: the upload leaves incompleteUploads and shows in abortedUploads', async () => {
    const client = clientFor();
    const key = 'mp/aborted.bin';
    const data = patterned(120 * KIB, 5);
    const init = await client.initMultipartUpload(key);
    await client.uploadPart(key, init.uploadId, 1, data, 0, data.length);

    // @types/ali-oss types the result as the response itself; ali-oss 6.23 returns { res }.
    const aborted = (await client.abortMultipartUpload(key, init.uploadId)) as unknown as { res: { status: number } };

    expect(aborted.res.status).toBe(204);
    expect(server.incompleteUploads(BUCKET)).toEqual([]);
    expect(server.abortedUploads(BUCKET)).toContainEqual({ key, uploadId: init.uploadId, parts: [1] });
    expect(server.getObject(BUCKET, key)).toBeUndefined();
    await expect(client.abortMultipartUpload(key, init.uploadId)).rejects.toMatchObject({ code: 'NoSuchUpload' });
  });

  it('rejects a wrong part ETag, a descending part list and a too-small middle part', async () => {
    const client = clientFor();
    const key = 'mp/invalid.bin';
    const small = patterned(50 * KIB, 6);
    const init = await client.initMultipartUpload(key);
    const p1 = await client.uploadPart(key, init.uploadId, 1, small, 0, small.length);
    const p2 = await client.uploadPart(key, init.uploadId, 2, small, 0, small.length);

    // ali-oss sorts the list itself, so a raw order problem cannot be sent through it; ETag and size can.
    await expect(client.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: '"00000000000000000000000000000000"' }])).rejects.toMatchObject({
      code: 'InvalidPart',
      status: 400,
    });
    await expect(
      client.completeMultipartUpload(key, init.uploadId, [
        { number: 1, etag: p1.etag },
        { number: 2, etag: p2.etag },
      ]),
    ).rejects.toMatchObject({ code: 'EntityTooSmall', status: 400 });
    expect(server.incompleteUploads(BUCKET).map((u) => u.uploadId)).toContain(init.uploadId);
    await client.abortMultipartUpload(key, init.uploadId);
  });

  it('honours x-oss-forbid-overwrite on complete', async () => {
    const client = clientFor();
    const key = 'mp/existing.bin';
    const init = await client.initMultipartUpload(key);
    const data = patterned(1 * KIB, 7);
    const p1 = await client.uploadPart(key, init.uploadId, 1, data, 0, data.length);
    server.putObject(BUCKET, key, 'written meanwhile');

    await expect(
      client.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: p1.etag }], {
        headers: { 'x-oss-forbid-overwrite': 'true' },
      }),
    ).rejects.toMatchObject({ code: 'FileAlreadyExists', status: 409, ecCode: '0026-00000201' });
    expect(server.getObject(BUCKET, key)?.body.toString()).toBe('written meanwhile');
    await client.abortMultipartUpload(key, init.uploadId);
  });

  it('checks Content-MD5 on UploadPart', async () => {
    const client = clientFor();
    const key = 'mp/md5.bin';
    const init = await client.initMultipartUpload(key);
    const data = patterned(2 * KIB, 8);
    await expect(
      client.uploadPart(key, init.uploadId, 1, data, 0, data.length, {
        headers: { 'Content-MD5': Buffer.alloc(16).toString('base64') },
      } as OSS.RequestOptions),
    ).rejects.toMatchObject({ code: 'InvalidDigest', status: 400 });
    await client.abortMultipartUpload(key, init.uploadId);
  });
});

describe('failPartNumber', () => {
  it('fails that part with 500; ali-oss throws and the upload stays incomplete until aborted', async () => {
    const client = clientFor();
    const key = 'mp/fail-part-2.bin';
    server.setFaults({ failPartNumber: 2 });

    const error: unknown = await client.multipartUpload(key, patterned(300 * KIB, 9), { partSize: 100 * KIB, parallel: 1 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 500, code: 'InternalError' });
    expect(server.stats.faults.failedPart).toBeGreaterThanOrEqual(1);
    const [pending] = server.incompleteUploads(BUCKET).filter((u) => u.key === key);
    expect(pending).toMatchObject({ key, parts: [1] });
    expect(server.getObject(BUCKET, key)).toBeUndefined();

    await client.abortMultipartUpload(key, pending?.uploadId ?? '');
    expect(server.incompleteUploads(BUCKET)).toEqual([]);
    expect(server.abortedUploads(BUCKET).map((u) => u.uploadId)).toContain(pending?.uploadId);
  });

  it('lets other part numbers through', async () => {
    server.setFaults({ failPartNumber: 9 });
    const body = patterned(250 * KIB, 10);
    const result = await clientFor().multipartUpload('mp/unaffected.bin', body, { partSize: 100 * KIB });
    expect(header(result.res, 'etag')).toMatch(/-3"$/);
    expect(server.getObject(BUCKET, 'mp/unaffected.bin')?.body.equals(body)).toBe(true);
  });
});
