import { acquireLease, type Lease } from './lease';
import { leasePrefix, partitionOf } from './object-keys';
import type { RunContext } from './types';
import type { TimeRange } from './windows';

/** The lease on the UTC day of the hour being exported: one day at a time, renewed per hour. */
export interface DayLeases {
  /** The lease for the hour's day (renewed if already held; the previous day's is released); undefined when another run holds it. */
  leaseFor(hour: TimeRange): Promise<Lease | undefined>;
  releaseAll(): Promise<void>;
}

export function createDayLeases(instanceId: string, ctx: Pick<RunContext, 'store' | 'settings' | 'runId' | 'now'>): DayLeases {
  const held = new Map<string, Lease>();
  const releaseAll = async () => {
    for (const lease of held.values()) await lease.release();
    held.clear();
  };
  return {
    async leaseFor(hour) {
      const day = partitionOf(hour.from).dt;
      const current = held.get(day);
      if (current) {
        await current.renew();
        return current;
      }
      await releaseAll();
      const lease = await acquireLease({
        store: ctx.store,
        prefix: leasePrefix(ctx.settings.prefix, instanceId, `day=${day}`),
        owner: ctx.runId,
        durationMs: ctx.settings.leaseSeconds * 1000,
        now: ctx.now,
      });
      if (lease) held.set(day, lease);
      return lease;
    },
    releaseAll,
  };
}
