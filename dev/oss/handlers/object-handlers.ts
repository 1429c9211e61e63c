/**
 * Single-object operations: PutObject, GetObject/HeadObject, GetObjectMeta,
 * DeleteObject and CopyObject.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { OssError } from '../errors';
import { headerValue } from '../headers';
import { buildObjectMeta, normalizeEtag } from '../object-meta';
import { queryValue } from '../request-target';
import type { OssObjectMeta } from '../types';
import type { HandlerContext, HandlerResponse } from './context';
import { checkContentMd5, fileAlreadyExists, forbidsOverwrite, isoTime, objectHeaders, requireValidKey, writeAttributes, xmlResponse } from './common';

/** GetObject query parameters that override response headers. */
const RESPONSE_OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
];

function noSuchKey(key: string): OssError {
  return new OssError('NoSuchKey', { details: [['Key', key]] });
}

/** PutObject: Content-MD5 check, create-only writes, metadata, OSS-style ETag and CRC-64. */
export function putObject(ctx: HandlerContext): HandlerResponse {
  requireValidKey(ctx.key);
  checkContentMd5(ctx.headers, ctx.body);
  if (forbidsOverwrite(ctx.headers) && ctx.store.head(ctx.bucket, ctx.key) !== undefined) {
    throw fileAlreadyExists(ctx.key);
  }
  const meta = buildObjectMeta(ctx.body, { ...writeAttributes(ctx.headers), lastModified: ctx.now });
  ctx.store.put(ctx.bucket, ctx.key, ctx.body, meta);
  const headers: Record<string, string> = { ETag: meta.etag, 'x-oss-hash-crc64ecma': meta.crc64 };
  if (meta.contentMd5 !== undefined) headers['Content-MD5'] = meta.contentMd5;
  return { status: 200, headers };
}

function etagListMatches(list: string, etag: string): boolean {
  const wanted = normalizeEtag(etag);
  return list.split(',').some((item) => item.trim() === '*' || normalizeEtag(item) === wanted);
}

/** HTTP dates have whole seconds, so compare at that precision. */
function modifiedAfter(meta: OssObjectMeta, dateText: string): boolean | undefined {
  const date = Date.parse(dateText);
  if (Number.isNaN(date)) return undefined; // Invalid dates are ignored, as HTTP prescribes.
  return Math.floor(meta.lastModified / 1000) * 1000 > date;
}

/**
 * Evaluate If-Match / If-Unmodified-Since (412) and If-None-Match / If-Modified-Since
 * (304) in RFC 9110 order. The prefix lets CopyObject reuse this for
 * `x-oss-copy-source-if-*`.
 *
 * @returns 304 when the client's copy is current, undefined to proceed.
 * @throws OssError `PreconditionFailed` naming the failed condition.
 */
function evaluateConditions(headers: IncomingHttpHeaders, meta: OssObjectMeta, prefix = ''): 304 | undefined {
  const get = (name: string): string | undefined => headerValue(headers, `${prefix}${name}`);
  const failed = (condition: string): OssError => new OssError('PreconditionFailed', { details: [['Condition', `${prefix}${condition}`]] });
  const ifMatch = get('if-match');
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, meta.etag)) throw failed('If-Match');
  } else {
    const ifUnmodified = get('if-unmodified-since');
    if (ifUnmodified !== undefined && modifiedAfter(meta, ifUnmodified) === true) throw failed('If-Unmodified-Since');
  }
  const ifNoneMatch = get('if-none-match');
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, meta.etag) ? 304 : undefined;
  const ifModified = get('if-modified-since');
  if (ifModified !== undefined && modifiedAfter(meta, ifModified) === false) return 304;
  return undefined;
}

/** A single byte range, `'unsatisfiable'`, or undefined to send the whole object (OSS ignores invalid ranges). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** GetObject and HeadObject: conditional headers, a single Range, response-* overrides. */
export function getObject(ctx: HandlerContext): HandlerResponse {
  const isHead = ctx.method === 'HEAD';
  const object = isHead ? undefined : ctx.store.get(ctx.bucket, ctx.key);
  const meta = isHead ? ctx.store.head(ctx.bucket, ctx.key) : object?.meta;
  if (meta === undefined) throw noSuchKey(ctx.key);
  const headers = objectHeaders(meta);
  if (evaluateConditions(ctx.headers, meta) === 304) {
    return { status: 304, headers: { ETag: meta.etag, 'Last-Modified': headers['Last-Modified'] ?? '' } };
  }
  for (const [param, header] of RESPONSE_OVERRIDES) {
    const value = queryValue(ctx.query, param);
    if (value !== undefined) headers[header] = value;
  }
  const range = parseRange(headerValue(ctx.headers, 'range'), meta.size);
  if (range === 'unsatisfiable') {
    throw new OssError('InvalidRange', {
      message: `The requested range cannot be satisfied. (Range ${JSON.stringify(headerValue(ctx.headers, 'range'))}, object size ${meta.size}.)`,
      details: [
        ['RangeRequested', headerValue(ctx.headers, 'range') ?? ''],
        ['ActualObjectSize', String(meta.size)],
      ],
    });
  }
  if (range !== undefined) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
    const length = range.end - range.start + 1;
    if (isHead) return { status: 206, headers: { ...headers, 'Content-Length': String(length) } };
    return { status: 206, headers, body: object?.body.subarray(range.start, range.end + 1) ?? Buffer.alloc(0) };
  }
  if (isHead) return { status: 200, headers: { ...headers, 'Content-Length': String(meta.size) } };
  return { status: 200, headers, body: object?.body ?? Buffer.alloc(0) };
}

/**
 * GetObjectMeta (`?objectMeta`, HEAD or GET): ETag, size, Last-Modified and CRC-64.
 * User metadata is not part of this lighter answer in the OSS API reference.
 */
export function getObjectMeta(ctx: HandlerContext): HandlerResponse {
  const meta = ctx.store.head(ctx.bucket, ctx.key);
  if (meta === undefined) throw noSuchKey(ctx.key);
  const headers: Record<string, string> = {
    ETag: meta.etag,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'x-oss-hash-crc64ecma': meta.crc64,
  };
  // A GET must not announce a body it does not send; HEAD reports the object size.
  if (ctx.method === 'HEAD') headers['Content-Length'] = String(meta.size);
  return { status: 200, headers };
}

/** DeleteObject: 204 whether or not the key existed. */
export function deleteObject(ctx: HandlerContext): HandlerResponse {
  requireValidKey(ctx.key);
  ctx.store.delete(ctx.bucket, ctx.key);
  return { status: 204 };
}

/** `x-oss-copy-source: /<bucket>/<url-encoded key>` → bucket and decoded key. */
function parseCopySource(raw: string): { bucket: string; key: string } {
  if (raw.includes('?')) {
    throw new OssError('NotImplemented', {
      message: `Copying a specific version (x-oss-copy-source ${JSON.stringify(raw)}) is not emulated.`,
    });
  }
  const match = /^\/([^/]+)\/(.+)$/.exec(raw.trim());
  if (match === null) {
    throw new OssError('InvalidArgument', {
      message: `Expected x-oss-copy-source to be "/<bucket>/<url-encoded key>", got ${JSON.stringify(raw)}.`,
    });
  }
  try {
    return { bucket: match[1] ?? '', key: decodeURIComponent(match[2] ?? '') };
  } catch {
    throw new OssError('InvalidArgument', {
      message: `Expected the key in x-oss-copy-source to be percent-encoded, got ${JSON.stringify(raw)}.`,
    });
  }
}

/** CopyObject: source conditions, metadata directive, create-only target. */
export function copyObject(ctx: HandlerContext): HandlerResponse {
  requireValidKey(ctx.key);
  const source = parseCopySource(headerValue(ctx.headers, 'x-oss-copy-source') ?? '');
  if (!ctx.bucketNames.has(source.bucket)) {
    throw new OssError('NoSuchBucket', { details: [['BucketName', source.bucket]] });
  }
  const object = ctx.store.get(source.bucket, source.key);
  if (object === undefined) throw noSuchKey(source.key);
  if (evaluateConditions(ctx.headers, object.meta, 'x-oss-copy-source-') === 304) {
    return { status: 304, headers: { ETag: object.meta.etag } };
  }
  const directive = (headerValue(ctx.headers, 'x-oss-metadata-directive') ?? 'COPY').trim().toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new OssError('InvalidArgument', {
      message: `Expected x-oss-metadata-directive to be COPY or REPLACE, got ${JSON.stringify(directive)}.`,
    });
  }
  if (forbidsOverwrite(ctx.headers) && ctx.store.head(ctx.bucket, ctx.key) !== undefined) {
    throw fileAlreadyExists(ctx.key);
  }
  const attributes = directive === 'REPLACE' ? writeAttributes(ctx.headers) : object.meta;
  const meta: OssObjectMeta = {
    ...object.meta,
    contentType: attributes.contentType,
    userMeta: { ...attributes.userMeta },
    contentHeaders: { ...attributes.contentHeaders },
    lastModified: ctx.now,
  };
  ctx.store.put(ctx.bucket, ctx.key, object.body, meta);
  return xmlResponse(
    [
      'CopyObjectResult',
      [
        ['ETag', meta.etag],
        ['LastModified', isoTime(meta.lastModified)],
      ],
    ],
    { ETag: meta.etag, 'x-oss-hash-crc64ecma': meta.crc64 },
  );
}
