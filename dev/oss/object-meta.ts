/**
 * Digests and metadata of stored objects, computed the way OSS reports them.
 */

import { createHash } from 'node:crypto';
import { crc64Header } from './crc64';
import type { OssObjectMeta } from './types';

/** Standard headers OSS stores with an object and returns on GET/HEAD. */
export const CONTENT_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'] as const;

/** Quoted upper-case hex MD5, the ETag OSS gives a simple upload. */
export function md5Etag(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`;
}

/**
 * ETag of a completed multipart upload: MD5 over the concatenated binary part
 * MD5s, upper-case hex, then `-<part count>`, quoted.
 *
 * @param partEtags - quoted part ETags in part order.
 */
export function multipartEtag(partEtags: readonly string[]): string {
  const hash = createHash('md5');
  for (const etag of partEtags) hash.update(Buffer.from(normalizeEtag(etag), 'hex'));
  return `"${hash.digest('hex').toUpperCase()}-${partEtags.length}"`;
}

/** ETag without quotes or `W/`, upper-cased, for comparisons. */
export function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toUpperCase();
}

/** Inputs of {@link buildObjectMeta} besides the body. */
export interface ObjectMetaInit {
  readonly contentType: string;
  readonly userMeta: Readonly<Record<string, string>>;
  readonly contentHeaders: Readonly<Record<string, string>>;
  readonly lastModified: number;
  /** Multipart objects get the composite ETag and no Content-MD5. */
  readonly multipartEtag?: string;
}

/** Metadata of a body about to be stored. */
export function buildObjectMeta(body: Buffer, init: ObjectMetaInit): OssObjectMeta {
  const common = {
    size: body.length,
    crc64: crc64Header(body),
    contentType: init.contentType,
    lastModified: init.lastModified,
    userMeta: { ...init.userMeta },
    contentHeaders: { ...init.contentHeaders },
  };
  if (init.multipartEtag !== undefined) {
    return { ...common, etag: init.multipartEtag, objectType: 'Multipart' };
  }
  return {
    ...common,
    etag: md5Etag(body),
    contentMd5: createHash('md5').update(body).digest('base64'),
    objectType: 'Normal',
  };
}
