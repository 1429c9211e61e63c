/**
 * Multipart upload: initiate, upload part, complete, abort, list parts.
 */

import { OssError } from '../errors';
import { headerValue } from '../headers';
import { buildObjectMeta, md5Etag, multipartEtag, normalizeEtag } from '../object-meta';
import { queryValue } from '../request-target';
import { parseCompleteParts, type CompletePart } from '../xml';
import type { Upload, UploadedPart } from '../multipart';
import type { HandlerContext, HandlerResponse } from './context';
import { checkContentMd5, fileAlreadyExists, forbidsOverwrite, integerParam, isoTime, requireValidKey, writeAttributes, xmlResponse } from './common';

/** Every part but the last must be at least this large (OSS: 100 KiB). */
export const MIN_PART_SIZE = 100 * 1024;
/** Part numbers OSS accepts. */
export const MAX_PART_NUMBER = 10_000;

function activeUpload(ctx: HandlerContext): Upload {
  return ctx.uploads.active(ctx.bucket, ctx.key, queryValue(ctx.query, 'uploadId') ?? '');
}

/** InitiateMultipartUpload (`POST ?uploads`). Create-only is checked here and again on complete. */
export function initiateMultipartUpload(ctx: HandlerContext): HandlerResponse {
  requireValidKey(ctx.key);
  if (forbidsOverwrite(ctx.headers) && ctx.store.head(ctx.bucket, ctx.key) !== undefined) {
    throw fileAlreadyExists(ctx.key);
  }
  const upload = ctx.uploads.initiate(ctx.bucket, ctx.key, writeAttributes(ctx.headers), ctx.now);
  return xmlResponse([
    'InitiateMultipartUploadResult',
    [
      ['Bucket', ctx.bucket],
      ['Key', ctx.key],
      ['UploadId', upload.uploadId],
    ],
  ]);
}

/** UploadPart (`PUT ?partNumber&uploadId`): ETag header on every response; Content-MD5 checked when sent. */
export function uploadPart(ctx: HandlerContext): HandlerResponse {
  const partNumber = integerParam(queryValue(ctx.query, 'partNumber'), 'partNumber', 1, MAX_PART_NUMBER, Number.NaN);
  if (Number.isNaN(partNumber)) {
    throw new OssError('InvalidArgument', {
      message: `Expected partNumber to be an integer from 1 to ${MAX_PART_NUMBER}, got none.`,
    });
  }
  const upload = activeUpload(ctx);
  checkContentMd5(ctx.headers, ctx.body);
  const part: UploadedPart = { partNumber, body: Buffer.from(ctx.body), etag: md5Etag(ctx.body), lastModified: ctx.now };
  upload.parts.set(partNumber, part);
  return { status: 200, headers: { ETag: part.etag } };
}

/** Check the client's part list against what was uploaded; returns the parts to concatenate. */
function resolveParts(upload: Upload, requested: readonly CompletePart[]): UploadedPart[] {
  const parts: UploadedPart[] = [];
  let previous = 0;
  for (const { partNumber, etag } of requested) {
    if (partNumber <= previous) {
      throw new OssError('InvalidPartOrder', {
        message: `The list of parts was not in ascending order. (Part ${partNumber} follows part ${previous}.)`,
      });
    }
    previous = partNumber;
    const part = upload.parts.get(partNumber);
    if (part === undefined || normalizeEtag(part.etag) !== normalizeEtag(etag)) {
      throw new OssError('InvalidPart', {
        message:
          part === undefined
            ? `Part ${partNumber} was never uploaded for upload ${upload.uploadId}.`
            : `Part ${partNumber} has ETag ${part.etag}, but the complete request lists ${etag}.`,
        details: [
          ['PartNumber', String(partNumber)],
          ['ETag', etag],
        ],
      });
    }
    parts.push(part);
  }
  parts.slice(0, -1).forEach((part) => {
    if (part.body.length < MIN_PART_SIZE) {
      throw new OssError('EntityTooSmall', {
        message: `Your proposed upload is smaller than the minimum allowed size. (Part ${part.partNumber} has ${part.body.length} bytes; every part but the last needs at least ${MIN_PART_SIZE}.)`,
        details: [
          ['PartNumber', String(part.partNumber)],
          ['MinSizeAllowed', String(MIN_PART_SIZE)],
          ['ProposedSize', String(part.body.length)],
        ],
      });
    }
  });
  return parts;
}

/**
 * CompleteMultipartUpload (`POST ?uploadId`): validates part order and ETags,
 * honours `x-oss-forbid-overwrite`, and stores the object with a multipart ETag.
 * `x-oss-complete-all: yes` completes with every uploaded part instead of a list.
 */
export function completeMultipartUpload(ctx: HandlerContext): HandlerResponse {
  const upload = activeUpload(ctx);
  const completeAll = headerValue(ctx.headers, 'x-oss-complete-all')?.trim().toLowerCase() === 'yes';
  if (completeAll && ctx.body.length > 0) {
    throw new OssError('InvalidArgument', {
      message: 'With x-oss-complete-all: yes the request body must be empty.',
    });
  }
  checkContentMd5(ctx.headers, ctx.body);
  const requested = completeAll ? [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber) : parseCompleteParts(ctx.body.toString('utf8'));
  if (requested.length === 0) {
    throw new OssError('InvalidPart', { message: `Upload ${upload.uploadId} has no parts to complete.` });
  }
  const parts = resolveParts(upload, requested);
  if (forbidsOverwrite(ctx.headers) && ctx.store.head(ctx.bucket, ctx.key) !== undefined) {
    throw fileAlreadyExists(ctx.key);
  }
  const body = Buffer.concat(parts.map((part) => part.body));
  const meta = buildObjectMeta(body, {
    contentType: upload.contentType,
    userMeta: upload.userMeta,
    contentHeaders: upload.contentHeaders,
    lastModified: ctx.now,
    multipartEtag: multipartEtag(parts.map((part) => part.etag)),
  });
  ctx.store.put(ctx.bucket, ctx.key, body, meta);
  ctx.uploads.complete(upload);
  const location = `http://${ctx.bucket}.${ctx.region}.aliyuncs.com/${ctx.key.split('/').map(encodeURIComponent).join('/')}`;
  return xmlResponse(
    [
      'CompleteMultipartUploadResult',
      [
        ['Location', location],
        ['Bucket', ctx.bucket],
        ['Key', ctx.key],
        ['ETag', meta.etag],
      ],
    ],
    { ETag: meta.etag, 'x-oss-hash-crc64ecma': meta.crc64 },
  );
}

/** AbortMultipartUpload (`DELETE ?uploadId`): 204, parts discarded. */
export function abortMultipartUpload(ctx: HandlerContext): HandlerResponse {
  ctx.uploads.abort(activeUpload(ctx));
  return { status: 204 };
}

/** ListParts (`GET ?uploadId`): max-parts and part-number-marker paging. */
export function listParts(ctx: HandlerContext): HandlerResponse {
  const upload = activeUpload(ctx);
  const marker = integerParam(queryValue(ctx.query, 'part-number-marker'), 'part-number-marker', 0, MAX_PART_NUMBER, 0);
  const maxParts = integerParam(queryValue(ctx.query, 'max-parts'), 'max-parts', 1, 1000, 1000);
  const all = [...upload.parts.values()].filter((part) => part.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  return xmlResponse([
    'ListPartsResult',
    [
      ['Bucket', ctx.bucket],
      ['Key', ctx.key],
      ['UploadId', upload.uploadId],
      ['PartNumberMarker', marker],
      ['NextPartNumberMarker', page.at(-1)?.partNumber ?? marker],
      ['MaxParts', maxParts],
      ['IsTruncated', truncated],
      ...page.map((part): [string, [string, string | number][]] => [
        'Part',
        [
          ['PartNumber', part.partNumber],
          ['LastModified', isoTime(part.lastModified)],
          ['ETag', part.etag],
          ['Size', part.body.length],
        ],
      ]),
    ],
  ]);
}
