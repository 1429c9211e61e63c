import { describe, expect, it } from 'vitest';
import { planBackfill } from '../../lib/export/backfill';
import { planIncremental } from '../../lib/export/incremental';
import { acquireLease } from '../../lib/export/lease';
import { leasePrefix, stateKey } from '../../lib/export/object-keys';
import { createHourBudget } from '../../lib/export/plan';
import { RUN_INSTANCE, aClock, aRunContext } from '../builders/export-run';

const t = (iso: string) => Date.parse(iso);

describe('createHourBudget', () => {
  it.each([
    { info: 'fits with the minimum budget and the finish margin left', leftMs: 15_000, slowestMs: 0, fits: true },
    { info: 'does not fit a millisecond short of that', leftMs: 14_999, slowestMs: 0, fits: false },
    { info: 'assumes 1.5 x the slowest hour so far', leftMs: 35_000, slowestMs: 20_000, fits: true },
    { info: 'and refuses when that does not fit', leftMs: 34_999, slowestMs: 20_000, fits: false },
  ])('$info', ({ leftMs, slowestMs, fits }) => {
    const clock = aClock();
    const budget = createHourBudget({ now: clock.now, deadline: clock.now() + leftMs, timing: { minHourBudgetMs: 10_000, finishMarginMs: 5_000 } });
    budget.record(slowestMs);
    expect(budget.fitsNextHour()).toBe(fits);
  });
});

describe('planBackfill', () => {
  it('widens the range to whole UTC hours, oldest first', () => {
    const plan = planBackfill(RUN_INSTANCE, { from: t('2026-11-20T04:30:00Z'), to: t('2026-11-20T06:00:01Z') });
    expect(plan.hours.map((hour) => new Date(hour.from).toISOString())).toStrictEqual([
      '2026-11-20T04:00:00.000Z',
      '2026-11-20T05:00:00.000Z',
      '2026-11-20T06:00:00.000Z',
    ]);
    expect(plan.tally.summary().window).toStrictEqual({ from: '2026-11-20T04:00:00Z', to: '2026-11-20T07:00:00Z' });
  });
});

describe('planIncremental', () => {
  it('plans from the lookback window on the first run, up to the settle point', async () => {
    const clock = aClock(t('2026-11-20T06:15:00Z'));
    const ctx = aRunContext({ now: clock.now });
    const planned = await planIncremental(RUN_INSTANCE, ctx);
    if (planned.kind !== 'run') throw new Error('expected a plan');
    expect(planned.plan.hours).toHaveLength(24);
    expect(planned.plan.hours.at(-1)).toStrictEqual({ from: t('2026-11-20T05:00:00Z'), to: t('2026-11-20T06:00:00Z') });
    await planned.plan.close();
  });

  it('moves the watermark only while the instance lease is still ours', async () => {
    const clock = aClock(t('2026-11-20T06:15:00Z'));
    const ctx = aRunContext({ now: clock.now });
    const planned = await planIncremental(RUN_INSTANCE, ctx);
    if (planned.kind !== 'run') throw new Error('expected a plan');
    const [first] = planned.plan.hours;
    if (!first) throw new Error('expected an hour');
    await planned.plan.advance(first);
    expect(JSON.parse(ctx.store.objects.get(stateKey(ctx.settings.prefix, RUN_INSTANCE))?.toString() ?? '{}')).toMatchObject({
      watermark: '2026-11-19T07:00:00Z',
      runId: 'run-test',
    });

    clock.advance(ctx.settings.leaseSeconds * 1000 + 1);
    await acquireLease({
      store: ctx.store,
      prefix: leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'incremental'),
      owner: 'another-run',
      durationMs: 60_000,
      now: clock.now,
    });
    await expect(planned.plan.advance({ from: first.to, to: first.to + 3_600_000 })).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(JSON.parse(ctx.store.objects.get(stateKey(ctx.settings.prefix, RUN_INSTANCE))?.toString() ?? '{}')).toMatchObject({ watermark: '2026-11-19T07:00:00Z' });
  });

  it('skips an instance whose lease another run holds', async () => {
    const ctx = aRunContext();
    await acquireLease({
      store: ctx.store,
      prefix: leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'incremental'),
      owner: 'another-run',
      durationMs: 60_000,
      now: ctx.now,
    });
    expect(await planIncremental(RUN_INSTANCE, ctx)).toMatchObject({
      kind: 'done',
      summary: { status: 'skipped', reason: 'another run holds the incremental lease for this instance' },
    });
  });

  it('reports an instance whose watermark is at the settle point as up to date, and lets its lease go', async () => {
    const clock = aClock(t('2026-11-20T06:15:00Z'));
    const ctx = aRunContext({ now: clock.now });
    const state = { instanceId: RUN_INSTANCE, watermark: '2026-11-20T06:00:00Z', updatedAt: '2026-11-20T06:01:00Z', runId: 'earlier' };
    ctx.store.objects.set(stateKey(ctx.settings.prefix, RUN_INSTANCE), Buffer.from(JSON.stringify(state)));
    expect(await planIncremental(RUN_INSTANCE, ctx)).toMatchObject({ kind: 'done', summary: { status: 'up-to-date', exportedUntil: '2026-11-20T06:00:00Z' } });
    expect(
      await acquireLease({
        store: ctx.store,
        prefix: leasePrefix(ctx.settings.prefix, RUN_INSTANCE, 'incremental'),
        owner: 'next-run',
        durationMs: 60_000,
        now: clock.now,
      }),
    ).toBeDefined();
  });

  it('fails the instance with CORRUPT_STATE on a damaged watermark, never restarting silently', async () => {
    const ctx = aRunContext();
    ctx.store.objects.set(stateKey(ctx.settings.prefix, RUN_INSTANCE), Buffer.from('{not json'));
    const planned = await planIncremental(RUN_INSTANCE, ctx);
    expect(planned).toMatchObject({ kind: 'done', summary: { status: 'failed', error: expect.stringMatching(/^CORRUPT_STATE: Export state `.*` is not valid JSON/) } });
  });
});
