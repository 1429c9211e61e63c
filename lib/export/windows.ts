/**
 * Pure time arithmetic for exports. All ranges are half-open `[from, to)` in
 * epoch ms, partitions are UTC hours.
 */

export const HOUR_MS = 3_600_000;
export const SECOND_MS = 1_000;

export interface TimeRange {
  from: number;
  to: number;
}

export const floorToHour = (epochMs: number) => Math.floor(epochMs / HOUR_MS) * HOUR_MS;
export const ceilToHour = (epochMs: number) => Math.ceil(epochMs / HOUR_MS) * HOUR_MS;

export interface IncrementalWindowInput {
  /** Where the last run stopped, or undefined on the first run. */
  watermark: number | undefined;
  now: number;
  settleMinutes: number;
  lookbackHours: number;
}

/**
 * The window an incremental run exports: from the watermark (first run:
 * lookback before the settle point) to the last whole UTC hour that is
 * older than the settle time. Empty (from ≥ to) when nothing is due yet.
 */
export function incrementalWindow(input: IncrementalWindowInput): TimeRange {
  const settled = floorToHour(input.now - input.settleMinutes * 60_000);
  const from = input.watermark ?? floorToHour(settled - input.lookbackHours * HOUR_MS);
  return { from, to: settled };
}

/**
 * Widens a requested range to whole UTC hours: a partition is always
 * re-exported whole, so its manifest can be replaced rather than merged.
 */
export function widenToHours(range: TimeRange): TimeRange {
  return { from: floorToHour(range.from), to: ceilToHour(range.to) };
}

/** Hour-aligned slices covering `[from, to)`, oldest first. */
export function hourlySlices(range: TimeRange): TimeRange[] {
  const slices: TimeRange[] = [];
  for (let from = range.from; from < range.to; ) {
    const to = Math.min(floorToHour(from) + HOUR_MS, range.to);
    slices.push({ from, to });
    from = to;
  }
  return slices;
}

/** Splits a slice in two at a whole second (record times have second precision); undefined when it is one second or less. */
export function splitInHalves(range: TimeRange): [TimeRange, TimeRange] | undefined {
  if (range.to - range.from <= SECOND_MS) return undefined;
  const middle = range.from + Math.ceil((range.to - range.from) / 2 / SECOND_MS) * SECOND_MS;
  if (middle <= range.from || middle >= range.to) return undefined;
  return [
    { from: range.from, to: middle },
    { from: middle, to: range.to },
  ];
}

export const isoUtc = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');
