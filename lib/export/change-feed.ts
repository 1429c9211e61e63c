/**
 * The change feed: one object per instance per run that published or
 * replaced at least one partition, at
 * `{prefix}/_changes/instance={id}/{yyyyMMddTHHmmssSSS}Z-{runId}.json`.
 * Keys sort by time, so a loader lists the keys after the last one it
 * processed and (re)loads the partitions they name.
 */
import { z } from 'zod';
import type { PublishedPartition } from './publish';
import type { RunContext } from './types';

export const ChangeReasonSchema = z.enum(['new', 'recheck', 'finalize', 'backfill']);
export type ChangeReason = z.infer<typeof ChangeReasonSchema>;

export const ChangeFeedEntrySchema = z.object({
  runId: z.string(),
  instanceId: z.string(),
  writtenAt: z.iso.datetime(),
  partitions: z.array(
    z.object({
      dt: z.string(),
      hour: z.string(),
      revision: z.number().int().positive(),
      recordCount: z.number().int().nonnegative(),
      final: z.boolean(),
      reason: ChangeReasonSchema,
    }),
  ),
});
export type ChangeFeedEntry = z.infer<typeof ChangeFeedEntrySchema>;

export function changeFeedKey(prefix: string, instanceId: string, writtenAt: number, runId: string): string {
  const stamp = new Date(writtenAt).toISOString().replace(/[-:.]/g, '');
  return `${prefix === '' ? '' : `${prefix}/`}_changes/instance=${instanceId}/${stamp}-${runId}.json`;
}

export interface ChangeFeed {
  record(published: PublishedPartition, reason: ChangeReason): void;
  /** Writes the run's entry if anything was published; never throws (a lost entry is logged: the manifests stay the truth). */
  write(): Promise<void>;
}

export function createChangeFeed(instanceId: string, ctx: Pick<RunContext, 'store' | 'settings' | 'runId' | 'now' | 'logger'>): ChangeFeed {
  const partitions: ChangeFeedEntry['partitions'] = [];
  return {
    record(published, reason) {
      const { dt, hour, revision, recordCount, final } = published;
      partitions.push({ dt, hour, revision, recordCount, final, reason });
    },
    async write() {
      if (partitions.length === 0) return;
      const writtenAt = ctx.now();
      const entry: ChangeFeedEntry = { runId: ctx.runId, instanceId, writtenAt: new Date(writtenAt).toISOString(), partitions };
      const key = changeFeedKey(ctx.settings.prefix, instanceId, writtenAt, ctx.runId);
      try {
        await ctx.store.put(key, Buffer.from(`${JSON.stringify(entry)}\n`), { contentType: 'application/json', createOnly: false });
      } catch (error) {
        ctx.logger.error('change feed entry not written; loaders must compare manifests for these partitions', {
          instance_id: instanceId,
          key,
          partitions: partitions.map((partition) => `${partition.dt}/${partition.hour}`),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}
