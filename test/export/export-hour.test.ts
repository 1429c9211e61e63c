import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ContentMismatchError, SliceTooDenseError } from '../../lib/errors';
import { fetchHour } from '../../lib/export/export-hour';
import { createInstanceTally } from '../../lib/export/summary';
import { RUN_INSTANCE, aRunContext, anExportSettings } from '../builders/export-run';

const HOUR = { from: Date.UTC(2026, 10, 20, 4), to: Date.UTC(2026, 10, 20, 5) };
const lines = (body: Buffer) => gunzipSync(body).toString('utf8').trim().split('\n');

describe('fetchHour', () => {
  it('stores the hour as content-addressed, create-only data files and counts what it did', async () => {
    // Arrange
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 75);
    const tally = createInstanceTally(RUN_INSTANCE, HOUR);
    // Act
    const output = await fetchHour(HOUR, 'jsonl', tally, ctx);
    // Assert
    expect(output).toMatchObject({ hour: HOUR, format: 'jsonl', sourceTotal: 75, records: 75 });
    expect(output.files).toHaveLength(1);
    const [file] = output.files;
    expect(file?.key).toMatch(
      /^aiccs-call-records\/instance=ccc_xp_pre-cn-stage01\/dt=2026-11-20\/hour=04\/part-20261120T040000Z-20261120T050000Z-0000-[0-9a-f]{16}\.jsonl\.gz$/,
    );
    expect(lines(ctx.store.objects.get(file?.key ?? '') ?? Buffer.alloc(0))).toHaveLength(75);
    expect(ctx.store.calls.filter((call) => call.op === 'put')).toHaveLength(1);
    expect(tally.summary()).toMatchObject({ pieces: 1, splits: 0, pages: 3, objects: 1, objectsReused: 0, records: 0 });
  });

  it('splits a piece beyond the paging depth in halves at whole seconds, oldest half first', async () => {
    const ctx = aRunContext({ settings: anExportSettings({ maxRecordsPerFilter: 40 }) });
    ctx.api.add(RUN_INSTANCE, HOUR.from, 60, 'r', 60_000);
    const tally = createInstanceTally(RUN_INSTANCE, HOUR);
    const output = await fetchHour(HOUR, 'jsonl', tally, ctx);
    expect(output.records).toBe(60);
    expect(output.files.map((file) => [file.from, file.to])).toStrictEqual([
      ['2026-11-20T04:00:00Z', '2026-11-20T04:30:00Z'],
      ['2026-11-20T04:30:00Z', '2026-11-20T05:00:00Z'],
    ]);
    expect(tally.summary()).toMatchObject({ splits: 1, pieces: 2 });
  });

  it('fails with SLICE_TOO_DENSE when one second holds more than the API can page through', async () => {
    const ctx = aRunContext({ settings: anExportSettings({ maxRecordsPerFilter: 10 }) });
    ctx.api.add(RUN_INSTANCE, HOUR.from, 30, 'same-second', 0);
    const failure = await fetchHour(HOUR, 'jsonl', createInstanceTally(RUN_INSTANCE, HOUR), ctx).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SliceTooDenseError);
    expect((failure as SliceTooDenseError).code).toBe('SLICE_TOO_DENSE');
    expect((failure as SliceTooDenseError).detail).toBe(
      '[2026-11-20T04:00:00Z, 2026-11-20T04:00:01Z) holds 30 records, more than the 10 HotlineSessionQuery can page through, even as a one-second slice',
    );
  });

  it('reuses the files of an identical earlier run, and refuses a file at its key with other content', async () => {
    const ctx = aRunContext();
    ctx.api.add(RUN_INSTANCE, HOUR.from, 20);
    const first = await fetchHour(HOUR, 'csv', createInstanceTally(RUN_INSTANCE, HOUR), ctx);
    const again = createInstanceTally(RUN_INSTANCE, HOUR);
    expect((await fetchHour(HOUR, 'csv', again, ctx)).files).toStrictEqual(first.files);
    expect(again.summary()).toMatchObject({ objects: 0, objectsReused: 1, bytes: 0 });

    ctx.store.objects.set(first.files[0]?.key ?? '', Buffer.from('tampered'));
    const failure = await fetchHour(HOUR, 'csv', createInstanceTally(RUN_INSTANCE, HOUR), ctx).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContentMismatchError);
    expect((failure as ContentMismatchError).code).toBe('CONTENT_MISMATCH');
  });

  it('writes phone numbers as PHONE_MASKING says', async () => {
    const ctx = aRunContext({ settings: anExportSettings({ phoneMasking: { mode: 'mask' } }) });
    ctx.api.add(RUN_INSTANCE, HOUR.from, 1);
    const output = await fetchHour(HOUR, 'jsonl', createInstanceTally(RUN_INSTANCE, HOUR), ctx);
    const [record] = lines(ctx.store.objects.get(output.files[0]?.key ?? '') ?? Buffer.alloc(0)).map((line) => JSON.parse(line) as { callingNumber: string });
    expect(record?.callingNumber).toBe('***1773');
  });
});
