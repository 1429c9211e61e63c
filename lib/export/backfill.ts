import type { InstancePlan } from './plan';
import { createInstanceTally } from './summary';
import { hourlySlices, widenToHours, type TimeRange } from './windows';

/**
 * Plans a backfill of one instance: the requested range widened to whole
 * UTC hours (a partition is always re-exported whole). No watermark moves
 * and no instance lease is held; the day leases still keep two runs apart.
 */
export function planBackfill(instanceId: string, range: TimeRange): InstancePlan {
  const window = widenToHours(range);
  return {
    tally: createInstanceTally(instanceId, window),
    hours: hourlySlices(window),
    advance: async () => {},
    finished: () => {},
    close: async () => {},
  };
}
