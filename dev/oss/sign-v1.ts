/**
 * OSS signature V1 (`Authorization: OSS <ak>:<base64 HMAC-SHA1>`), oss.md §3.1,
 * recomputed from the request as received.
 */

import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ossHeaderNames, signedHeaderValue } from './headers';
import type { QueryParam } from './request-target';
import { V1_SUB_RESOURCES } from './sub-resources';

/** What V1 signs. */
export interface V1Input {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: readonly QueryParam[];
  readonly headers: IncomingHttpHeaders;
}

/**
 * Build the V1 StringToSign:
 * `VERB\nContent-MD5\nContent-Type\nDate\n` + `x-oss-*` lines + CanonicalizedResource.
 * The date slot takes `x-oss-date` when present (ali-oss sends and signs it), else `Date`.
 */
export function v1StringToSign(input: V1Input): string {
  const { headers } = input;
  const lines = [
    input.method.toUpperCase(),
    signedHeaderValue(headers, 'content-md5') ?? '',
    signedHeaderValue(headers, 'content-type') ?? '',
    signedHeaderValue(headers, 'x-oss-date') ?? signedHeaderValue(headers, 'date') ?? '',
    ...ossHeaderNames(headers).map((name) => `${name}:${(signedHeaderValue(headers, name) ?? '').trim()}`),
  ];
  const subResources = input.query
    .filter((param) => V1_SUB_RESOURCES.has(param.name))
    .sort((a, b) => compareCodeUnits(a.name, b.name))
    .map((param) => (param.value === '' ? param.name : `${param.name}=${param.value}`));
  // The resource uses the raw (decoded) key, not its URL encoding.
  const resource = `/${input.bucket}/${input.key}`;
  lines.push(subResources.length > 0 ? `${resource}?${subResources.join('&')}` : resource);
  return lines.join('\n');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `base64(HMAC-SHA1(secret, stringToSign))`. */
export function v1Signature(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}
