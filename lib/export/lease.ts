import { z } from 'zod';
import type { ObjectStore } from '../adapters/oss/object-store';
import { LeaseLostError } from '../errors';

/**
 * A lease on a scope (an instance's watermark, or one UTC day of its
 * partitions) built from create-only writes: each acquisition or renewal
 * creates the next generation object `…/<scope>/<generation>.json` with
 * x-oss-forbid-overwrite, so exactly one contender can win a generation.
 * The holder of the highest generation owns the scope until `expiresAt`.
 */

const LeaseSchema = z.object({ owner: z.string(), expiresAt: z.number(), released: z.boolean().optional() });
type LeaseRecord = z.infer<typeof LeaseSchema>;

export interface Lease {
  readonly scope: string;
  /** Extends the lease; throws LeaseLostError if someone else took it. */
  renew(): Promise<void>;
  /** Throws LeaseLostError unless this lease is still the newest and unexpired. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

export interface LeaseOptions {
  store: ObjectStore;
  /** Key prefix of this scope's generations, ending in `/`. */
  prefix: string;
  owner: string;
  durationMs: number;
  now?: () => number;
}

const generationKey = (prefix: string, generation: number) => `${prefix}${String(generation).padStart(10, '0')}.json`;

async function newest(store: ObjectStore, prefix: string): Promise<{ generation: number; lease: LeaseRecord | undefined } | undefined> {
  const objects = await store.list(prefix);
  let generation = -1;
  for (const object of objects) {
    const match = /(\d{10})\.json$/.exec(object.key);
    if (match) generation = Math.max(generation, Number(match[1]));
  }
  if (generation < 0) return undefined;
  const body = await store.get(generationKey(prefix, generation));
  const parsed = body ? LeaseSchema.safeParse(safeJson(body)) : undefined;
  return { generation, lease: parsed?.success ? parsed.data : undefined };
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Tries to take the lease. Resolves undefined when another owner holds an
 * unexpired one (the caller should skip the scope, not wait).
 */
export async function acquireLease(options: LeaseOptions): Promise<Lease | undefined> {
  const now = options.now ?? Date.now;
  const { store, prefix, owner } = options;
  const current = await newest(store, prefix);
  if (current?.lease && current.lease.owner !== owner && !current.lease.released && current.lease.expiresAt > now()) return undefined;
  let generation = (current?.generation ?? -1) + 1;
  const write = async (record: LeaseRecord, gen: number) => {
    const outcome = await store.put(generationKey(prefix, gen), Buffer.from(JSON.stringify(record)), { contentType: 'application/json', createOnly: true });
    return outcome.outcome === 'created';
  };
  if (!(await write({ owner, expiresAt: now() + options.durationMs }, generation))) return undefined;
  // Generations older than the previous one are history; keep the listing short.
  if (current && current.generation > 0) await deleteOlder(store, prefix, current.generation);

  const assertHeld = async () => {
    const latest = await newest(store, prefix);
    if (!latest || latest.generation !== generation || latest.lease?.owner !== owner)
      throw new LeaseLostError(prefix, `generation ${latest?.generation ?? 'none'} is newer than ours (${generation})`);
    if ((latest.lease.expiresAt ?? 0) <= now()) throw new LeaseLostError(prefix, 'it expired');
  };
  return {
    scope: prefix,
    assertHeld,
    async renew() {
      await assertHeld();
      if (!(await write({ owner, expiresAt: now() + options.durationMs }, generation + 1))) throw new LeaseLostError(prefix, 'another run renewed first');
      generation += 1;
    },
    async release() {
      try {
        await write({ owner, expiresAt: 0, released: true }, generation + 1);
      } catch {
        // Expiry frees it anyway.
      }
    },
  };
}

async function deleteOlder(store: ObjectStore, prefix: string, keepFrom: number): Promise<void> {
  const objects = await store.list(prefix);
  for (const object of objects) {
    const match = /(\d{10})\.json$/.exec(object.key);
    if (match && Number(match[1]) < keepFrom) await store.delete(object.key);
  }
}
