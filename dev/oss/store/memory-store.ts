/**
 * In-memory {@link ObjectStore}: one Map per bucket.
 */

import { compareKeys } from '../key-order';
import type { OssObjectMeta, OssStoredObject } from '../types';
import type { ObjectStore, StoreEntry } from './object-store';

/** Objects held in process memory; gone when the server closes. */
export class MemoryStore implements ObjectStore {
  private readonly buckets = new Map<string, Map<string, OssStoredObject>>();

  constructor(bucketNames: readonly string[]) {
    for (const name of bucketNames) this.buckets.set(name, new Map());
  }

  private bucket(name: string): Map<string, OssStoredObject> {
    const bucket = this.buckets.get(name);
    if (bucket === undefined) throw new Error(`Bucket ${JSON.stringify(name)} is not configured on this OSS test server.`);
    return bucket;
  }

  put(bucket: string, key: string, body: Buffer, meta: OssObjectMeta): void {
    // Copy so later mutation of the caller's buffer cannot change stored bytes.
    this.bucket(bucket).set(key, { body: Buffer.from(body), meta });
  }

  get(bucket: string, key: string): OssStoredObject | undefined {
    const found = this.bucket(bucket).get(key);
    return found === undefined ? undefined : { body: Buffer.from(found.body), meta: found.meta };
  }

  head(bucket: string, key: string): OssObjectMeta | undefined {
    return this.bucket(bucket).get(key)?.meta;
  }

  delete(bucket: string, key: string): boolean {
    return this.bucket(bucket).delete(key);
  }

  entries(bucket: string): StoreEntry[] {
    return [...this.bucket(bucket)].map(([key, object]) => ({ key, meta: object.meta })).sort((a, b) => compareKeys(a.key, b.key));
  }
}
