import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';

const BUCKET = 'cdr-export';
const CREDENTIALS = { accessKeyId: 'LTAI-disk', accessKeySecret: 'disk-secret' };

let sandbox: string;
let dataDir: string;
let server: OssServer;

function clientFor(target: OssServer): OSS {
  return new OSS({ ...CREDENTIALS, endpoint: target.url, region: 'oss-cn-hangzhou', bucket: BUCKET, authorizationV4: true });
}

function startDisk(): Promise<OssServer> {
  return startOssServer({ credentials: [CREDENTIALS], storage: { kind: 'disk', dir: dataDir }, allowAnonymous: true });
}

/** Anonymous raw PUT (the disk servers here allow it) so the exact path reaches the server unaltered. */
function rawPut(target: OssServer, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: 'PUT',
        path,
        headers: { Host: `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`, 'Content-Length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  sandbox = mkdtempSync(join(tmpdir(), 'oss-disk-test-'));
  dataDir = join(sandbox, 'data');
  server = await startDisk();
});

afterAll(async () => {
  await server.close();
  rmSync(sandbox, { recursive: true, force: true });
});

describe('disk storage', () => {
  it('writes each object as a real file a person can open, with a JSON sidecar', async () => {
    const records = '{"id":"a"}\n{"id":"b"}\n';
    const key = 'exports/dt=2024-03-08/hour=00/part-00001.jsonl.gz';

    await clientFor(server).put(key, gzipSync(records), { meta: { records: '2' } as unknown as OSS.UserMeta });

    const file = join(dataDir, BUCKET, ...key.split('/'));
    expect(gunzipSync(readFileSync(file)).toString()).toBe(records);
    const sidecars = readdirSync(join(dataDir, '.oss-meta', BUCKET));
    expect(sidecars).toHaveLength(1);
    const sidecar = JSON.parse(readFileSync(join(dataDir, '.oss-meta', BUCKET, sidecars[0] ?? ''), 'utf8')) as {
      key: string;
      meta: { userMeta: Record<string, string>; contentType: string };
    };
    expect(sidecar.key).toBe(key);
    expect(sidecar.meta.userMeta).toEqual({ records: '2' });
    expect(sidecar.meta.contentType).toBe('application/gzip');
  });

  it('keeps objects across a restart and adopts files dropped in by hand', async () => {
    await clientFor(server).put('persist/state.json', Buffer.from('{"watermark":1}'), {
      headers: { 'Content-Type': 'application/json' },
    });
    mkdirSync(join(dataDir, BUCKET, 'manual'), { recursive: true });
    writeFileSync(join(dataDir, BUCKET, 'manual', 'note.txt'), 'dropped in');
    await server.close();

    server = await startDisk();

    const client = clientFor(server);
    const state = await client.get('persist/state.json');
    expect(state.content.toString()).toBe('{"watermark":1}');
    expect((state.res.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect((await client.get('manual/note.txt')).content.toString()).toBe('dropped in');
    expect(server.listKeys(BUCKET)).toEqual(['exports/dt=2024-03-08/hour=00/part-00001.jsonl.gz', 'manual/note.txt', 'persist/state.json']);
  });

  it('deletes the file, its sidecar, and the directories it emptied', async () => {
    const client = clientFor(server);
    await client.put('tmp/a/b/c.txt', Buffer.from('c'));
    expect(existsSync(join(dataDir, BUCKET, 'tmp', 'a', 'b', 'c.txt'))).toBe(true);

    await client.delete('tmp/a/b/c.txt');

    expect(existsSync(join(dataDir, BUCKET, 'tmp'))).toBe(false);
    expect(server.listKeys(BUCKET, 'tmp/')).toEqual([]);
  });

  it('forgets an object whose file was deleted by hand', async () => {
    await clientFor(server).put('gone/x.txt', Buffer.from('x'));
    rmSync(join(dataDir, BUCKET, 'gone', 'x.txt'));
    await expect(clientFor(server).get('gone/x.txt')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('rejects a key that would need a path to be both a file and a directory', async () => {
    const client = clientFor(server);
    await client.put('clash', Buffer.from('file'));
    await expect(client.put('clash/child.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'InvalidObjectName',
      status: 400,
    });
    expect(server.getObject(BUCKET, 'clash')?.body.toString()).toBe('file');
  });
});

describe('disk storage edge cases', () => {
  it('rejects a key whose path is already a directory of other keys', async () => {
    const client = clientFor(server);
    await client.put('nest/inner/leaf.txt', Buffer.from('leaf'));
    await expect(client.put('nest/inner', Buffer.from('x'))).rejects.toMatchObject({ code: 'InvalidObjectName', status: 400 });
    expect(server.getObject(BUCKET, 'nest/inner/leaf.txt')?.body.toString()).toBe('leaf');
  });

  it('describes a file edited by hand by its real bytes', async () => {
    await clientFor(server).put('edit/me.txt', Buffer.from('before'));
    writeFileSync(join(dataDir, BUCKET, 'edit', 'me.txt'), 'after, and longer');
    const got = await clientFor(server).get('edit/me.txt');
    expect(got.content.toString()).toBe('after, and longer');
    expect((got.res.headers as Record<string, string>)['content-length']).toBe(String('after, and longer'.length));
  });

  it('refuses to follow a symbolic link out of the bucket directory', async () => {
    const outside = join(sandbox, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(dataDir, BUCKET, 'link'));
    try {
      const response = await rawPut(server, '/link/new/escaped.txt', 'x');
      expect(response.status).toBe(400);
      expect(response.body).toContain('<Code>InvalidObjectName</Code>');
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(join(dataDir, BUCKET, 'link'));
      rmSync(outside, { recursive: true });
    }
  });

  it('skips unreadable sidecars and drops sidecars whose file is gone on restart', async () => {
    const metaDir = join(dataDir, '.oss-meta', BUCKET);
    writeFileSync(join(metaDir, 'garbage.json'), '{ not json');
    writeFileSync(join(metaDir, 'stale.json'), JSON.stringify({ key: 'never/existed.txt', meta: { etag: '"X"' } }));
    await server.close();

    server = await startDisk();

    expect(server.listKeys(BUCKET, 'never/')).toEqual([]);
    expect(existsSync(join(metaDir, 'stale.json'))).toBe(false);
    expect(existsSync(join(metaDir, 'garbage.json'))).toBe(true);
    rmSync(join(metaDir, 'garbage.json'));
  });
});

describe('path traversal', () => {
  it.each([
    '/../escaped.txt',
    '/..%2Fescaped.txt',
    '/%2E%2E/escaped.txt',
    '/a/../../escaped.txt',
    '/a/%2e%2e/%2e%2e/escaped.txt',
    '/a/./b.txt',
    '/a//b.txt',
    '/..%5Cescaped.txt',
  ])('answers 400 InvalidObjectName for %s and writes nothing outside the bucket', async (path) => {
    const before = readdirSync(sandbox).sort();

    const response = await rawPut(server, path, 'attack');

    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidObjectName</Code>');
    expect(readdirSync(sandbox).sort()).toEqual(before);
    expect(existsSync(join(dataDir, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(sandbox, 'escaped.txt'))).toBe(false);
  });

  it('cannot even be sent by ali-oss: its URL handling drops the dot segments, so the signature fails', async () => {
    // ali-oss signs "/cdr-export/../outside.txt" but requests "/outside.txt" (real OSS would refuse it the same way).
    await expect(clientFor(server).put('../outside.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    expect(existsSync(join(dataDir, 'outside.txt'))).toBe(false);
    expect(server.listKeys(BUCKET).some((key) => key.includes('outside'))).toBe(false);
  });

  it('treats the same keys as opaque names in memory storage, as OSS does', async () => {
    const memory = await startOssServer({ allowAnonymous: true });
    try {
      const response = await rawPut(memory, '/../opaque.txt', 'fine');
      expect(response.status).toBe(200);
      expect(memory.listKeys(BUCKET)).toEqual(['../opaque.txt']);
    } finally {
      await memory.close();
    }
  });
});
