/**
 * The storage port behind the protocol layer. Synchronous on purpose: the
 * inspection helpers tests call (`server.getObject`, `listKeys`) are synchronous,
 * and a test server's objects are small.
 */

import type { OssObjectMeta, OssStoredObject } from '../types';

/** A listing entry. */
export interface StoreEntry {
  readonly key: string;
  readonly meta: OssObjectMeta;
}

/** Objects of the configured buckets. Bucket names are validated by the caller. */
export interface ObjectStore {
  /**
   * Store or replace an object.
   *
   * @throws OssError `InvalidObjectName` when the backend cannot hold this key
   *   (disk storage refuses keys that would leave its directory).
   */
  put(bucket: string, key: string, body: Buffer, meta: OssObjectMeta): void;
  get(bucket: string, key: string): OssStoredObject | undefined;
  head(bucket: string, key: string): OssObjectMeta | undefined;
  /** @returns whether the object existed. */
  delete(bucket: string, key: string): boolean;
  /** All objects of a bucket in UTF-8 byte order of their keys. */
  entries(bucket: string): StoreEntry[];
}
