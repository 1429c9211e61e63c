/**
 * Fault decisions. One seeded PRNG per server makes a given seed and request
 * sequence produce the same faults on every run.
 */

import type { OssFaults, OssOperation, OssScriptedFailure } from './types';
import { createRandom } from '../shared/prng';

/** What to do to one request. Latency (if any) comes first, then the action. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly action:
    | { readonly kind: 'none' }
    | { readonly kind: 'reset' }
    | {
        readonly kind: 'fail';
        readonly status: 500 | 503;
        readonly reason: 'scripted' | 'failedPart' | 'unavailable' | 'internalError';
      };
}

/** The request facts faults can depend on. */
export interface FaultSubject {
  readonly op: OssOperation;
  readonly bucket: string;
  readonly key: string;
  /** Part number of an UploadPart, else undefined. */
  readonly partNumber: number | undefined;
}

function checkRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(value >= 0 && value <= 1)) {
    throw new RangeError(`Expected faults.${name} to be a probability in [0, 1], got ${String(value)}.`);
  }
}

/** Holds the current faults and decides, request by request, which one applies. */
export class FaultInjector {
  private faults: OssFaults = {};
  private scripted: Array<{ op: OssOperation | undefined; status: 500 | 503; remaining: number }> = [];
  private readonly random: () => number;

  constructor(seed: number, faults: OssFaults = {}) {
    this.random = createRandom(seed);
    this.set(faults);
  }

  /**
   * Replace all faults.
   *
   * @throws RangeError for a rate outside [0, 1], a negative latency or a negative count.
   */
  set(faults: OssFaults): void {
    checkRate('unavailableRate', faults.unavailableRate);
    checkRate('internalErrorRate', faults.internalErrorRate);
    checkRate('resetRate', faults.resetRate);
    if (faults.latencyMs !== undefined && !(faults.latencyMs >= 0)) {
      throw new RangeError(`Expected faults.latencyMs to be >= 0, got ${String(faults.latencyMs)}.`);
    }
    const scripted = (faults.failNext ?? []).map((entry: OssScriptedFailure) => {
      if (!Number.isInteger(entry.count) || entry.count < 0) {
        throw new RangeError(`Expected faults.failNext[].count to be an integer >= 0, got ${String(entry.count)}.`);
      }
      return { op: entry.op, status: entry.status, remaining: entry.count };
    });
    this.faults = faults;
    this.scripted = scripted;
  }

  /**
   * Decide the fault for one authenticated request. Consumes a scripted entry or
   * PRNG draws as a side effect, so call it exactly once per request.
   */
  decide(subject: FaultSubject): FaultDecision {
    const f = this.faults;
    if (f.match !== undefined && !f.match(subject.op, subject.bucket, subject.key)) {
      return { latencyMs: 0, action: { kind: 'none' } };
    }
    const latencyMs = f.latencyMs ?? 0;
    // Draw for a rate only when it is set, so adding one fault does not shift the others' sequence.
    if (f.resetRate !== undefined && f.resetRate > 0 && this.random() < f.resetRate) {
      return { latencyMs, action: { kind: 'reset' } };
    }
    const script = this.scripted.find((entry) => entry.remaining > 0 && (entry.op === undefined || entry.op === subject.op));
    if (script !== undefined) {
      script.remaining -= 1;
      return { latencyMs, action: { kind: 'fail', status: script.status, reason: 'scripted' } };
    }
    if (subject.op === 'UploadPart' && f.failPartNumber !== undefined && subject.partNumber === f.failPartNumber) {
      return { latencyMs, action: { kind: 'fail', status: 500, reason: 'failedPart' } };
    }
    if (f.unavailableRate !== undefined && f.unavailableRate > 0 && this.random() < f.unavailableRate) {
      return { latencyMs, action: { kind: 'fail', status: 503, reason: 'unavailable' } };
    }
    if (f.internalErrorRate !== undefined && f.internalErrorRate > 0 && this.random() < f.internalErrorRate) {
      return { latencyMs, action: { kind: 'fail', status: 500, reason: 'internalError' } };
    }
    return { latencyMs, action: { kind: 'none' } };
  }
}
