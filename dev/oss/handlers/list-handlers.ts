/**
 * Listings: ListObjects (v1), ListObjectsV2 and ListMultipartUploads.
 */

import { OssError } from '../errors';
import { compareKeys } from '../key-order';
import { queryValue } from '../request-target';
import type { StoreEntry } from '../store/object-store';
import type { XmlNode } from '../xml';
import type { HandlerContext, HandlerResponse } from './context';
import { integerParam, isoTime, OWNER, xmlResponse } from './common';

/** One page of a listing: objects and rolled-up prefixes, in key order. */
interface ListingPage {
  readonly contents: StoreEntry[];
  readonly prefixes: string[];
  readonly truncated: boolean;
  /** The last key or prefix returned; the next page starts after it. */
  readonly last: string | undefined;
}

/**
 * Walk a bucket's sorted entries. A key under an already-returned common prefix
 * (prefix ≤ `after`) is skipped, so a page boundary right after a prefix does not
 * repeat it. `max-keys` counts keys and prefixes together, as on OSS.
 */
function listPage(entries: readonly StoreEntry[], options: { prefix: string; delimiter: string; after: string | undefined; maxKeys: number }): ListingPage {
  const { prefix, delimiter, after, maxKeys } = options;
  const contents: StoreEntry[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const entry of entries) {
    if (!entry.key.startsWith(prefix)) continue;
    if (after !== undefined && compareKeys(entry.key, after) <= 0) continue;
    const cut = delimiter === '' ? -1 : entry.key.indexOf(delimiter, prefix.length);
    const rolledUp = cut === -1 ? undefined : entry.key.slice(0, cut + delimiter.length);
    if (rolledUp !== undefined) {
      if (rolledUp === last || (after !== undefined && compareKeys(rolledUp, after) <= 0)) continue;
    }
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (rolledUp !== undefined) prefixes.push(rolledUp);
    else contents.push(entry);
    last = rolledUp ?? entry.key;
  }
  return { contents, prefixes, truncated, last };
}

/** `encoding-type=url` makes OSS percent-encode keys and prefixes in the response. */
function encoderFor(ctx: HandlerContext): (text: string) => string {
  const encodingType = queryValue(ctx.query, 'encoding-type');
  if (encodingType === undefined || encodingType === '') return (text) => text;
  if (encodingType !== 'url') {
    throw new OssError('InvalidArgument', {
      message: `Expected encoding-type to be "url", got ${JSON.stringify(encodingType)}.`,
    });
  }
  return (text) => encodeURIComponent(text);
}

function contentsNode(entry: StoreEntry, encode: (text: string) => string, withOwner: boolean): XmlNode {
  const children: XmlNode[] = [
    ['Key', encode(entry.key)],
    ['LastModified', isoTime(entry.meta.lastModified)],
    ['ETag', entry.meta.etag],
    ['Type', entry.meta.objectType],
    ['Size', entry.meta.size],
    ['StorageClass', 'Standard'],
  ];
  if (withOwner) {
    children.push([
      'Owner',
      [
        ['ID', OWNER.id],
        ['DisplayName', OWNER.displayName],
      ],
    ]);
  }
  return ['Contents', children];
}

function commonPrefixNodes(prefixes: readonly string[], encode: (text: string) => string): XmlNode[] {
  return prefixes.map((prefix): XmlNode => ['CommonPrefixes', [['Prefix', encode(prefix)]]]);
}

/** ListObjects (v1). Unlike S3, OSS returns `NextMarker` whenever the page is truncated. */
export function listObjects(ctx: HandlerContext): HandlerResponse {
  const encode = encoderFor(ctx);
  const prefix = queryValue(ctx.query, 'prefix') ?? '';
  const delimiter = queryValue(ctx.query, 'delimiter') ?? '';
  const marker = queryValue(ctx.query, 'marker') ?? '';
  const maxKeys = integerParam(queryValue(ctx.query, 'max-keys'), 'max-keys', 0, 1000, 100);
  const page = listPage(ctx.store.entries(ctx.bucket), {
    prefix,
    delimiter,
    after: marker === '' ? undefined : marker,
    maxKeys,
  });
  const children: XmlNode[] = [
    ['Name', ctx.bucket],
    ['Prefix', encode(prefix)],
    ['Marker', encode(marker)],
    ['MaxKeys', maxKeys],
    ['Delimiter', encode(delimiter)],
    ['IsTruncated', page.truncated],
  ];
  if (page.truncated && page.last !== undefined) children.push(['NextMarker', encode(page.last)]);
  if (queryValue(ctx.query, 'encoding-type') === 'url') children.push(['EncodingType', 'url']);
  children.push(...page.contents.map((entry) => contentsNode(entry, encode, true)));
  children.push(...commonPrefixNodes(page.prefixes, encode));
  return xmlResponse(['ListBucketResult', children]);
}

/** Continuation tokens are opaque to clients: base64url of the last returned key or prefix. */
function encodeToken(last: string): string {
  return Buffer.from(last, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url');
  if (token === '' || decoded.toString('base64url') !== token) {
    throw new OssError('InvalidArgument', {
      message: `The continuation-token ${JSON.stringify(token)} is not one this server issued.`,
      details: [
        ['ArgumentName', 'continuation-token'],
        ['ArgumentValue', token],
      ],
    });
  }
  return decoded.toString('utf8');
}

/** ListObjectsV2 (`list-type=2`): continuation tokens, start-after, fetch-owner, KeyCount. */
export function listObjectsV2(ctx: HandlerContext): HandlerResponse {
  const encode = encoderFor(ctx);
  const prefix = queryValue(ctx.query, 'prefix') ?? '';
  const delimiter = queryValue(ctx.query, 'delimiter') ?? '';
  const startAfter = queryValue(ctx.query, 'start-after');
  const token = queryValue(ctx.query, 'continuation-token');
  const fetchOwner = queryValue(ctx.query, 'fetch-owner') === 'true';
  const maxKeys = integerParam(queryValue(ctx.query, 'max-keys'), 'max-keys', 0, 1000, 100);
  // A token supersedes start-after: it already lies beyond it.
  const after = token !== undefined ? decodeToken(token) : startAfter === '' ? undefined : startAfter;
  const page = listPage(ctx.store.entries(ctx.bucket), { prefix, delimiter, after, maxKeys });
  const children: XmlNode[] = [
    ['Name', ctx.bucket],
    ['Prefix', encode(prefix)],
  ];
  if (startAfter !== undefined) children.push(['StartAfter', encode(startAfter)]);
  if (token !== undefined) children.push(['ContinuationToken', token]);
  children.push(['MaxKeys', maxKeys], ['Delimiter', encode(delimiter)], ['IsTruncated', page.truncated]);
  if (page.truncated && page.last !== undefined) children.push(['NextContinuationToken', encodeToken(page.last)]);
  children.push(['KeyCount', page.contents.length + page.prefixes.length]);
  if (queryValue(ctx.query, 'encoding-type') === 'url') children.push(['EncodingType', 'url']);
  children.push(...page.contents.map((entry) => contentsNode(entry, encode, fetchOwner)));
  children.push(...commonPrefixNodes(page.prefixes, encode));
  return xmlResponse(['ListBucketResult', children]);
}

/** ListMultipartUploads (`GET /?uploads`): prefix, key-marker / upload-id-marker, max-uploads. */
export function listMultipartUploads(ctx: HandlerContext): HandlerResponse {
  const prefix = queryValue(ctx.query, 'prefix') ?? '';
  const keyMarker = queryValue(ctx.query, 'key-marker') ?? '';
  const uploadIdMarker = queryValue(ctx.query, 'upload-id-marker') ?? '';
  const maxUploads = integerParam(queryValue(ctx.query, 'max-uploads'), 'max-uploads', 1, 1000, 1000);
  const all = ctx.uploads
    .activeUploads(ctx.bucket)
    .filter((upload) => upload.key.startsWith(prefix))
    // Upload IDs sort in initiation order (see MultipartRegistry.initiate).
    .sort((a, b) => compareKeys(a.key, b.key) || compareKeys(a.uploadId, b.uploadId))
    .filter((upload) => {
      if (keyMarker === '') return true;
      const byKey = compareKeys(upload.key, keyMarker);
      // Without an upload-id-marker the whole marker key is skipped.
      return byKey > 0 || (byKey === 0 && uploadIdMarker !== '' && compareKeys(upload.uploadId, uploadIdMarker) > 0);
    });
  const page = all.slice(0, maxUploads);
  const truncated = all.length > page.length;
  const lastUpload = page.at(-1);
  const children: XmlNode[] = [
    ['Bucket', ctx.bucket],
    ['KeyMarker', keyMarker],
    ['UploadIdMarker', uploadIdMarker],
    ['NextKeyMarker', truncated && lastUpload ? lastUpload.key : ''],
    ['NextUploadIdMarker', truncated && lastUpload ? lastUpload.uploadId : ''],
    ['Delimiter', queryValue(ctx.query, 'delimiter') ?? ''],
    ['Prefix', prefix],
    ['MaxUploads', maxUploads],
    ['IsTruncated', truncated],
    ...page.map(
      (upload): XmlNode => [
        'Upload',
        [
          ['Key', upload.key],
          ['UploadId', upload.uploadId],
          ['Initiated', isoTime(upload.initiated)],
        ],
      ],
    ),
  ];
  return xmlResponse(['ListMultipartUploadsResult', children]);
}
