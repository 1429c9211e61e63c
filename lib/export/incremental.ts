import { toError } from '../errors';
import { acquireLease } from './lease';
import { leasePrefix, stateKey } from './object-keys';
import type { Planned } from './plan';
import { createInstanceTally } from './summary';
import type { RunContext } from './types';
import { readWatermark, writeWatermark } from './watermark';
import { hourlySlices, incrementalWindow, isoUtc } from './windows';

/**
 * Plans an incremental (timer) run of one instance: takes the instance's
 * lease (skips when another run holds it), reads the watermark and plans
 * the whole hours from there to the settle point. Each durable hour renews
 * the lease and then moves the watermark, so a run that lost the lease
 * never writes it.
 */
export async function planIncremental(instanceId: string, ctx: RunContext): Promise<Planned> {
  const { settings, store, now } = ctx;
  const lease = await acquireLease({
    store,
    prefix: leasePrefix(settings.prefix, instanceId, 'incremental'),
    owner: ctx.runId,
    durationMs: settings.leaseSeconds * 1000,
    now,
  });
  if (!lease) {
    const tally = createInstanceTally(instanceId, { from: now(), to: now() });
    tally.stop('skipped', 'another run holds the incremental lease for this instance');
    return { kind: 'done', summary: tally.summary() };
  }
  try {
    const key = stateKey(settings.prefix, instanceId);
    const watermark = await readWatermark(store, key);
    const window = incrementalWindow({ watermark, now: now(), settleMinutes: settings.settleMinutes, lookbackHours: settings.lookbackHours });
    const tally = createInstanceTally(instanceId, window);
    if (window.from >= window.to) {
      tally.stop('up-to-date');
      tally.reach(window.from);
      await lease.release();
      return { kind: 'done', summary: tally.summary() };
    }
    return {
      kind: 'run',
      plan: {
        tally,
        hours: hourlySlices(window),
        async advance(hour) {
          // renew() checks the lease is still ours first: the watermark is never written by a run that lost it.
          await lease.renew();
          await writeWatermark(store, key, { instanceId, watermark: isoUtc(hour.to), updatedAt: new Date(now()).toISOString(), runId: ctx.runId });
        },
        finished() {
          if (tally.exportedUntil === undefined) tally.reach(window.from);
        },
        close: () => lease.release(),
      },
    };
  } catch (error) {
    ctx.logger.error('export failed', { instance_id: instanceId, error: toError(error) });
    const tally = createInstanceTally(instanceId, { from: now(), to: now() });
    tally.fail(error);
    await lease.release();
    return { kind: 'done', summary: tally.summary() };
  }
}
