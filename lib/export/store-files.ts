import type { DataFileEntry } from '../contracts/manifest';
import type { ExportFormat } from '../contracts/export-format';
import type { DataFile } from './data-files';
import { dataFileKey } from './object-keys';
import { OUTPUT_FORMATS } from './output-formats';
import { stageFile, verifyObject, type StagedFile } from './staging';
import type { InstanceTally } from './summary';
import type { RunContext } from './types';
import { isoUtc, type TimeRange } from './windows';

/** A piece's manifest entries, in order, and the files among them that are new (staged, not yet in the partition). */
export interface StoredFiles {
  entries: DataFileEntry[];
  staged: StagedFile[];
}

/**
 * Stores one piece's data files under content-addressed keys. A file whose
 * key is already in the partition (same records → same bytes) is reused
 * after checking it is the same; a new one is uploaded to the run's staging
 * folder and becomes visible only when publishHour copies it in, just before
 * the manifest. No file a manifest lists is ever overwritten.
 */
export async function storeDataFiles(
  piece: TimeRange,
  files: readonly DataFile[],
  format: ExportFormat,
  tally: InstanceTally,
  ctx: Pick<RunContext, 'store' | 'settings' | 'runId' | 'now' | 'deadline' | 'logger'>,
): Promise<StoredFiles> {
  const { store, settings } = ctx;
  const stored: StoredFiles = { entries: [], staged: [] };
  for (const [sequence, file] of files.entries()) {
    const key = dataFileKey(settings.prefix, tally.instanceId, piece, sequence, file.md5Hex, format);
    if (await store.head(key)) {
      await verifyObject(store, key, file.md5Hex, file.body.length);
      tally.add('objectsReused');
    } else {
      stored.staged.push(await stageFile(key, file, OUTPUT_FORMATS[format].contentType, ctx));
      tally.add('objects');
      tally.add('bytes', file.body.length);
    }
    stored.entries.push({
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
  return stored;
}
