/** Replay protection: remembers SignatureNonce values for a limited time. */

/**
 * Seen-set of nonces with a TTL and a hard size cap, so a long-running local
 * stack cannot grow without bound. Entries are kept in insertion order, which
 * is also expiry order, so pruning only looks at the front.
 */
export class NonceCache {
  readonly #expiries = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  /**
   * @param ttlMs - how long a nonce stays used; the gateway's 15-minute
   *   timestamp window makes older replays fail on the timestamp anyway.
   * @param maxEntries - hard cap; the oldest nonces are forgotten first.
   */
  constructor(ttlMs = 15 * 60 * 1000, maxEntries = 200_000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  /** Whether the nonce was recorded and has not expired at `now` (epoch ms). */
  has(nonce: string, now: number): boolean {
    this.#prune(now);
    const expiry = this.#expiries.get(nonce);
    return expiry !== undefined && expiry > now;
  }

  /** Record a nonce as used at `now` (epoch ms). */
  add(nonce: string, now: number): void {
    this.#expiries.delete(nonce);
    this.#expiries.set(nonce, now + this.#ttlMs);
    while (this.#expiries.size > this.#maxEntries) {
      const oldest = this.#expiries.keys().next().value;
      if (oldest === undefined) break;
      this.#expiries.delete(oldest);
    }
  }

  /** Number of remembered nonces (for tests). */
  get size(): number {
    return this.#expiries.size;
  }

  #prune(now: number): void {
    for (const [nonce, expiry] of this.#expiries) {
      if (expiry > now) break;
      this.#expiries.delete(nonce);
    }
  }
}
