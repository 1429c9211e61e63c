import type { HotlinePage, HotlineSessionApi, QueryPageOptions } from '../../lib/adapters/aiccs/hotline-api';
import type { WireParams } from '../../lib/adapters/aiccs/wire-params';
import { aWireRecord } from '../builders/records';

/** One stored record: when it was created (epoch ms, whole seconds) and its wire shape. */
interface StoredRecord {
  at: number;
  wire: Record<string, unknown>;
}

/**
 * An in-memory HotlineSessionApi (no HTTP): records per instance, selected
 * by QueryStartTime/QueryEndTime (epoch ms, as toWireParams sends them),
 * newest first like the API, paged by PageNo/PageSize. It records what was
 * asked, and can hold pages, fail calls or add records between calls.
 */
export class FakeHotlineApi implements HotlineSessionApi {
  private readonly records = new Map<string, StoredRecord[]>();
  private readonly held = new Map<number, { promise: Promise<void>; release: () => void }>();
  /** Every call's params and options, in call order. */
  readonly calls: Array<{ params: WireParams; options: QueryPageOptions }> = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Runs before answering call `n` (1-based); may change the records or throw to fail the call. */
  beforeCall: ((n: number, params: WireParams) => void) | undefined;

  /** Adds `count` records one second apart from `from` (UTC), with ids `${prefix}-${i}`. */
  add(instanceId: string, from: number, count: number, prefix = 'r', stepMs = 1_000): this {
    const list = this.records.get(instanceId) ?? [];
    for (let i = 0; i < count; i++) {
      const at = from + i * stepMs;
      list.push({ at, wire: aWireRecord({ Id: `${prefix}-${i}`, CreateTime: new Date(at).toISOString().slice(0, 19).replace('T', ' ') }) });
    }
    this.records.set(instanceId, list);
    return this;
  }

  /** Holds every call for page `pageNo` (PageSize > 1) until released. */
  hold(pageNo: number): () => void {
    let release = () => {};
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held.set(pageNo, { promise, release });
    return () => {
      this.held.delete(pageNo);
      release();
    };
  }

  /** The page numbers asked for with PageSize > 1 (the reads, not the recounts), in call order. */
  pagesRead(): number[] {
    return this.calls.filter((call) => call.params['PageSize'] !== '1').map((call) => Number(call.params['PageNo']));
  }

  async queryPage(params: WireParams, options: QueryPageOptions): Promise<HotlinePage> {
    this.calls.push({ params, options });
    this.beforeCall?.(this.calls.length, params);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const pageNo = Number(params['PageNo']);
      const pageSize = Number(params['PageSize']);
      if (pageSize > 1) await this.held.get(pageNo)?.promise;
      const start = Number(params['QueryStartTime'] ?? Number.NEGATIVE_INFINITY);
      const end = Number(params['QueryEndTime'] ?? Number.POSITIVE_INFINITY);
      const matching = (this.records.get(String(params['InstanceId'])) ?? []).filter((record) => record.at >= start && record.at <= end).sort((a, b) => b.at - a.at);
      return {
        requestId: `fake-${this.calls.length}`,
        pageNumber: pageNo,
        pageSize,
        totalCount: matching.length,
        records: matching.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((record) => record.wire),
      };
    } finally {
      this.inFlight--;
    }
  }
}
