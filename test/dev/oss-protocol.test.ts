/**
 * Protocol edge cases sent as raw HTTP to an anonymous-access server, so they do
 * not depend on what ali-oss happens to send.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';
import { compareKeys } from '../../dev/oss/key-order';

const BUCKET = 'cdr-export';
const HOST = `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`;
const KIB = 1024;

let server: OssServer;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers: { Host: HOST, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function xmlField(body: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body)?.[1];
}

function xmlFields(body: string, name: string): string[] {
  return [...body.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

function md5Etag(data: Buffer): string {
  return `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`;
}

async function initiate(key: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await send('POST', `/${key}?uploads`, headers);
  expect(response.status).toBe(200);
  return xmlField(response.body, 'UploadId') ?? '';
}

beforeAll(async () => {
  server = await startOssServer({ allowAnonymous: true });
});

beforeEach(() => {
  for (const key of server.listKeys(BUCKET)) server.deleteObject(BUCKET, key);
});

afterAll(async () => {
  await server.close();
});

describe('routing', () => {
  it.each([
    ['GET', '/', { Host: `127.0.0.1` }, 501, 'NotImplemented'],
    ['PUT', '/', {}, 501, 'NotImplemented'],
    ['GET', '/key.txt?acl', {}, 501, 'NotImplemented'],
    ['GET', '/key.txt?x-oss-process=image/resize', {}, 501, 'NotImplemented'],
    ['PATCH', '/key.txt', {}, 501, 'NotImplemented'],
    ['POST', '/key.txt', {}, 501, 'NotImplemented'],
    ['GET', '/bad%E0%A4%A.txt', {}, 400, 'InvalidArgument'],
    ['GET', '/x.txt?a=%ZZ', {}, 400, 'InvalidArgument'],
    ['GET', '/x.txt', { Host: 'other-bucket.oss-cn-hangzhou.aliyuncs.com' }, 404, 'NoSuchBucket'],
    ['GET', '/other-bucket/x.txt', { Host: '127.0.0.1' }, 404, 'NoSuchBucket'],
  ])('%s %s %j → %i %s', async (method, path, headers, status, code) => {
    const response = await send(method, path, headers);
    expect(response.status).toBe(status);
    expect(xmlField(response.body, 'Code')).toBe(code);
  });

  it('resolves path-style requests, including bucket-level ones', async () => {
    server.putObject(BUCKET, 'dir/a.txt', 'a');
    const get = await send('GET', `/${BUCKET}/dir/a.txt`, { Host: 'localhost' });
    expect(get).toMatchObject({ status: 200, body: 'a' });
    const list = await send('GET', `/${BUCKET}?prefix=dir%2F`, { Host: 'localhost' });
    expect(xmlFields(list.body, 'Key')).toEqual(['dir/a.txt']);
  });

  it('sends the error XML of a failed HEAD base64-encoded in x-oss-err', async () => {
    server.putObject(BUCKET, 'h.txt', 'h');
    const response = await send('HEAD', '/h.txt', { 'If-Match': '"nope"' });
    expect(response.status).toBe(412);
    expect(response.body).toBe('');
    const decoded = Buffer.from(String(response.headers['x-oss-err']), 'base64').toString('utf8');
    expect(xmlField(decoded, 'Code')).toBe('PreconditionFailed');
    expect(xmlField(decoded, 'Condition')).toBe('If-Match');
  });
});

describe('object names', () => {
  it.each([
    ['a backslash start', '/%5Cx.txt'],
    ['a slash start (vhost "//x")', '//x.txt'],
    ['1024 bytes', `/${'k'.repeat(1024)}`],
  ])('rejects %s with InvalidObjectName', async (_what, path) => {
    const response = await send('PUT', path, {}, 'x');
    expect(response.status).toBe(400);
    expect(xmlField(response.body, 'Code')).toBe('InvalidObjectName');
  });

  it('accepts 1023 bytes', async () => {
    expect((await send('PUT', `/${'k'.repeat(1023)}`, {}, 'x')).status).toBe(200);
  });

  it('orders keys by UTF-8 bytes, like OSS', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 500, seed: 7 },
    );
    // The case UTF-16 gets wrong: U+FF5E sorts before U+1F600 in UTF-8.
    expect(compareKeys('\u{FF5E}', '\u{1F600}')).toBeLessThan(0);
    expect(compareKeys('\u{1F600}', '\u{FF5E}')).toBeGreaterThan(0);
  });
});

describe('GetObject edge cases', () => {
  beforeEach(() => {
    server.putObject(BUCKET, 'g.txt', '0123456789', { contentType: 'text/plain', userMeta: { Source: 'seed' } });
  });

  it.each([
    ['bytes=3-', 206, '3456789', 'bytes 3-9/10'],
    ['bytes=8-100', 206, '89', 'bytes 8-9/10'],
    ['bytes=5-2', 200, '0123456789', undefined],
    ['bytes=1-2,4-5', 200, '0123456789', undefined],
    ['items=0-1', 200, '0123456789', undefined],
  ])('Range %s → %i', async (range, status, body, contentRange) => {
    const response = await send('GET', '/g.txt', { Range: range });
    expect(response).toMatchObject({ status, body });
    expect(response.headers['content-range']).toBe(contentRange);
  });

  it('answers a ranged HEAD with the range length', async () => {
    const response = await send('HEAD', '/g.txt', { Range: 'bytes=0-3' });
    expect(response.status).toBe(206);
    expect(response.headers['content-length']).toBe('4');
  });

  it('applies If-Modified-Since / If-Unmodified-Since at second precision', async () => {
    const later = new Date(Date.now() + 60_000).toUTCString();
    const earlier = new Date(Date.now() - 60_000).toUTCString();
    expect((await send('GET', '/g.txt', { 'If-Modified-Since': later })).status).toBe(304);
    expect((await send('GET', '/g.txt', { 'If-Modified-Since': earlier })).status).toBe(200);
    expect((await send('GET', '/g.txt', { 'If-Unmodified-Since': earlier })).status).toBe(412);
    expect((await send('GET', '/g.txt', { 'If-Unmodified-Since': 'not a date' })).status).toBe(200);
    expect((await send('GET', '/g.txt', { 'If-None-Match': '"other", *' })).status).toBe(304);
  });

  it('overrides response headers with response-* parameters and returns seeded metadata', async () => {
    const response = await send('GET', '/g.txt?response-content-type=application%2Fjson&response-cache-control=no-cache');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-oss-meta-source']).toBe('seed');
    expect(response.headers['x-oss-object-type']).toBe('Normal');
  });

  it('stores standard content headers and user metadata from a PUT', async () => {
    const put = await send(
      'PUT',
      '/h.gz',
      {
        'Content-Type': 'application/gzip',
        'Content-Encoding': 'gzip',
        'Content-Disposition': 'attachment',
        'x-oss-meta-records': '12',
      },
      'zz',
    );
    expect(put.status).toBe(200);
    const head = await send('HEAD', '/h.gz');
    expect(head.headers).toMatchObject({
      'content-type': 'application/gzip',
      'content-encoding': 'gzip',
      'content-disposition': 'attachment',
      'x-oss-meta-records': '12',
      'content-length': '2',
    });
  });
});

describe('CopyObject edge cases', () => {
  beforeEach(() => {
    server.putObject(BUCKET, 'src.txt', 'source');
  });

  it.each([
    ['/cdr-export/src.txt?versionId=1', {}, 501, 'NotImplemented'],
    ['src.txt', {}, 400, 'InvalidArgument'],
    ['/cdr-export/%E0%A4%A', {}, 400, 'InvalidArgument'],
    ['/elsewhere/src.txt', {}, 404, 'NoSuchBucket'],
    ['/cdr-export/src.txt', { 'x-oss-metadata-directive': 'MERGE' }, 400, 'InvalidArgument'],
    ['/cdr-export/src.txt', { 'x-oss-copy-source-if-match': '"nope"' }, 412, 'PreconditionFailed'],
  ])('x-oss-copy-source %s %j → %i %s', async (source, headers, status, code) => {
    const response = await send('PUT', '/dst.txt', { 'x-oss-copy-source': source, ...headers });
    expect(response.status).toBe(status);
    expect(xmlField(response.body, 'Code')).toBe(code);
  });

  it('answers 304 for a matching x-oss-copy-source-if-none-match', async () => {
    const etag = server.getObject(BUCKET, 'src.txt')?.meta.etag ?? '';
    const response = await send('PUT', '/dst.txt', { 'x-oss-copy-source': '/cdr-export/src.txt', 'x-oss-copy-source-if-none-match': etag });
    expect(response.status).toBe(304);
    expect(server.getObject(BUCKET, 'dst.txt')).toBeUndefined();
  });
});

describe('listing edge cases', () => {
  it.each([
    ['max-keys=1001', 'InvalidArgument'],
    ['max-keys=-1', 'InvalidArgument'],
    ['max-keys=ten', 'InvalidArgument'],
    ['encoding-type=base64', 'InvalidArgument'],
    ['list-type=2&continuation-token=', 'InvalidArgument'],
  ])('rejects ?%s', async (query, code) => {
    const response = await send('GET', `/?${query}`);
    expect(response.status).toBe(400);
    expect(xmlField(response.body, 'Code')).toBe(code);
  });

  it('echoes ListObjectsV2 parameters and encodes keys with encoding-type=url', async () => {
    server.putObject(BUCKET, 'v2/中 1', 'x');
    server.putObject(BUCKET, 'v2/中 2', 'x');
    const response = await send('GET', '/?list-type=2&prefix=v2%2F&start-after=v2%2F&max-keys=1&encoding-type=url');
    expect(xmlField(response.body, 'Prefix')).toBe('v2%2F');
    expect(xmlField(response.body, 'StartAfter')).toBe('v2%2F');
    expect(xmlField(response.body, 'EncodingType')).toBe('url');
    expect(xmlFields(response.body, 'Key')).toEqual(['v2%2F%E4%B8%AD%201']);
    expect(xmlField(response.body, 'KeyCount')).toBe('1');
    expect(xmlField(response.body, 'IsTruncated')).toBe('true');
  });

  it('pages ListMultipartUploads with key-marker and upload-id-marker', async () => {
    const a1 = await initiate('mpu/a');
    const a2 = await initiate('mpu/a');
    const b1 = await initiate('mpu/b');

    const page1 = await send('GET', '/?uploads&prefix=mpu%2F&max-uploads=2');
    expect(xmlField(page1.body, 'IsTruncated')).toBe('true');
    const keyMarker = xmlField(page1.body, 'NextKeyMarker') ?? '';
    const idMarker = xmlField(page1.body, 'NextUploadIdMarker') ?? '';
    const page2 = await send('GET', `/?uploads&prefix=mpu%2F&max-uploads=2&key-marker=${encodeURIComponent(keyMarker)}&upload-id-marker=${idMarker}`);
    expect(xmlField(page2.body, 'IsTruncated')).toBe('false');
    // Uploads of one key come in initiation order, even within one millisecond.
    expect([...xmlFields(page1.body, 'UploadId'), ...xmlFields(page2.body, 'UploadId')]).toEqual([a1, a2, b1]);
    expect([...xmlFields(page1.body, 'Key'), ...xmlFields(page2.body, 'Key')]).toEqual(['mpu/a', 'mpu/a', 'mpu/b']);
    const skipKey = await send('GET', '/?uploads&prefix=mpu%2F&key-marker=mpu%2Fa');
    expect(xmlFields(skipKey.body, 'UploadId')).toEqual([b1]);
    for (const [key, id] of [
      ['mpu/a', a1],
      ['mpu/a', a2],
      ['mpu/b', b1],
    ] as const) {
      expect((await send('DELETE', `/${key}?uploadId=${id}`)).status).toBe(204);
    }
  });
});

describe('multipart edge cases', () => {
  it('checks create-only at initiation', async () => {
    server.putObject(BUCKET, 'exists.bin', 'x');
    const response = await send('POST', '/exists.bin?uploads', { 'x-oss-forbid-overwrite': 'true' });
    expect(response.status).toBe(409);
    expect(xmlField(response.body, 'EC')).toBe('0026-00000201');
  });

  it.each(['0', '10001', 'one', ''])('rejects partNumber=%j', async (partNumber) => {
    const uploadId = await initiate('pn.bin');
    const response = await send('PUT', `/pn.bin?partNumber=${partNumber}&uploadId=${uploadId}`, {}, 'x');
    expect(response.status).toBe(400);
    expect(xmlField(response.body, 'Code')).toBe('InvalidArgument');
    await send('DELETE', `/pn.bin?uploadId=${uploadId}`);
  });

  it('rejects an upload ID of another key or an unknown one', async () => {
    const uploadId = await initiate('owner.bin');
    const wrongKey = await send('PUT', `/other.bin?partNumber=1&uploadId=${uploadId}`, {}, 'x');
    expect(xmlField(wrongKey.body, 'Code')).toBe('NoSuchUpload');
    const unknown = await send('GET', '/owner.bin?uploadId=FFFF');
    expect(unknown.status).toBe(404);
    expect(xmlField(unknown.body, 'Code')).toBe('NoSuchUpload');
    await send('DELETE', `/owner.bin?uploadId=${uploadId}`);
  });

  it('validates the CompleteMultipartUpload document and part order', async () => {
    const uploadId = await initiate('order.bin');
    const p1 = Buffer.alloc(100 * KIB, 1);
    const p2 = Buffer.alloc(10, 2);
    await send('PUT', `/order.bin?partNumber=1&uploadId=${uploadId}`, {}, p1);
    await send('PUT', `/order.bin?partNumber=2&uploadId=${uploadId}`, {}, p2);
    const part = (n: number, etag: string): string => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`;
    const doc = (...parts: string[]): string => `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`;

    const cases: Array<[string, string]> = [
      ['not xml', 'MalformedXML'],
      [doc(), 'MalformedXML'],
      [doc('<Part><PartNumber>x</PartNumber><ETag>"a"</ETag></Part>'), 'MalformedXML'],
      [doc(part(2, md5Etag(p2)), part(1, md5Etag(p1))), 'InvalidPartOrder'],
      [doc(part(1, md5Etag(p1)), part(3, md5Etag(p2))), 'InvalidPart'],
    ];
    for (const [body, code] of cases) {
      const response = await send('POST', `/order.bin?uploadId=${uploadId}`, {}, body);
      expect([response.status, xmlField(response.body, 'Code')]).toEqual([400, code]);
    }

    // Entity-escaped quotes in ETags are fine.
    const escaped = md5Etag(p1).replace(/"/g, '&quot;');
    const done = await send('POST', `/order.bin?uploadId=${uploadId}`, {}, doc(part(1, escaped), part(2, md5Etag(p2))));
    expect(done.status).toBe(200);
    expect(xmlField(done.body, 'Location')).toBe(`http://${BUCKET}.oss-cn-hangzhou.aliyuncs.com/order.bin`);
    expect(server.getObject(BUCKET, 'order.bin')?.meta.size).toBe(100 * KIB + 10);
  });

  it('completes with every uploaded part on x-oss-complete-all: yes', async () => {
    const uploadId = await initiate('all.bin', { 'Content-Type': 'application/x-ndjson', 'x-oss-meta-run': '3' });
    await send('PUT', `/all.bin?partNumber=2&uploadId=${uploadId}`, {}, 'second');
    await send('PUT', `/all.bin?partNumber=1&uploadId=${uploadId}`, {}, Buffer.alloc(100 * KIB, 65));
    expect((await send('POST', `/all.bin?uploadId=${uploadId}`, { 'x-oss-complete-all': 'yes' }, 'body')).status).toBe(400);

    const done = await send('POST', `/all.bin?uploadId=${uploadId}`, { 'x-oss-complete-all': 'yes' });

    expect(done.status).toBe(200);
    const stored = server.getObject(BUCKET, 'all.bin');
    expect(stored?.body.subarray(-6).toString()).toBe('second');
    expect(stored?.meta).toMatchObject({ contentType: 'application/x-ndjson', userMeta: { run: '3' } });
  });

  it('pages ListParts with max-parts and part-number-marker', async () => {
    const uploadId = await initiate('lp.bin');
    for (const n of [3, 1, 2]) await send('PUT', `/lp.bin?partNumber=${n}&uploadId=${uploadId}`, {}, `p${n}`);
    const page1 = await send('GET', `/lp.bin?uploadId=${uploadId}&max-parts=2`);
    expect(xmlFields(page1.body, 'PartNumber')).toEqual(['1', '2']);
    expect(xmlField(page1.body, 'NextPartNumberMarker')).toBe('2');
    expect(xmlField(page1.body, 'IsTruncated')).toBe('true');
    const page2 = await send('GET', `/lp.bin?uploadId=${uploadId}&part-number-marker=2`);
    expect(xmlFields(page2.body, 'PartNumber')).toEqual(['3']);
    await send('DELETE', `/lp.bin?uploadId=${uploadId}`);
  });
});

describe('limits', () => {
  it('refuses a declared body above 5 GiB before reading it', async () => {
    const response = await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'PUT',
          path: '/huge.bin',
          headers: { Host: HOST, 'Content-Length': String(6 * 1024 ** 3) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
          });
        },
      );
      req.on('error', reject);
      req.write('x');
    });
    expect(response.status).toBe(400);
    expect(xmlField(response.body, 'Code')).toBe('EntityTooLarge');
  });
});

describe('server options and helpers', () => {
  it.each([
    [{ region: 'cn-hangzhou' }, 'Expected region like "oss-cn-hangzhou", got "cn-hangzhou".'],
    [{ buckets: ['Bad_Bucket'] }, 'Expected bucket names of 3-63 lower-case letters, digits and hyphens, got "Bad_Bucket".'],
    [{ credentials: [] }, 'Expected at least one entry in credentials, got none.'],
    [
      {
        credentials: [
          { accessKeyId: 'a', accessKeySecret: 'b' },
          { accessKeyId: 'a', accessKeySecret: 'c' },
        ],
      },
      'Expected unique accessKeyIds in credentials, got "a" twice.',
    ],
    [{ maxClockSkewMs: -1 }, 'Expected maxClockSkewMs >= 0, got -1.'],
    [{ faults: { latencyMs: -5 } }, 'Expected faults.latencyMs to be >= 0, got -5.'],
    [{ faults: { failNext: [{ status: 500 as const, count: 1.5 }] } }, 'Expected faults.failNext[].count to be an integer >= 0, got 1.5.'],
  ])('rejects %j', async (options, message) => {
    await expect(startOssServer(options)).rejects.toThrow(message);
  });

  it('names unknown buckets and invalid seed keys in helper errors', () => {
    expect(() => server.listKeys('nope')).toThrow('Bucket "nope" is not configured; configured: cdr-export.');
    expect(() => server.putObject(BUCKET, '/abs', 'x')).toThrow('Cannot seed "/abs"');
  });

  it('serves several buckets and keeps them apart', async () => {
    const multi = await startOssServer({ buckets: ['alpha-1', 'beta-2'], allowAnonymous: true });
    try {
      multi.putObject('alpha-1', 'k', 'a');
      expect(multi.listKeys('alpha-1')).toEqual(['k']);
      expect(multi.listKeys('beta-2')).toEqual([]);
      expect(multi.url).toBe(`http://127.0.0.1:${multi.port}`);
      expect(multi.region).toBe('oss-cn-hangzhou');
    } finally {
      await multi.close();
    }
  });
});
