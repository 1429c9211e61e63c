import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
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

interface ListedFile {
  manifestKey: string;
  manifest: PartitionManifest;
  entry: PartitionManifest['files'][number];
  body: Buffer;
}

/** Manifests first, then exactly the files they list, each checked against its entry (MD5, size); plus the data files no manifest lists. */
function listedFiles(server: OssServer, bucket: string, prefix: string, instanceId: string): { manifests: PartitionManifest[]; files: ListedFile[]; unlisted: string[] } {
  const keys = server.listKeys(bucket, `${prefix}/instance=${instanceId}/`);
  const manifests: PartitionManifest[] = [];
  const files: ListedFile[] = [];
  const listed = new Set<string>();
  for (const manifestKey of keys.filter((candidate) => candidate.endsWith('/_manifest.json'))) {
    const manifest = parseManifest(server.getObject(bucket, manifestKey)?.body ?? Buffer.alloc(0));
    if (!manifest) throw new Error(`manifest ${manifestKey} does not parse`);
    manifests.push(manifest);
    for (const entry of manifest.files) {
      listed.add(entry.key);
      const stored = server.getObject(bucket, entry.key);
      if (!stored) throw new Error(`${manifestKey} lists ${entry.key}, which does not exist`);
      if (createHash('md5').update(stored.body).digest('hex') !== entry.md5) throw new Error(`${entry.key}: MD5 differs from its manifest entry`);
      if (stored.body.length !== entry.bytes) throw new Error(`${entry.key}: size differs from its manifest entry`);
      files.push({ manifestKey, manifest, entry, body: stored.body });
    }
  }
  return { manifests, files, unlisted: keys.filter((key) => /\/part-[^/]+$/.test(key) && !listed.has(key)) };
}

/** Checks each file's record count against its entry and each manifest's total; returns the ids in file order. */
function countedIds(files: readonly ListedFile[], idsOf: ReadonlyArray<readonly string[]>): string[] {
  const perManifest = new Map<string, number>();
  const ids: string[] = [];
  files.forEach((file, i) => {
    const rows = idsOf[i] ?? [];
    if (rows.length !== file.entry.records) throw new Error(`${file.entry.key}: ${rows.length} records, manifest says ${file.entry.records}`);
    perManifest.set(file.manifestKey, (perManifest.get(file.manifestKey) ?? 0) + rows.length);
    ids.push(...rows);
  });
  for (const file of files)
    if (perManifest.get(file.manifestKey) !== file.manifest.recordCount)
      throw new Error(`${file.manifestKey}: files hold ${perManifest.get(file.manifestKey)} records, manifest says ${file.manifest.recordCount}`);
  return ids;
}

/** The record ids of a gzip'd JSON Lines or CSV data file. */
function lineFileIds(file: ListedFile): string[] {
  if (file.entry.format === 'parquet') throw new Error(`${file.entry.key} is Parquet: read this export with readExportAsync`);
  const text = gunzipSync(file.body).toString('utf8');
  return file.entry.format === 'csv'
    ? csvIds(text)
    : text
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { id: string }).id);
}

/**
 * Reads an export the way a data-lake reader must: manifests first, then
 * exactly the files they list. Checks each file's MD5, size and record count
 * against its manifest entry. JSON Lines and CSV; readExportAsync also reads Parquet.
 */
export function readExport(server: OssServer, bucket: string, prefix: string, instanceId: string): ExportContents {
  const { manifests, files, unlisted } = listedFiles(server, bucket, prefix, instanceId);
  return { manifests, ids: countedIds(files, files.map(lineFileIds)), unlisted };
}

/** readExport for every format: Parquet files are decoded with hyparquet (an independent reader), whose API is async. */
export async function readExportAsync(server: OssServer, bucket: string, prefix: string, instanceId: string): Promise<ExportContents> {
  const { manifests, files, unlisted } = listedFiles(server, bucket, prefix, instanceId);
  const idsOf = await Promise.all(
    files.map(async (file) => {
      if (file.entry.format !== 'parquet') return lineFileIds(file);
      const buffer = file.body.buffer.slice(file.body.byteOffset, file.body.byteOffset + file.body.byteLength) as ArrayBuffer;
      return (await parquetReadObjects({ file: buffer, columns: ['id'] })).map((row) => String(row['id']));
    }),
  );
  return { manifests, ids: countedIds(files, idsOf), unlisted };
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
