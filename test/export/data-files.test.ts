import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDataFileWriter, serializeRecord } from '../../lib/export/data-files';
import { RECORD_FIELDS, type NormalizedCallRecord } from '../../lib/contracts/call-record';
import { normalizeRecords } from '../../lib/records/normalize';
import { aWireRecord } from '../builders/records';

const records = normalizeRecords(
  Array.from({ length: 10 }, (_, i) => aWireRecord({ Id: `id-${String(i).padStart(2, '0')}`, CreateTime: `2026-11-24 08:00:${String(59 - i).padStart(2, '0')}` })),
  { instanceId: 'i1', sourceTimeZone: 'Asia/Shanghai' },
);

async function collect(list: readonly NormalizedCallRecord[], format: 'jsonl' | 'csv', limits: { maxRecords: number; maxBytes: number }) {
  const writer = createDataFileWriter(format, limits);
  for (const record of list) await writer.add(serializeRecord(record, format));
  return writer.finish();
}

describe('createDataFileWriter', () => {
  it('writes gzip JSON Lines with a correct MD5, one record per line, in the order given', async () => {
    const [file, ...rest] = await collect(records, 'jsonl', { maxRecords: 100, maxBytes: 1 << 20 });
    expect(rest).toHaveLength(0);
    const text = gunzipSync(file?.body ?? Buffer.alloc(0)).toString('utf8');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toStrictEqual(records);
    expect(file?.md5Hex).toBe(
      createHash('md5')
        .update(file?.body ?? '')
        .digest('hex'),
    );
    expect(file?.records).toBe(10);
    expect(file?.uncompressedBytes).toBe(Buffer.byteLength(text));
  });

  it('rolls at the record limit and at the byte limit, never splitting a record', async () => {
    expect((await collect(records, 'jsonl', { maxRecords: 4, maxBytes: 1 << 20 })).map((file) => file.records)).toStrictEqual([4, 4, 2]);
    const lineBytes = Buffer.byteLength(serializeRecord(records[0] as NormalizedCallRecord, 'jsonl'));
    expect((await collect(records, 'jsonl', { maxRecords: 100, maxBytes: lineBytes * 3 + 10 })).map((file) => file.records)).toStrictEqual([3, 3, 3, 1]);
    // A single record larger than the limit still gets a file of its own.
    expect((await collect(records.slice(0, 2), 'jsonl', { maxRecords: 100, maxBytes: 10 })).map((file) => file.records)).toStrictEqual([1, 1]);
    expect(await collect([], 'jsonl', { maxRecords: 100, maxBytes: 10 })).toStrictEqual([]);
  });

  it('writes CSV with a header in every file', async () => {
    const files = await collect(records, 'csv', { maxRecords: 6, maxBytes: 1 << 20 });
    expect(files).toHaveLength(2);
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

  it('streams files larger than one gzip chunk and reads back every line', async () => {
    const many = normalizeRecords(
      Array.from({ length: 4_000 }, (_, i) => aWireRecord({ Id: `r${i}` })),
      { instanceId: 'i', sourceTimeZone: 'Asia/Shanghai' },
    );
    const [file] = await collect(many, 'jsonl', { maxRecords: 1e6, maxBytes: 1e9 });
    expect(file?.uncompressedBytes).toBeGreaterThan(1 << 20);
    const ids = gunzipSync(file?.body ?? Buffer.alloc(0))
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toStrictEqual(many.map((record) => record.id));
  });
});
