/**
 * Seeded pseudo-random helpers for the emulator's synthetic data and fault
 * injection. Determinism matters more than quality here: the same seed must
 * give the same records and the same fault sequence on every machine.
 */

/** A generator of floats in [0, 1). */
export type Random = () => number;

/**
 * Create a mulberry32 generator: 32-bit state, fast, and good enough for test
 * data. Not suitable for anything security related.
 *
 * @param seed - any number; only its low 32 bits are used.
 * @returns a function returning floats in [0, 1).
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 32-bit FNV-1a hash of a string, used to derive stable per-record choices
 * (for example how a missing value is rendered) without storing extra state.
 *
 * @returns an unsigned 32-bit integer.
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Integer uniformly drawn from [min, max] (both inclusive). */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * Pick one element of a non-empty array.
 *
 * @throws RangeError when the array is empty (a programming error).
 */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick() needs a non-empty array');
  return item;
}

/** A value with a relative weight, for {@link createWeightedPicker}. */
export type Weighted<T> = readonly [value: T, weight: number];

/**
 * Build a picker over weighted values. Weights are relative and need not sum
 * to 1; the cumulative table is computed once so each pick is a short scan.
 *
 * @throws RangeError when no entry has a positive weight.
 */
export function createWeightedPicker<T>(entries: readonly Weighted<T>[]): (random: Random) => T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (!(total > 0)) throw new RangeError('createWeightedPicker() needs at least one positive weight');
  const values = entries.map(([value]) => value);
  const cumulative: number[] = [];
  let running = 0;
  for (const [, weight] of entries) {
    running += weight / total;
    cumulative.push(running);
  }
  const last = values[values.length - 1] as T;
  return (random) => {
    const r = random();
    for (let i = 0; i < cumulative.length; i++) {
      if (r < (cumulative[i] as number)) return values[i] as T;
    }
    // Floating-point rounding can leave the last bucket ending just below 1.
    return last;
  };
}
