/**
 * Helpers shared by the operation handlers: request validation and the headers
 * OSS attaches to object responses.
 */

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OssError } from '../errors';
import { headerValue } from '../headers';
import { objectKeyProblem } from '../key-order';
import type { UploadInit } from '../multipart';
import { CONTENT_HEADERS } from '../object-meta';
import type { OssObjectMeta } from '../types';
import { renderXml, type XmlNode } from '../xml';
import type { HandlerResponse } from './context';

/** Owner reported in listings; ali-oss dereferences `Owner.ID` without a null check. */
export const OWNER = { id: '1234567890123456', displayName: '1234567890123456' } as const;

/**
 * @throws OssError `InvalidObjectName` when the key breaks the OSS naming rules.
 */
export function requireValidKey(key: string): void {
  const problem = objectKeyProblem(key);
  if (problem !== undefined) throw new OssError('InvalidObjectName', { message: problem });
}

/**
 * Verify `Content-MD5` when the client sent one.
 *
 * @throws OssError `InvalidDigest` when it is not base64 of 16 bytes or does not match the body.
 */
export function checkContentMd5(headers: IncomingHttpHeaders, body: Buffer): void {
  const sent = headerValue(headers, 'content-md5');
  if (sent === undefined) return;
  const actual = createHash('md5').update(body).digest('base64');
  const decoded = Buffer.from(sent.trim(), 'base64');
  if (decoded.length !== 16 || decoded.toString('base64') !== actual) {
    throw new OssError('InvalidDigest', {
      message: `The Content-MD5 you specified was invalid. (Header says ${JSON.stringify(sent)}, the ${body.length}-byte body hashes to ${JSON.stringify(actual)}.)`,
      details: [['Content-MD5', sent]],
    });
  }
}

/** Whether the request asks for create-only semantics (`x-oss-forbid-overwrite: true`). */
export function forbidsOverwrite(headers: IncomingHttpHeaders): boolean {
  return headerValue(headers, 'x-oss-forbid-overwrite')?.trim().toLowerCase() === 'true';
}

/** The `409 FileAlreadyExists` (EC 0026-00000201) error for a create-only write onto an existing key. */
export function fileAlreadyExists(key: string): OssError {
  return new OssError('FileAlreadyExists', {
    message: `The object you specified already exists and can not be overwritten. (Key ${JSON.stringify(key)}; the request set x-oss-forbid-overwrite: true.)`,
  });
}

/** Content type, user metadata and content headers a write request sets. */
export function writeAttributes(headers: IncomingHttpHeaders): UploadInit {
  const userMeta: Record<string, string> = {};
  const contentHeaders: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headerValue(headers, name);
    if (value === undefined) continue;
    if (name.startsWith('x-oss-meta-')) userMeta[name.slice('x-oss-meta-'.length)] = value;
    else if ((CONTENT_HEADERS as readonly string[]).includes(name)) contentHeaders[name] = value;
  }
  return {
    contentType: headerValue(headers, 'content-type') ?? 'application/octet-stream',
    userMeta,
    contentHeaders,
  };
}

/** Headers OSS returns with GET/HEAD of an object (and mostly with PUT). */
export function objectHeaders(meta: OssObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': meta.contentType,
    ETag: meta.etag,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-oss-object-type': meta.objectType,
    'x-oss-storage-class': 'Standard',
    'x-oss-hash-crc64ecma': meta.crc64,
  };
  if (meta.contentMd5 !== undefined) headers['Content-MD5'] = meta.contentMd5;
  for (const [name, value] of Object.entries(meta.contentHeaders)) headers[name] = value;
  for (const [name, value] of Object.entries(meta.userMeta)) headers[`x-oss-meta-${name}`] = value;
  return headers;
}

/** A 200 XML document response. */
export function xmlResponse(root: XmlNode, headers: Readonly<Record<string, string>> = {}): HandlerResponse {
  return { status: 200, headers: { 'Content-Type': 'application/xml', ...headers }, body: renderXml(root) };
}

/** ISO-8601 with milliseconds, as OSS prints `LastModified` and `Initiated`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Parse an optional integer query parameter within bounds.
 *
 * @throws OssError `InvalidArgument` naming the parameter when it is not an integer in range.
 */
export function integerParam(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new OssError('InvalidArgument', {
      message: `Expected ${name} to be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`,
      details: [
        ['ArgumentName', name],
        ['ArgumentValue', value],
      ],
    });
  }
  return parsed;
}
