import type { ObjectStore } from '../adapters/oss/object-store';
import { RECORD_SCHEMA_VERSION } from '../contracts/call-record';
import { MANIFEST_VERSION, parseManifest, type PartitionManifest } from '../contracts/manifest';
import type { HourOutput } from './export-hour';
import type { Lease } from './lease';
import { manifestKey, partitionOf, partitionPrefix, type Partition } from './object-keys';
import { clearStaged, markPublishing, promoteStaged } from './staging';
import type { InstanceTally } from './summary';
import type { RunContext } from './types';
import { HOUR_MS, isoUtc, type TimeRange } from './windows';

/** What a publication made visible: the change feed's entry, without its reason. */
export interface PublishedPartition extends Partition {
  revision: number;
  recordCount: number;
  final: boolean;
}

/** An hour read now is final once it ended at least EXPORT_FINALIZE_AFTER_HOURS ago (0: always). */
export const isFinalAt = (hour: TimeRange, now: number, finalizeAfterHours: number) => hour.to <= now - finalizeAfterHours * HOUR_MS;

/**
 * Makes an hour visible: marks the partition as being published, copies
 * the hour's new files in from staging (checked against their MD5), writes
 * its manifest (the completion marker, listing exactly the files readers
 * use; revision + 1 over the one it replaces), and only then deletes the
 * data files it no longer lists and the staged copies. If the manifest
 * write fails, the files just copied in are deleted again; whatever a crash
 * leaves is settled by cleanUpStaging from the `_publishing` marker.
 * The day lease must still be ours, or another run may be publishing the same hour.
 * @throws LeaseLostError, StoreFailedError, ContentMismatchError
 */
export async function publishHour(
  output: HourOutput,
  lease: Lease,
  tally: InstanceTally,
  ctx: Pick<RunContext, 'store' | 'settings' | 'runId' | 'now' | 'deadline' | 'logger'> & { job?: RunContext['job'] },
): Promise<PublishedPartition> {
  const { store, settings } = ctx;
  const partition = partitionOf(output.hour.from);
  const key = manifestKey(settings.prefix, tally.instanceId, partition);
  const previousBody = await store.get(key);
  const previous = previousBody ? parseManifest(previousBody) : undefined;
  const now = new Date(ctx.now()).toISOString();
  const manifest: PartitionManifest = {
    manifestVersion: MANIFEST_VERSION,
    schemaVersion: RECORD_SCHEMA_VERSION,
    instanceId: tally.instanceId,
    partition,
    window: { from: isoUtc(output.hour.from), to: isoUtc(output.hour.to) },
    timeZone: 'UTC',
    sourceTotalCount: output.sourceTotal,
    recordCount: output.records,
    files: output.files,
    runId: ctx.runId,
    ...(ctx.job ? { jobId: ctx.job.jobId } : {}),
    writtenAt: now,
    final: isFinalAt(output.hour, ctx.now(), settings.finalizeAfterHours),
    revision: (previous?.revision ?? 0) + 1,
    checkedAt: now,
  };
  await lease.assertHeld();
  const partitionDir = partitionPrefix(settings.prefix, tally.instanceId, partition);
  const publishing = await markPublishing(partitionDir, ctx);
  const copied = await promoteStaged(output.staged, ctx);
  try {
    await store.put(key, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { contentType: 'application/json', createOnly: false });
  } catch (error) {
    // No manifest lists what was just copied in: take it out again (the `_publishing` marker covers a failure here too).
    const stillListed = new Set(previous?.files.map((file) => file.key) ?? []);
    await clearStaged(
      copied.filter((copiedKey) => !stillListed.has(copiedKey)),
      ctx,
    );
    throw error;
  }
  await removeSuperseded(store, partitionDir, new Set(output.files.map((file) => file.key)));
  await clearStaged([...output.staged.map((file) => file.stagedKey), publishing], ctx);

  tally.add('slices');
  tally.add('records', output.records);
  tally.addAnomalies(output.anomalies);
  const { pages, retries, throttles } = tally.summary();
  ctx.logger.info('slice exported', {
    instance_id: tally.instanceId,
    hour: isoUtc(output.hour.from),
    records: output.records,
    source_total: output.sourceTotal,
    files: output.files.length,
    revision: manifest.revision,
    final: manifest.final,
    pages,
    retries,
    throttles,
  });
  return { ...partition, revision: manifest.revision, recordCount: manifest.recordCount, final: manifest.final };
}

/** Data files of the partition that the new manifest does not list: left by an earlier run with different records, or by an interrupted one. */
async function removeSuperseded(store: ObjectStore, prefix: string, keep: ReadonlySet<string>): Promise<void> {
  for (const object of await store.list(prefix)) {
    const name = object.key.slice(prefix.length);
    if (name.startsWith('part-') && !keep.has(object.key)) await store.delete(object.key);
  }
}
