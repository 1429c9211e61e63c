/**
 * Fault injection: per-request decisions drawn from a seeded generator so a
 * test that sets rates gets the same sequence of faults on every run.
 */
import type { Random } from '../shared/prng';

/** Fault rates (0..1) and latency. Every field is optional; absent means off. */
export interface FaultOptions {
  /** Share of requests answered with `Throttling.User`. */
  throttleRate?: number;
  /** Share of requests answered with 500 `SystemError`. */
  systemErrorRate?: number;
  /** Share of requests whose socket is destroyed without any response. */
  resetRate?: number;
  /** Fixed delay added before answering, in ms. */
  latencyMs?: number;
  /** Extra uniformly random delay in [0, latencyJitterMs), in ms. */
  latencyJitterMs?: number;
  /** Share of requests answered with a 502 HTML page (not JSON). */
  nonJson5xxRate?: number;
  /** Share of successful responses whose JSON body is cut in half. */
  truncatedBodyRate?: number;
  /** HTTP status of throttling answers, injected or real; default 400. */
  throttleStatus?: 400 | 429;
}

/** What to do to one request. */
export interface FaultDecision {
  delayMs: number;
  reset: boolean;
  nonJson5xx: boolean;
  throttle: boolean;
  systemError: boolean;
  truncatedBody: boolean;
}

const RATE_KEYS = ['throttleRate', 'systemErrorRate', 'resetRate', 'nonJson5xxRate', 'truncatedBodyRate'] as const;

/**
 * Check fault options and return a frozen copy.
 *
 * @throws RangeError naming the option when a rate is outside [0, 1], a
 *   latency is negative or not finite, or throttleStatus is not 400/429.
 */
export function validateFaults(faults: FaultOptions): Readonly<FaultOptions> {
  for (const key of RATE_KEYS) {
    const rate = faults[key];
    if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`Expected faults.${key} to be a number from 0 to 1, got ${String(rate)}`);
    }
  }
  for (const key of ['latencyMs', 'latencyJitterMs'] as const) {
    const ms = faults[key];
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(`Expected faults.${key} to be a non-negative number of ms, got ${String(ms)}`);
    }
  }
  if (faults.throttleStatus !== undefined && faults.throttleStatus !== 400 && faults.throttleStatus !== 429) {
    throw new RangeError(`Expected faults.throttleStatus to be 400 or 429, got ${String(faults.throttleStatus)}`);
  }
  return Object.freeze({ ...faults });
}

/**
 * Draw the decision for one request. Always consumes the same number of
 * random values, so turning one fault on does not reshuffle the others.
 */
export function decideFaults(random: Random, faults: Readonly<FaultOptions>): FaultDecision {
  const draws = [random(), random(), random(), random(), random(), random()] as const;
  return {
    delayMs: (faults.latencyMs ?? 0) + draws[0] * (faults.latencyJitterMs ?? 0),
    reset: draws[1] < (faults.resetRate ?? 0),
    nonJson5xx: draws[2] < (faults.nonJson5xxRate ?? 0),
    throttle: draws[3] < (faults.throttleRate ?? 0),
    systemError: draws[4] < (faults.systemErrorRate ?? 0),
    truncatedBody: draws[5] < (faults.truncatedBodyRate ?? 0),
  };
}
