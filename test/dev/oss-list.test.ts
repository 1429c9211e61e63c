import fc from 'fast-check';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOssServer } from '../../dev/oss/index';
import type { OssServer } from '../../dev/oss/index';

const BUCKET = 'cdr-export';
const CREDENTIALS = { accessKeyId: 'LTAI-list', accessKeySecret: 'list-secret' };

let server: OssServer;
let client: OSS;

const KEYS_25 = Array.from({ length: 25 }, (_, i) => `page/k${String(i).padStart(2, '0')}.jsonl.gz`);

async function listAllV2(query: OSS.ListV2ObjectsQuery): Promise<{ names: string[]; prefixes: string[]; pages: number }> {
  const names: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    // Strip undefined: ali-oss V4 signs a different query than it sends otherwise (oss.md §3.3).
    const page = await client.listV2(token === undefined ? query : { ...query, 'continuation-token': token });
    pages += 1;
    names.push(...page.objects.map((o) => o.name));
    prefixes.push(...(page.prefixes ?? []));
    token = page.isTruncated ? (page.nextContinuationToken ?? undefined) : undefined;
    if (page.isTruncated && token === undefined) throw new Error('truncated page without NextContinuationToken');
  } while (token !== undefined);
  return { names, prefixes, pages };
}

beforeAll(async () => {
  server = await startOssServer({ credentials: [CREDENTIALS] });
  client = new OSS({ ...CREDENTIALS, endpoint: server.url, region: 'oss-cn-hangzhou', bucket: BUCKET, authorizationV4: true });
  for (const key of KEYS_25) server.putObject(BUCKET, key, `body ${key}`);
  for (const key of ['tree/a/1', 'tree/a/2', 'tree/b/1', 'tree/c', 'tree/d/x/y', 'tree/e']) server.putObject(BUCKET, key, key);
});

afterAll(async () => {
  await server.close();
});

describe('ListObjectsV2', () => {
  it('pages 25 keys by 10: three pages, every key exactly once, in order', async () => {
    const first = await client.listV2({ prefix: 'page/', 'max-keys': 10 });
    expect(first.isTruncated).toBe(true);
    expect(first.keyCount).toBe(10);
    expect(first.nextContinuationToken).toEqual(expect.any(String));

    const all = await listAllV2({ prefix: 'page/', 'max-keys': 10 });

    expect(all.pages).toBe(3);
    expect(all.names).toEqual(KEYS_25);
  });

  it('rolls keys up into CommonPrefixes with a delimiter, counting prefixes against max-keys', async () => {
    const page = await client.listV2({ prefix: 'tree/', delimiter: '/' });
    expect(page.objects.map((o) => o.name)).toEqual(['tree/c', 'tree/e']);
    expect(page.prefixes).toEqual(['tree/a/', 'tree/b/', 'tree/d/']);
    expect(page.keyCount).toBe(5);

    const paged = await listAllV2({ prefix: 'tree/', delimiter: '/', 'max-keys': 1 });
    expect(paged.pages).toBe(5);
    expect(paged.prefixes).toEqual(['tree/a/', 'tree/b/', 'tree/d/']);
    expect(paged.names).toEqual(['tree/c', 'tree/e']);
  });

  it('starts after start-after and returns owners only with fetch-owner', async () => {
    const page = await client.listV2({ prefix: 'page/', 'start-after': 'page/k22.jsonl.gz' });
    expect(page.objects.map((o) => o.name)).toEqual(['page/k23.jsonl.gz', 'page/k24.jsonl.gz']);
    expect(page.objects[0]?.owner).toBeNull();

    const withOwner = await client.listV2({ prefix: 'page/k00', 'fetch-owner': true });
    expect(withOwner.objects[0]?.owner).toEqual({ id: '1234567890123456', displayName: '1234567890123456' });
    expect(withOwner.objects[0]).toMatchObject({ size: 'body page/k00.jsonl.gz'.length, type: 'Normal' });
  });

  it('rejects a continuation token it never issued', async () => {
    await expect(client.listV2({ 'continuation-token': '!!not-a-token' })).rejects.toMatchObject({
      code: 'InvalidArgument',
      status: 400,
    });
  });

  it('returns every key exactly once for arbitrary key sets, page sizes and delimiters', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[ab/中+ ]{1,6}$/), { minLength: 0, maxLength: 14 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('', '/'),
        async (suffixes, maxKeys, delimiter) => {
          run += 1;
          const base = `prop-${run}/`;
          for (const suffix of suffixes) server.putObject(BUCKET, base + suffix, 'x');
          try {
            const listed = await listAllV2({ prefix: base, 'max-keys': maxKeys, ...(delimiter ? { delimiter } : {}) });
            const expectedPrefixes = new Set<string>();
            const expectedNames: string[] = [];
            for (const key of server.listKeys(BUCKET, base)) {
              const cut = delimiter === '' ? -1 : key.indexOf(delimiter, base.length);
              if (cut === -1) expectedNames.push(key);
              else expectedPrefixes.add(key.slice(0, cut + 1));
            }
            expect(listed.names).toEqual(expectedNames);
            expect(listed.prefixes).toEqual([...expectedPrefixes]);
          } finally {
            for (const suffix of suffixes) server.deleteObject(BUCKET, base + suffix);
          }
        },
      ),
      { numRuns: 25, seed: 20240308 },
    );
  });
});

describe('ListObjects (v1)', () => {
  it('returns NextMarker whenever truncated, even without a delimiter (OSS, not S3)', async () => {
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    for (;;) {
      const query: OSS.ListObjectsQuery = marker === undefined ? { prefix: 'page/', 'max-keys': 10 } : { prefix: 'page/', 'max-keys': 10, marker };
      const page = await client.list(query, {});
      pages += 1;
      names.push(...page.objects.map((o) => o.name));
      if (!page.isTruncated) break;
      expect(page.nextMarker).toBe(page.objects.at(-1)?.name);
      marker = page.nextMarker;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(KEYS_25);
  });

  it('includes Owner.ID on every object', async () => {
    const page = await client.list({ prefix: 'tree/', 'max-keys': 100 }, {});
    expect(page.objects).toHaveLength(6);
    expect(page.objects.every((o) => o.owner?.id === '1234567890123456')).toBe(true);
  });

  it('URL-encodes keys with encoding-type=url', async () => {
    server.putObject(BUCKET, 'enc/中 文.txt', 'x');
    const page = await client.list({ prefix: 'enc/', 'max-keys': 10, 'encoding-type': 'url' }, {});
    expect(page.objects.map((o) => o.name)).toEqual(['enc%2F%E4%B8%AD%20%E6%96%87.txt']);
  });
});
