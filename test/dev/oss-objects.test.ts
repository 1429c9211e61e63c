import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64Header, startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';

const BUCKET = 'cdr-export';
const AK = 'LTAI-test-objects';
const SECRET = 'secret-objects';

type ClientOptions = OSS.Options & { sldEnable?: boolean; retryMax?: number };

let server: OssServer;

function clientFor(overrides: Partial<ClientOptions> = {}): OSS {
  const options: ClientOptions = {
    endpoint: server.url,
    region: 'oss-cn-hangzhou',
    bucket: BUCKET,
    accessKeyId: AK,
    accessKeySecret: SECRET,
    authorizationV4: true,
    ...overrides,
  };
  return new OSS(options);
}

function header(res: { headers: object }, name: string): string | undefined {
  return (res.headers as Record<string, string | undefined>)[name];
}

/** A raw HTTP exchange, for asserting exact wire details ali-oss hides. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  server = await startOssServer({ credentials: [{ accessKeyId: AK, accessKeySecret: SECRET }] });
});

afterAll(async () => {
  await server.close();
});

describe.each([
  { label: 'V4, virtual-host Host', authorizationV4: true, pathStyle: false },
  { label: 'V1, virtual-host Host', authorizationV4: false, pathStyle: false },
  { label: 'V4, path style', authorizationV4: true, pathStyle: true },
  { label: 'V1, path style', authorizationV4: false, pathStyle: true },
])('object round trip ($label)', ({ label, authorizationV4, pathStyle }) => {
  const key = `rt/${label.replace(/\W+/g, '-')}/data.jsonl.gz`;

  it('puts, heads, gets and deletes with user metadata, ETag and CRC-64', async () => {
    // Arrange: path style needs a non-IP endpoint, or ali-oss forces the virtual-host Host header (oss.md §2).
    const client = clientFor(pathStyle ? { authorizationV4, sldEnable: true, endpoint: `http://localhost:${server.port}` } : { authorizationV4 });
    const body = Buffer.from('{"id":1}\n{"id":2}\n');

    // Act
    const put = await client.put(key, body, { meta: { run: '42', window: '2024-03-08T00' } as unknown as OSS.UserMeta });
    const head = await client.head(key);
    const got = await client.get(key);

    // Assert
    expect(put.res.status).toBe(200);
    expect(header(put.res, 'etag')).toBe(`"${createHash('md5').update(body).digest('hex').toUpperCase()}"`);
    expect(header(put.res, 'x-oss-hash-crc64ecma')).toBe(crc64Header(body));
    expect(header(put.res, 'x-oss-request-id')).toMatch(/^[0-9A-F]{24}$/);
    expect(head.meta).toEqual({ run: '42', window: '2024-03-08T00' });
    expect(header(head.res, 'content-length')).toBe(String(body.length));
    expect(header(head.res, 'content-type')).toBe('application/gzip');
    expect(got.content).toEqual(body);
    expect(header(got.res, 'etag')).toBe(header(put.res, 'etag'));
    expect(server.getObject(BUCKET, key)?.meta.userMeta).toEqual({ run: '42', window: '2024-03-08T00' });

    const deleted = await client.delete(key);
    expect(deleted.res.status).toBe(204);
    await expect(client.head(key)).rejects.toMatchObject({ name: 'NoSuchKeyError', status: 404 });
    expect(server.listKeys(BUCKET, 'rt/')).toEqual([]);
  });
});

describe('object keys', () => {
  it.each(['keys/with space.txt', 'keys/a+b=c.txt', 'keys/通话记录/二〇二四年.jsonl', "keys/mixed 中 + = %25 ~!*()'.txt", 'keys/deep/er/and/deeper/x'])(
    'round-trips %j with V4 and V1',
    async (key) => {
      for (const authorizationV4 of [true, false]) {
        const client = clientFor({ authorizationV4 });
        const body = Buffer.from(`body of ${key} ${String(authorizationV4)}`);
        await client.put(key, body);
        expect((await client.get(key)).content).toEqual(body);
        expect(server.getObject(BUCKET, key)?.body).toEqual(body);
        const listed = await client.listV2({ prefix: key });
        expect(listed.objects.map((o) => o.name)).toEqual([key]);
      }
    },
  );
});

describe('PutObject checks', () => {
  it('rejects a wrong Content-MD5 with 400 InvalidDigest and stores nothing', async () => {
    const client = clientFor();
    const wrongMd5 = Buffer.alloc(16, 7).toString('base64');

    await expect(client.put('md5/bad.bin', Buffer.from('payload'), { headers: { 'Content-MD5': wrongMd5 } })).rejects.toMatchObject({
      name: 'InvalidDigestError',
      code: 'InvalidDigest',
      status: 400,
    });
    expect(server.getObject(BUCKET, 'md5/bad.bin')).toBeUndefined();
  });

  it('answers 409 FileAlreadyExists (EC 0026-00000201) for x-oss-forbid-overwrite and keeps the object', async () => {
    const client = clientFor();
    const createOnly = { headers: { 'x-oss-forbid-overwrite': 'true' } };
    await client.put('once/manifest.json', Buffer.from('first'), createOnly);

    const error: unknown = await client.put('once/manifest.json', Buffer.from('second'), createOnly).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'FileAlreadyExistsError',
      code: 'FileAlreadyExists',
      status: 409,
      ecCode: '0026-00000201',
    });
    expect((error as { requestId: string }).requestId).toMatch(/^[0-9A-F]{24}$/);
    expect(server.getObject(BUCKET, 'once/manifest.json')?.body.toString()).toBe('first');
    // Without the header the same key is simply replaced.
    await client.put('once/manifest.json', Buffer.from('third'));
    expect(server.getObject(BUCKET, 'once/manifest.json')?.body.toString()).toBe('third');
  });

  it('stores a chunked putStream body (no Content-MD5, no Content-Length)', async () => {
    const client = clientFor();
    const parts = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'];

    const result = await client.putStream('stream/chunked.jsonl', Readable.from(parts.map((p) => Buffer.from(p))));

    expect(result.res.status).toBe(200);
    expect(server.getObject(BUCKET, 'stream/chunked.jsonl')?.body.toString()).toBe(parts.join(''));
  });

  it('returns OSS-style headers for an empty object', async () => {
    const put = await clientFor().put('empty/zero.bin', Buffer.alloc(0));
    expect(header(put.res, 'etag')).toBe('"D41D8CD98F00B204E9800998ECF8427E"');
    expect(header(put.res, 'x-oss-hash-crc64ecma')).toBe('0');
  });
});

describe('GetObject details', () => {
  beforeAll(() => {
    server.putObject(BUCKET, 'get/alphabet.txt', 'abcdefghijklmnopqrstuvwxyz', { contentType: 'text/plain' });
  });

  it('serves a single byte range with 206 and Content-Range', async () => {
    const client = clientFor();
    const got = await client.get('get/alphabet.txt', undefined, { headers: { Range: 'bytes=2-5' } });
    expect(got.res.status).toBe(206);
    expect(got.content.toString()).toBe('cdef');
    expect(header(got.res, 'content-range')).toBe('bytes 2-5/26');

    const suffix = await client.get('get/alphabet.txt', undefined, { headers: { Range: 'bytes=-3' } });
    expect(suffix.content.toString()).toBe('xyz');
  });

  it('answers 416 InvalidRange past the end', async () => {
    await expect(clientFor().get('get/alphabet.txt', undefined, { headers: { Range: 'bytes=26-30' } })).rejects.toMatchObject({ code: 'InvalidRange', status: 416 });
  });

  it('honours If-None-Match (304) and If-Match (412)', async () => {
    const client = clientFor();
    const etag = server.getObject(BUCKET, 'get/alphabet.txt')?.meta.etag ?? '';

    const notModified = await client.get('get/alphabet.txt', undefined, { headers: { 'If-None-Match': etag } });
    expect(notModified.res.status).toBe(304);
    await expect(client.get('get/alphabet.txt', undefined, { headers: { 'If-Match': '"0123456789ABCDEF0123456789ABCDEF"' } })).rejects.toMatchObject({
      code: 'PreconditionFailed',
      status: 412,
    });
  });

  it('answers GetObjectMeta with ETag, size and CRC-64 but 404 for a missing key', async () => {
    // getObjectMeta exists in ali-oss 6.23 but not in @types/ali-oss.
    const client = clientFor() as unknown as {
      getObjectMeta(name: string): Promise<{ status: number; res: { headers: object } }>;
    };
    const meta = await client.getObjectMeta('get/alphabet.txt');
    expect(meta.status).toBe(200);
    expect(header(meta.res, 'content-length')).toBe('26');
    expect(header(meta.res, 'x-oss-hash-crc64ecma')).toBe(crc64Header(Buffer.from('abcdefghijklmnopqrstuvwxyz')));
    await expect(client.getObjectMeta('get/missing.txt')).rejects.toMatchObject({ name: 'NoSuchKeyError', status: 404 });
  });

  it('answers GetObject of a missing key with NoSuchKey XML', async () => {
    await expect(clientFor().get('get/missing.txt')).rejects.toMatchObject({
      name: 'NoSuchKeyError',
      code: 'NoSuchKey',
      status: 404,
    });
  });
});

describe('CopyObject', () => {
  it('copies content and metadata, replaces metadata on request, and honours forbid-overwrite', async () => {
    const client = clientFor();
    await client.put('copy/source 源.txt', Buffer.from('copy me'), { meta: { origin: 'a' } as unknown as OSS.UserMeta });

    await client.copy('copy/plain.txt', 'copy/source 源.txt');
    await client.copy('copy/replaced.txt', 'copy/source 源.txt', { meta: { origin: 'b' } as unknown as OSS.UserMeta });

    expect(server.getObject(BUCKET, 'copy/plain.txt')?.body.toString()).toBe('copy me');
    expect(server.getObject(BUCKET, 'copy/plain.txt')?.meta.userMeta).toEqual({ origin: 'a' });
    expect(server.getObject(BUCKET, 'copy/replaced.txt')?.meta.userMeta).toEqual({ origin: 'b' });
    await expect(client.copy('copy/plain.txt', 'copy/source 源.txt', { headers: { 'x-oss-forbid-overwrite': 'true' } })).rejects.toMatchObject({
      code: 'FileAlreadyExists',
      status: 409,
    });
    await expect(client.copy('copy/x.txt', 'copy/absent.txt')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
  });
});

describe('bucket and operation errors', () => {
  it('answers 404 NoSuchBucket for an unconfigured bucket', async () => {
    await expect(clientFor({ bucket: 'other-bucket' }).put('x.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
  });

  it('answers 501 NotImplemented for AppendObject', async () => {
    await expect(clientFor().append('append/log.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'NotImplemented',
      status: 501,
    });
  });

  it('answers 403 AccessDenied without Authorization, in the exact OSS error XML shape', async () => {
    const response = await raw('GET', '/missing.txt', { Host: `${BUCKET}.oss-cn-hangzhou.aliyuncs.com` });

    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toBe('application/xml');
    const requestId = response.headers['x-oss-request-id'];
    expect(requestId).toMatch(/^[0-9A-F]{24}$/);
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<Error><Code>AccessDenied</Code>' +
        '<Message>You have no right to access this object because of bucket acl. (The request has no Authorization header.)</Message>' +
        `<RequestId>${String(requestId)}</RequestId>` +
        `<HostId>${BUCKET}.oss-cn-hangzhou.aliyuncs.com</HostId>` +
        '<EC></EC></Error>',
    );
  });
});

describe('CRC-64', () => {
  it('matches the CRC-64/XZ check value', () => {
    expect(crc64Header(Buffer.from('123456789'))).toBe('11051210869376104954');
    expect(crc64Header(Buffer.alloc(0))).toBe('0');
  });
});
