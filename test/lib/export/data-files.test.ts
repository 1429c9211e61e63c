import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareForExport, toDataFiles } from '../../../lib/export/data-files';
import { RECORD_FIELDS } from '../../../lib/records/call-record';
import { normalizeRecords } from '../../../lib/records/normalize';
import { aWireRecord } from '../../builders/records';

const records = normalizeRecords(
  Array.from({ length: 10 }, (_, i) => aWireRecord({ Id: `id-${String(i).padStart(2, '0')}`, CreateTime: `2026-11-24 08:00:${String(59 - i).padStart(2, '0')}` })),
  { instanceId: 'i1', sourceTimeZone: 'Asia/Shanghai' },
);

async function collect(...args: Parameters<typeof toDataFiles>) {
  const files = [];
  for await (const file of toDataFiles(...args)) files.push(file);
  return files;
}

describe('toDataFiles', () => {
  it('writes gzip JSON Lines with a correct MD5, one record per line', async () => {
    const [file, ...rest] = await collect(records, 'jsonl', { maxRecords: 100, maxBytes: 1 << 20 });
    expect(rest).toHaveLength(0);
    const text = gunzipSync(file?.body ?? Buffer.alloc(0)).toString('utf8');
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line))).toStrictEqual(records);
    expect(file?.md5Hex).toBe(createHash('md5').update(file?.body ?? '').digest('hex'));
    expect(file?.records).toBe(10);
    expect(file?.uncompressedBytes).toBe(Buffer.byteLength(text));
  });

  it('rolls at the record limit and at the byte limit, never splitting a record', async () => {
    expect((await collect(records, 'jsonl', { maxRecords: 4, maxBytes: 1 << 20 })).map((file) => file.records)).toStrictEqual([4, 4, 2]);
    const lineBytes = Buffer.byteLength(`${JSON.stringify(records[0])}\n`);
    expect((await collect(records, 'jsonl', { maxRecords: 100, maxBytes: lineBytes * 3 + 10 })).map((file) => file.records)).toStrictEqual([3, 3, 3, 1]);
    // A single record larger than the limit still gets a file of its own.
    expect((await collect(records.slice(0, 2), 'jsonl', { maxRecords: 100, maxBytes: 10 })).map((file) => file.records)).toStrictEqual([1, 1]);
  });

  it('writes CSV with a header in every file', async () => {
    const files = await collect(records, 'csv', { maxRecords: 6, maxBytes: 1 << 20 });
    for (const file of files) {
      const lines = gunzipSync(file.body).toString('utf8').split('\r\n');
      expect(lines[0]).toBe(RECORD_FIELDS.join(','));
      expect(lines.filter((line) => line !== '').length - 1).toBe(file.records);
    }
  });

  it('produces byte-identical files for the same records (reruns find their own files)', async () => {
    const first = await collect(records, 'jsonl', { maxRecords: 100, maxBytes: 1 << 20 });
    const second = await collect([...records], 'jsonl', { maxRecords: 100, maxBytes: 1 << 20 });
    expect(second.map((file) => file.md5Hex)).toStrictEqual(first.map((file) => file.md5Hex));
  });
});

describe('compareForExport', () => {
  it('orders by createTime ascending across offsets, then by id', () => {
    const sorted = [...records].reverse().sort(compareForExport).map((record) => record.id);
    expect(sorted).toStrictEqual([...records].map((record) => record.id).reverse());
    const [a, b] = normalizeRecords([aWireRecord({ Id: 'b', CreateTime: '2026-11-24 08:00:00' }), aWireRecord({ Id: 'a', CreateTime: '2026-11-24 08:00:00' })], { instanceId: 'i', sourceTimeZone: 'Asia/Shanghai' });
    expect([a, b].filter((record) => record !== undefined).sort(compareForExport).map((record) => record.id)).toStrictEqual(['a', 'b']);
  });
});
