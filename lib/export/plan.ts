/**
 * Planning: which hours an instance's run covers, what happens after each
 * (advance), what it holds (close), and whether the next hour still fits
 * before the deadline. incremental.ts and backfill.ts make the plans.
 */
import type { InstanceTally } from './summary';
import type { InstanceSummary, RunContext } from './types';
import type { TimeRange } from './windows';

export interface InstancePlan {
  readonly tally: InstanceTally;
  /** Whole UTC hours, oldest first. */
  readonly hours: readonly TimeRange[];
  /** Runs once an hour's manifest is durable (incremental: renew the lease, move the watermark). */
  advance(hour: TimeRange): Promise<void>;
  /** Runs when every planned hour has been handled without failure. */
  finished(): void;
  /** Lets go of what the plan holds (the instance lease); never throws. */
  close(): Promise<void>;
}

/** A plan to run, or an instance that needs no run (skipped, up to date, or failed while planning). */
export type Planned = { kind: 'run'; plan: InstancePlan } | { kind: 'done'; summary: InstanceSummary };

export interface HourBudget {
  /** Whether the next hour can still finish, with the finish margin kept, before the deadline. */
  fitsNextHour(): boolean;
  record(hourDurationMs: number): void;
}

/** An hour is assumed to need at least minHourBudgetMs, or 1.5× the slowest hour so far. */
export function createHourBudget(ctx: Pick<RunContext, 'now' | 'deadline' | 'timing'>): HourBudget {
  let slowest = 0;
  return {
    fitsNextHour() {
      const budget = Math.max(ctx.timing.minHourBudgetMs, 1.5 * slowest);
      return ctx.now() + budget + ctx.timing.finishMarginMs <= ctx.deadline;
    },
    record(hourDurationMs) {
      slowest = Math.max(slowest, hourDurationMs);
    },
  };
}
