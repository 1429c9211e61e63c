import { describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../../lib/contracts/call-record';
import { parseSchemaDocument, schemaDocument, serializeSchemaDocument } from '../../lib/contracts/schema-document';
import { CorruptStateError, describe as describeError, FormatConflictError } from '../../lib/errors';
import { claimPrefixFormat } from '../../lib/export/prefix-schema';
import { runExport } from '../../lib/export/run-export';
import type { ExportDeps } from '../../lib/export/types';
import { createRateLimiter } from '../../lib/flow/rate-limiter';
import { silentLogger } from '../../lib/log/logger';
import { aClock, anExportSettings, aRunContext, RUN_INSTANCE } from '../builders/export-run';
import { FakeHotlineApi } from '../fakes/hotline-api';
import { MemoryStore } from '../fakes/memory-store';

/** Another run creates `key` with `body` right after this run's first read of it (between its read and its create-only write). */
class RacedStore extends MemoryStore {
  private raced = false;
  constructor(
    private readonly key: string,
    private readonly body: Buffer,
  ) {
    super();
  }
  override async get(key: string) {
    const found = await super.get(key);
    if (key === this.key && !this.raced) {
      this.raced = true;
      this.objects.set(key, this.body);
    }
    return found;
  }
}

const PREFIX = 'lake/cdr';
const SCHEMA_KEY = `${PREFIX}/_schema.json`;

const aContext = () => aRunContext({ settings: anExportSettings({ prefix: PREFIX }), now: aClock(Date.UTC(2026, 10, 24, 10)).now });
const storedDocument = (store: MemoryStore) => parseSchemaDocument(store.objects.get(SCHEMA_KEY) ?? Buffer.alloc(0));

describe('claimPrefixFormat (one format per prefix)', () => {
  it("writes _schema.json create-only at a prefix's first export: schema version, format, the 30 columns, when", async () => {
    const ctx = aContext();
    await claimPrefixFormat('parquet', ctx);
    const document = storedDocument(ctx.store);
    expect(document).toMatchObject({ schemaVersion: 1, format: 'parquet', writtenAt: '2026-11-24T10:00:00Z' });
    expect(document?.columns.map((column) => column.name)).toStrictEqual(RECORD_FIELDS);
    expect(document?.columns.find((column) => column.name === 'createTime')).toStrictEqual({ name: 'createTime', type: 'timestamp', nullable: true });
  });

  it('lets later runs in the same format through without rewriting it', async () => {
    const ctx = aContext();
    await claimPrefixFormat('csv', ctx);
    const first = ctx.store.objects.get(SCHEMA_KEY);
    await claimPrefixFormat('csv', ctx);
    expect(ctx.store.objects.get(SCHEMA_KEY)).toStrictEqual(first);
    expect(ctx.store.calls.filter((call) => call.op === 'put')).toHaveLength(1);
  });

  it('refuses another format with FORMAT_CONFLICT (409) naming the held format and the way out, writing nothing', async () => {
    const ctx = aContext();
    await claimPrefixFormat('jsonl', ctx);
    const before = [...ctx.store.objects.entries()];
    const error = await claimPrefixFormat('parquet', ctx).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatConflictError);
    expect(describeError(error)).toMatchObject({ code: 'FORMAT_CONFLICT', status: 409 });
    expect((error as Error).message).toContain('holds jsonl files');
    expect((error as Error).message).toContain('asked for parquet');
    expect((error as Error).message).toContain('another EXPORT_PREFIX');
    expect([...ctx.store.objects.entries()]).toStrictEqual(before);
  });

  it('loses a race for the first export gracefully: the winner’s format decides', async () => {
    const winner = serializeSchemaDocument(schemaDocument('csv', '2026-11-24T09:59:59Z'));
    const store = new RacedStore(SCHEMA_KEY, winner);
    const ctx = aRunContext({ settings: anExportSettings({ prefix: PREFIX }), store });
    await expect(claimPrefixFormat('jsonl', ctx)).rejects.toThrow(FormatConflictError);
    expect(store.objects.get(SCHEMA_KEY)).toStrictEqual(winner);
    await expect(claimPrefixFormat('csv', ctx)).resolves.toBeUndefined();
  });

  it('never trusts or overwrites a damaged _schema.json', async () => {
    const ctx = aContext();
    ctx.store.objects.set(SCHEMA_KEY, Buffer.from('{"format":"xml"}'));
    await expect(claimPrefixFormat('jsonl', ctx)).rejects.toThrow(CorruptStateError);
    expect(ctx.store.objects.get(SCHEMA_KEY)?.toString()).toBe('{"format":"xml"}');
  });
});

describe('runExport and the prefix format', () => {
  const t = (iso: string) => Date.parse(iso);
  function deps(store?: MemoryStore): ExportDeps & { store: MemoryStore } {
    const ctx = aContext();
    const clock = aClock(t('2026-11-20T06:15:00Z'));
    return {
      api: new FakeHotlineApi().add(RUN_INSTANCE, t('2026-11-20T02:00:00Z'), 2 * 60, 'r', 60_000),
      store: store ?? ctx.store,
      limiter: createRateLimiter({ ratePerSecond: 10_000 }),
      settings: anExportSettings({ prefix: PREFIX }),
      logger: silentLogger,
      runId: 'run-prefix',
      now: clock.now,
      deadline: clock.now() + 600_000,
    };
  }
  const backfill = (format?: 'jsonl' | 'csv' | 'parquet') => ({
    mode: 'backfill' as const,
    instanceId: RUN_INSTANCE,
    range: { from: t('2026-11-20T02:00:00Z'), to: t('2026-11-20T04:00:00Z') },
    ...(format ? { format } : {}),
  });

  it('a backfill in another format than the prefix holds fails before it reads AICCS or writes anything', async () => {
    const first = deps();
    await runExport(backfill('parquet'), first);
    const objects = [...first.store.objects.keys()].sort();
    expect(objects.filter((key) => key.endsWith('.parquet')).length).toBeGreaterThan(0);

    const second = deps(first.store);
    const api = second.api as FakeHotlineApi;
    await expect(runExport(backfill(), second)).rejects.toThrow(expect.objectContaining({ code: 'FORMAT_CONFLICT' }));
    expect(api.calls).toHaveLength(0);
    expect([...first.store.objects.keys()].sort()).toStrictEqual(objects);
  });

  it('the timer payload override obeys the same rule', async () => {
    const first = deps();
    await runExport(backfill('csv'), first);
    const puts = first.store.calls.filter((call) => call.op === 'put').length;
    await expect(runExport({ mode: 'incremental', instanceIds: [RUN_INSTANCE], format: 'jsonl' }, deps(first.store))).rejects.toThrow(FormatConflictError);
    expect(first.store.calls.filter((call) => call.op === 'put')).toHaveLength(puts);
  });
});
