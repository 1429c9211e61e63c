import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { OssServer } from '../../dev/oss';
import type { RawCallRecord } from '../../dev/aiccs';
import { parseManifest, type PartitionManifest } from '../../lib/contracts/manifest';

export interface ExportContents {
  manifests: PartitionManifest[];
  /** Record ids from every manifest-listed file, in file order (duplicates kept, so tests can see them). */
  ids: string[];
  /** Data files present under the instance that no manifest lists. */
  unlisted: string[];
}

/**
 * Reads an export the way a data-lake reader must: manifests first, then
 * exactly the files they list. Checks each file's MD5, size and record count
 * against its manifest entry.
 */
export function readExport(server: OssServer, bucket: string, prefix: string, instanceId: string): ExportContents {
  const root = `${prefix}/instance=${instanceId}/`;
  const keys = server.listKeys(bucket, root);
  const manifests: PartitionManifest[] = [];
  const ids: string[] = [];
  const listed = new Set<string>();
  for (const key of keys.filter((candidate) => candidate.endsWith('/_manifest.json'))) {
    const manifest = parseManifest(server.getObject(bucket, key)?.body ?? Buffer.alloc(0));
    if (!manifest) throw new Error(`manifest ${key} does not parse`);
    manifests.push(manifest);
    let count = 0;
    for (const file of manifest.files) {
      listed.add(file.key);
      const stored = server.getObject(bucket, file.key);
      if (!stored) throw new Error(`${key} lists ${file.key}, which does not exist`);
      if (createHash('md5').update(stored.body).digest('hex') !== file.md5) throw new Error(`${file.key}: MD5 differs from its manifest entry`);
      if (stored.body.length !== file.bytes) throw new Error(`${file.key}: size differs from its manifest entry`);
      const text = gunzipSync(stored.body).toString('utf8');
      const rows =
        file.format === 'csv'
          ? csvIds(text)
          : text
              .split('\n')
              .filter(Boolean)
              .map((line) => (JSON.parse(line) as { id: string }).id);
      if (rows.length !== file.records) throw new Error(`${file.key}: ${rows.length} records, manifest says ${file.records}`);
      count += rows.length;
      ids.push(...rows);
    }
    if (count !== manifest.recordCount) throw new Error(`${key}: files hold ${count} records, manifest says ${manifest.recordCount}`);
  }
  const unlisted = keys.filter((key) => /\/part-[^/]+$/.test(key) && !listed.has(key));
  return { manifests, ids, unlisted };
}

/** The id column of our CSV (second column, quoted; instance ids and ids never contain commas or quotes). */
function csvIds(text: string): string[] {
  const lines = text.split('\r\n').filter(Boolean);
  if (!lines[0]?.startsWith('instanceId,id,')) throw new Error('CSV header missing');
  return lines.slice(1).map((line) => (line.split(',')[1] ?? '').replace(/^"(.*)"$/, '$1'));
}

/** Epoch ms of a wire CreateTime (UTC+08:00). */
export const wireEpoch = (record: Pick<RawCallRecord, 'CreateTime'>) => Date.parse(`${record.CreateTime.replace(' ', 'T')}+08:00`);

/** Source ids whose CreateTime falls in [from, to). */
export function sourceIds(records: readonly RawCallRecord[], from: number, to: number): string[] {
  return records.filter((record) => wireEpoch(record) >= from && wireEpoch(record) < to).map((record) => record.Id);
}

/** Asserts two id lists hold the same ids, each exactly once; returns a description of any difference. */
export function exactlyOnceDiff(exported: readonly string[], expected: readonly string[]): { lost: number; duplicates: number; extra: number } {
  const counts = new Map<string, number>();
  for (const id of exported) counts.set(id, (counts.get(id) ?? 0) + 1);
  const wanted = new Set(expected);
  let duplicates = 0;
  let extra = 0;
  for (const [id, count] of counts) {
    if (count > 1) duplicates += count - 1;
    if (!wanted.has(id)) extra++;
  }
  const lost = expected.filter((id) => !counts.has(id)).length;
  return { lost, duplicates, extra };
}
