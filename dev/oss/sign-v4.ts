/**
 * OSS signature V4 (`OSS4-HMAC-SHA256`), oss.md §3.2, recomputed from the request
 * as received: the canonical query is built from the wire query, so a client that
 * signs a different query than it sends (oss.md §3.3) fails here as it would on OSS.
 */

import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { signedHeaderValue } from './headers';
import type { QueryParam } from './request-target';

/** Algorithm name in the header and the first StringToSign line. */
export const V4_ALGORITHM = 'OSS4-HMAC-SHA256';

/** What V4 signs. */
export interface V4Input {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: readonly QueryParam[];
  readonly headers: IncomingHttpHeaders;
  /** Lower-case names from `AdditionalHeaders=`, in the order given. */
  readonly additionalHeaders: readonly string[];
}

/** Scope of a V4 credential: `<yyyymmdd>/<region>/oss/aliyun_v4_request`. */
export interface V4Scope {
  readonly date: string;
  readonly region: string;
}

/** RFC 3986 encoding: `encodeURIComponent` plus the sub-delimiters it leaves alone. */
export function rfc3986Encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The six-line canonical request: method, URI, query, headers, additional-header
 * list, and the `x-oss-content-sha256` value.
 */
export function v4CanonicalRequest(input: V4Input): string {
  const { headers } = input;
  const uri = `/${input.bucket}/${input.key}`.split('/').map(rfc3986Encode).join('/');
  const query = input.query
    .map((param) => ({ name: rfc3986Encode(param.name), value: rfc3986Encode(param.value) }))
    .sort((a, b) => compareCodeUnits(a.name, b.name) || compareCodeUnits(a.value, b.value))
    // An empty value is signed as the bare name (ali-oss sends `?uploads=` and signs `uploads`).
    .map((param) => (param.value === '' ? param.name : `${param.name}=${param.value}`))
    .join('&');
  const signedNames = new Set(input.additionalHeaders);
  for (const name of Object.keys(headers)) {
    if (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')) signedNames.add(name);
  }
  const canonicalHeaders = [...signedNames]
    .sort(compareCodeUnits)
    .map((name) => `${name}:${(signedHeaderValue(headers, name) ?? '').trim()}\n`)
    .join('');
  return [
    input.method.toUpperCase(),
    uri,
    query,
    canonicalHeaders,
    input.additionalHeaders.join(';'),
    signedHeaderValue(headers, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
}

/** `OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\n<hex sha256(canonical request)>`. */
export function v4StringToSign(ossDate: string, scope: V4Scope, canonicalRequest: string): string {
  const hash = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  return [V4_ALGORITHM, ossDate, `${scope.date}/${scope.region}/oss/aliyun_v4_request`, hash].join('\n');
}

/** Hex signature from the key chain `"aliyun_v4"+secret` → date → region → "oss" → "aliyun_v4_request". */
export function v4Signature(secret: string, scope: V4Scope, stringToSign: string): string {
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${secret}`, scope.date), scope.region), 'oss'), 'aliyun_v4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}
