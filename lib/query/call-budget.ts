/**
 * QUERY_MAX_UPSTREAM_CALLS for one request. It plugs into the AICCS client
 * as its limiter, whose `acquire` runs before every attempt, retries
 * included, so the bound holds for throttled and failed attempts too.
 */
export interface CallBudget {
  /** Resolves when one more attempt may start. @throws CallBudgetExhaustedError when none may */
  acquire(): Promise<void>;
  onThrottled(): void;
  /** Attempts still allowed. */
  remaining(): number;
  readonly used: number;
}

/** The request has made all the upstream calls it may; the caller ends the response with a cursor. */
export class CallBudgetExhaustedError extends Error {
  override name = 'CallBudgetExhaustedError';
  constructor(readonly max: number) {
    super(`All ${max} upstream calls of this request are used`);
  }
}

export function createCallBudget(max: number): CallBudget {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`Expected max to be an integer ≥ 1, got ${max}`);
  let used = 0;
  return {
    async acquire() {
      if (used >= max) throw new CallBudgetExhaustedError(max);
      used++;
    },
    onThrottled() {},
    remaining: () => max - used,
    get used() {
      return used;
    },
  };
}
