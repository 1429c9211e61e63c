import type { InstancePlan } from './plan';
import { createInstanceTally } from './summary';
import { hourlySlices, widenToHours, type TimeRange } from './windows';

/**
 * Plans a backfill of one instance: the requested range widened to whole
 * UTC hours (a partition is always re-exported whole). No watermark moves
 * and no instance lease is held; the day leases still keep two runs apart.
 * `skipHours`: hours the same job already published (lib/export/jobs).
 */
export function planBackfill(instanceId: string, range: TimeRange, skipHours?: ReadonlySet<number>): InstancePlan {
  const window = widenToHours(range);
  return {
    tally: createInstanceTally(instanceId, window),
    // A job's re-invocation or continuation does not read again what the job already published.
    hours: hourlySlices(window).filter((hour) => !skipHours?.has(hour.from)),
    advance: async () => {},
    finished: () => {},
    close: async () => {},
  };
}
