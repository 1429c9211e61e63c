/**
 * HTTP plumbing: reading request bodies, writing handler responses and OSS XML
 * error responses, and an abortable delay for injected latency.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from '../shared/request-body';
import { OssError } from './errors';
import type { HandlerResponse } from './handlers/context';
import { renderXml, type XmlNode } from './xml';

/** OSS's single-request upload limit (5 GiB). */
export const MAX_BODY_BYTES = 5 * 1024 ** 3;

/** A request ID shaped like OSS's: 24 upper-case hex characters. */
export function newRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

/**
 * Read the whole body (fixed-length or chunked).
 *
 * @throws OssError `EntityTooLarge` past {@link MAX_BODY_BYTES} (a declared Content-Length is refused before
 *   reading); an Error when the client goes away mid-body (nobody is left to answer).
 */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) {
    throw new OssError('EntityTooLarge', {
      message: `Your proposed upload exceeds the maximum allowed size. (Content-Length ${declared} > ${MAX_BODY_BYTES}.)`,
    });
  }
  const read = await readRequestBody(req, MAX_BODY_BYTES);
  if (read.kind === 'aborted') throw new Error('The client aborted the request body.');
  if (read.kind === 'too-large') throw new OssError('EntityTooLarge', { message: `The chunked body exceeds ${MAX_BODY_BYTES} bytes.` });
  return read.body;
}

/**
 * Wait `ms` unless `signal` aborts first.
 *
 * @returns true when the full delay elapsed, false when aborted.
 */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function applyHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/**
 * Write a handler response. HEAD, 204 and 304 carry no body; for HEAD a
 * `Content-Length` from the handler (the object size) is sent as is.
 */
export function sendResponse(res: ServerResponse, method: string, requestId: string, response: HandlerResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.statusCode = response.status;
  applyHeaders(res, { Server: 'AliyunOSS', 'x-oss-request-id': requestId });
  applyHeaders(res, response.headers ?? {});
  const body = response.body === undefined ? Buffer.alloc(0) : Buffer.from(response.body);
  if (method === 'HEAD' || response.status === 204 || response.status === 304) {
    if (method === 'HEAD' && !res.hasHeader('Content-Length')) res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}

/**
 * Write an OSS error: `application/xml` body `<Error><Code/><Message/><RequestId/>
 * <HostId/>…details…<EC/></Error>`, plus `x-oss-request-id` and `x-oss-ec`. A HEAD
 * answer has no body, so the same XML goes base64-encoded into `x-oss-err`, which
 * ali-oss decodes for statuses other than 404 and 412.
 */
export function sendError(res: ServerResponse, method: string, requestId: string, hostId: string, error: OssError): void {
  if (res.destroyed || res.headersSent) return;
  const xml = renderXml([
    'Error',
    [
      ['Code', error.code],
      ['Message', error.message],
      ['RequestId', requestId],
      ['HostId', hostId],
      ...error.details.map(([name, value]): XmlNode => [name, value]),
      ['EC', error.ec],
    ],
  ]);
  res.statusCode = error.status;
  applyHeaders(res, { Server: 'AliyunOSS', 'x-oss-request-id': requestId, 'Content-Type': 'application/xml' });
  if (error.ec !== '') res.setHeader('x-oss-ec', error.ec);
  applyHeaders(res, error.headers);
  if (method === 'HEAD') {
    res.setHeader('x-oss-err', Buffer.from(xml, 'utf8').toString('base64'));
    res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  const body = Buffer.from(xml, 'utf8');
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}
