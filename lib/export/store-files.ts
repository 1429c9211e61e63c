import type { ObjectStore } from '../adapters/oss/object-store';
import type { DataFileEntry } from '../contracts/manifest';
import type { ExportFormat } from '../contracts/export-format';
import { ContentMismatchError } from '../errors';
import type { DataFile } from './data-files';
import { dataFileKey } from './object-keys';
import { OUTPUT_FORMATS } from './output-formats';
import type { InstanceTally } from './summary';
import type { RunContext } from './types';
import { isoUtc, type TimeRange } from './windows';

/**
 * Stores one piece's data files under content-addressed keys, create-only:
 * a rerun that produced the same bytes finds its file already there (and
 * checks it is the same), so no file a manifest lists is ever overwritten.
 * Returns the manifest entries, in order.
 */
export async function storeDataFiles(
  piece: TimeRange,
  files: readonly DataFile[],
  format: ExportFormat,
  tally: InstanceTally,
  ctx: Pick<RunContext, 'store' | 'settings'>,
): Promise<DataFileEntry[]> {
  const { store, settings } = ctx;
  const entries: DataFileEntry[] = [];
  for (const [sequence, file] of files.entries()) {
    const key = dataFileKey(settings.prefix, tally.instanceId, piece, sequence, file.md5Hex, format);
    const outcome = await store.put(key, file.body, {
      contentType: OUTPUT_FORMATS[format].contentType,
      createOnly: true,
      md5Base64: file.md5Base64,
      multipartThresholdBytes: settings.multipartThresholdBytes,
      partSizeBytes: settings.partSizeBytes,
    });
    if (outcome.outcome === 'exists') {
      await verifyExisting(store, key, file.md5Hex, file.body.length);
      tally.add('objectsReused');
    } else {
      tally.add('objects');
      tally.add('bytes', file.body.length);
    }
    entries.push({
      key,
      format,
      records: file.records,
      bytes: file.body.length,
      uncompressedBytes: file.uncompressedBytes,
      md5: file.md5Hex,
      from: isoUtc(piece.from),
      to: isoUtc(piece.to),
    });
  }
  return entries;
}

/** @throws ContentMismatchError when the existing object is not the file this run produced */
async function verifyExisting(store: ObjectStore, key: string, md5Hex: string, size: number): Promise<void> {
  const head = await store.head(key);
  // Simple uploads have the MD5 as ETag; multipart ones do not, so size must do there.
  const matches = head !== undefined && (head.etag === md5Hex || (head.etag.includes('-') && head.size === size));
  if (!matches) throw new ContentMismatchError(key, head?.etag, md5Hex);
}
