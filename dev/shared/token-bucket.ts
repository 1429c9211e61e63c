/** Request rate limiting (the AICCS emulator uses it for the API's shared 80 calls/s account quota). */

/**
 * Token bucket: holds up to `capacity` tokens, refilled continuously at
 * `ratePerSecond`. Uses a monotonic clock, independent of the emulator's
 * (possibly shifted or frozen) wall clock.
 */
export class TokenBucket {
  readonly #ratePerSecond: number;
  readonly #capacity: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /**
   * @param ratePerSecond - refill rate; `Infinity` disables limiting.
   * @param capacity - burst size; starts full.
   * @throws RangeError when the rate is not positive or the capacity is below 1.
   */
  constructor(ratePerSecond: number, capacity: number = ratePerSecond, now: () => number = () => performance.now()) {
    if (!(ratePerSecond > 0)) throw new RangeError(`Expected qps to be a positive number (or Infinity), got ${String(ratePerSecond)}`);
    if (!(capacity >= 1)) throw new RangeError(`Expected the bucket capacity to be at least 1, got ${String(capacity)}`);
    this.#ratePerSecond = ratePerSecond;
    this.#capacity = capacity;
    this.#now = now;
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Take one token if available. */
  tryTake(): boolean {
    if (this.#ratePerSecond === Number.POSITIVE_INFINITY) return true;
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#last) / 1000) * this.#ratePerSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
