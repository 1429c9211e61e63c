/**
 * Counters behind `server.stats`.
 */

import type { OssOperation, OssStats } from './types';

/** Kinds of injected faults, as counted in {@link OssStats.faults}. */
export type FaultKind = keyof OssStats['faults'];

/** Mutable counters; {@link StatsRecorder.snapshot} hands out copies. */
export class StatsRecorder {
  private readonly requests: Partial<Record<OssOperation, number>> = {};
  private readonly faults = { unavailable: 0, internalError: 0, reset: 0, latency: 0, scripted: 0, failedPart: 0 };
  private readonly signatureVersions = { v1: 0, v4: 0, anonymous: 0 };
  private readonly errors: Record<string, number> = {};

  request(op: OssOperation): void {
    this.requests[op] = (this.requests[op] ?? 0) + 1;
  }

  fault(kind: FaultKind): void {
    this.faults[kind] += 1;
  }

  signature(version: 'v1' | 'v4' | 'anonymous'): void {
    this.signatureVersions[version] += 1;
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** A deep copy, so callers can keep it for before/after comparisons. */
  snapshot(): OssStats {
    return {
      requests: { ...this.requests },
      faults: { ...this.faults },
      signatureVersions: { ...this.signatureVersions },
      errors: { ...this.errors },
    };
  }
}
