/**
 * Addressing: turn the request line and `Host` header into bucket, key and query,
 * for both virtual-host style (`Host: <bucket>.oss-<region>.aliyuncs.com`, what
 * ali-oss sends for an IP endpoint) and path style (`/<bucket>/<key>`).
 */

import { OssError } from './errors';

/** One query parameter, percent-decoded, in wire order. A bare `?uploads` has value `''`. */
export interface QueryParam {
  readonly name: string;
  readonly value: string;
}

/** Where a request points. */
export interface RequestTarget {
  /** Undefined for a service-level request (`GET /` without a bucket host). */
  readonly bucket: string | undefined;
  /** Decoded object key; `''` for bucket-level requests. */
  readonly key: string;
  readonly style: 'virtual-host' | 'path';
  /** Parameters exactly as received (decoded), in wire order: V4 signs all of them. */
  readonly query: readonly QueryParam[];
  /** Value for `<HostId>` in error bodies: the `Host` header without the port. */
  readonly hostId: string;
}

const VHOST_PATTERN = /^([a-z0-9_][a-z0-9_-]{1,61}[a-z0-9_])\.oss-[a-z0-9-]+\.aliyuncs\.com(?::\d+)?$/;

function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new OssError('InvalidArgument', {
      message: `Expected a valid percent-encoded ${what}, got ${JSON.stringify(text)}.`,
    });
  }
}

/**
 * Split a raw query string into decoded parameters. `+` means a space, as in
 * form encoding; ali-oss always sends a literal plus as `%2B`.
 *
 * @throws OssError `InvalidArgument` for malformed percent-encoding.
 */
export function parseQuery(rawQuery: string): QueryParam[] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
      return {
        name: decodeComponent(rawName.replace(/\+/g, ' '), 'query parameter name'),
        value: decodeComponent(rawValue.replace(/\+/g, ' '), 'query parameter value'),
      };
    });
}

/**
 * Resolve bucket, key and query of a request.
 *
 * @param rawUrl - `req.url` (path and query, still encoded).
 * @param hostHeader - the `Host` header, if any.
 * @throws OssError `InvalidArgument` for malformed percent-encoding.
 */
export function parseRequestTarget(rawUrl: string, hostHeader: string | undefined): RequestTarget {
  const questionMark = rawUrl.indexOf('?');
  const rawPath = questionMark === -1 ? rawUrl : rawUrl.slice(0, questionMark);
  const query = parseQuery(questionMark === -1 ? '' : rawUrl.slice(questionMark + 1));
  const host = (hostHeader ?? '').toLowerCase();
  const hostId = host.replace(/:\d+$/, '');
  // A literal '+' in a path is a plus sign, not a space (unlike the query).
  const path = decodeComponent(rawPath, 'request path');

  const vhost = VHOST_PATTERN.exec(host);
  if (vhost) {
    return { bucket: vhost[1], key: path.replace(/^\//, ''), style: 'virtual-host', query, hostId };
  }
  const withoutSlash = path.replace(/^\//, '');
  if (withoutSlash === '') return { bucket: undefined, key: '', style: 'path', query, hostId };
  const slash = withoutSlash.indexOf('/');
  return slash === -1
    ? { bucket: withoutSlash, key: '', style: 'path', query, hostId }
    : { bucket: withoutSlash.slice(0, slash), key: withoutSlash.slice(slash + 1), style: 'path', query, hostId };
}

/** Whether the query contains `name` (with or without a value). */
export function hasQuery(query: readonly QueryParam[], name: string): boolean {
  return query.some((param) => param.name === name);
}

/** First value of `name`, or undefined when absent. */
export function queryValue(query: readonly QueryParam[], name: string): string | undefined {
  return query.find((param) => param.name === name)?.value;
}
