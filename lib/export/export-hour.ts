import type { DataFileEntry } from '../contracts/manifest';
import type { ExportFormat } from '../contracts/export-format';
import { SliceTooDenseError } from '../errors';
import { createPhoneMasker } from '../records/phone-masking';
import type { Anomalies } from '../records/normalize';
import { fetchSlice, MAX_RECORDS_PER_FILTER } from './fetch-slice';
import { OUTPUT_FORMATS } from './output-formats';
import { storeDataFiles } from './store-files';
import type { InstanceTally } from './summary';
import type { RunContext } from './types';
import { isoUtc, splitInHalves, type TimeRange } from './windows';

/** One hour, fetched and stored as data files, not yet visible: publishHour makes it so. */
export interface HourOutput {
  hour: TimeRange;
  format: ExportFormat;
  files: DataFileEntry[];
  /** Sum over the hour's pieces of the API's TotalCount. */
  sourceTotal: number;
  records: number;
  anomalies: Anomalies;
}

/**
 * Fetches one UTC hour and stores its data files. A piece whose TotalCount
 * is beyond the API's paging depth is split in halves (down to one second),
 * oldest half first, so files stay in time order.
 * @throws SliceTooDenseError when one second holds more than the API can page through
 * @throws IncompleteSliceError, upstream AppErrors (AICCS), StoreFailedError / ContentMismatchError (OSS)
 */
export async function fetchHour(hour: TimeRange, format: ExportFormat, tally: InstanceTally, ctx: RunContext): Promise<HourOutput> {
  const { settings } = ctx;
  const anomalies: Anomalies = {};
  const files: DataFileEntry[] = [];
  const mask = createPhoneMasker(settings.phoneMasking ?? { mode: 'none' });
  const output = OUTPUT_FORMATS[format];
  const limits = { maxRecords: settings.maxObjectRecords, maxBytes: settings.maxObjectBytes };
  let sourceTotal = 0;
  let records = 0;
  const pending: TimeRange[] = [hour];
  for (let piece = pending.shift(); piece !== undefined; piece = pending.shift()) {
    const fetched = await fetchSlice(piece, {
      api: ctx.api,
      instanceId: tally.instanceId,
      sourceTimeZone: settings.sourceTimeZone,
      timeUnit: settings.timeUnit,
      limiter: ctx.limiter,
      concurrency: settings.concurrency,
      deadline: ctx.fetchUntil.at,
      signal: ctx.fetchUntil.signal,
      stats: tally.calls,
      anomalies,
      maxRefetches: settings.maxRefetches,
      ...(settings.maxRecordsPerFilter !== undefined ? { maxRecordsPerFilter: settings.maxRecordsPerFilter } : {}),
      newWriter: () => {
        const writer = output.createWriter(limits);
        return {
          add: (record) => writer.add(mask(record)),
          finish: () => writer.finish(),
          get records() {
            return writer.records;
          },
        };
      },
      onRefetch: (info) => {
        tally.add('refetches');
        ctx.logger.warn('records moved during paging; reading the slice again', {
          instance_id: tally.instanceId,
          from: isoUtc(info.range.from),
          to: isoUtc(info.range.to),
          expected: info.expected,
          unique: info.unique,
          recount: info.recount,
        });
      },
    });
    tally.add('pages', fetched.pages);
    if (fetched.kind === 'too-large') {
      const halves = splitInHalves(piece);
      if (!halves)
        throw new SliceTooDenseError({ from: isoUtc(piece.from), to: isoUtc(piece.to) }, fetched.totalCount, settings.maxRecordsPerFilter ?? MAX_RECORDS_PER_FILTER);
      tally.add('splits');
      pending.unshift(...halves);
      continue;
    }
    tally.add('pieces');
    sourceTotal += fetched.totalCount;
    records += fetched.records;
    files.push(...(await storeDataFiles(piece, fetched.files, format, tally, ctx)));
  }
  return { hour, format, files, sourceTotal, records, anomalies };
}
