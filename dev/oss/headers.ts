/**
 * Reading request headers the way the signers need them.
 */

import type { IncomingHttpHeaders } from 'node:http';

/**
 * A header value as the client signed it. Node decodes header bytes as latin1;
 * clients sign the UTF-8 text, so the bytes are re-read as UTF-8 (a no-op for ASCII).
 * Repeated headers are joined with `,` as HTTP allows.
 *
 * @param headers - Node's lower-cased header map.
 * @param name - lower-case header name.
 */
export function signedHeaderValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  return Buffer.from(text, 'latin1').toString('utf8');
}

/** A header value exactly as received (joined with `,` if repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? raw.join(',') : raw;
}

/** Lower-case names of all `x-oss-*` request headers, sorted. */
export function ossHeaderNames(headers: IncomingHttpHeaders): string[] {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort();
}
