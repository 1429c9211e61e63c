import type { ObjectStore } from '../adapters/oss/object-store';
import { RECORD_SCHEMA_VERSION } from '../contracts/call-record';
import { MANIFEST_VERSION, type PartitionManifest } from '../contracts/manifest';
import type { HourOutput } from './export-hour';
import type { Lease } from './lease';
import { manifestKey, partitionOf, partitionPrefix } from './object-keys';
import type { InstanceTally } from './summary';
import type { RunContext } from './types';
import { isoUtc } from './windows';

/**
 * Makes an hour visible: its manifest (the completion marker, listing
 * exactly the files readers use) replaces the previous one, and only then
 * are the data files it no longer lists deleted. The day lease must still
 * be ours, or another run may be publishing the same hour.
 *
 * Data files are written in place before this (store-files.ts); a
 * stage-then-copy publication would copy them here, before the manifest.
 * @throws LeaseLostError, StoreFailedError
 */
export async function publishHour(
  output: HourOutput,
  lease: Lease,
  tally: InstanceTally,
  ctx: Pick<RunContext, 'store' | 'settings' | 'runId' | 'now' | 'logger'> & { job?: RunContext['job'] },
): Promise<void> {
  const { store, settings } = ctx;
  const partition = partitionOf(output.hour.from);
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
    writtenAt: new Date(ctx.now()).toISOString(),
  };
  await lease.assertHeld();
  await store.put(manifestKey(settings.prefix, tally.instanceId, partition), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), {
    contentType: 'application/json',
    createOnly: false,
  });
  await removeSuperseded(store, partitionPrefix(settings.prefix, tally.instanceId, partition), new Set(output.files.map((file) => file.key)));

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
    pages,
    retries,
    throttles,
  });
}

/** Data files of the partition that the new manifest does not list: left by an earlier run with different records, or by an interrupted one. */
async function removeSuperseded(store: ObjectStore, prefix: string, keep: ReadonlySet<string>): Promise<void> {
  for (const object of await store.list(prefix)) {
    const name = object.key.slice(prefix.length);
    if (name.startsWith('part-') && !keep.has(object.key)) await store.delete(object.key);
  }
}
