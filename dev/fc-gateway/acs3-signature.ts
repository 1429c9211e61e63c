/**
 * Verification of Alibaba Cloud signature V3 (`ACS3-HMAC-SHA256`), as
 * @alicloud/fc20230330 signs InvokeFunction through @alicloud/openapi-core:
 *
 *   canonical request = METHOD \n CanonicalURI \n CanonicalQuery \n
 *                       CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
 *   string to sign    = "ACS3-HMAC-SHA256" \n hex(sha256(canonical request))
 *   signature         = hex(HMAC-SHA256(secret, string to sign))
 *
 * CanonicalURI is the path as sent (already percent-encoded by the signer);
 * CanonicalQuery is `key=value` pairs, RFC 3986-encoded, sorted, joined by
 * `&`; CanonicalHeaders is `name:trimmed value\n` for each signed header in
 * SignedHeaders order (lower-case names joined by `;`).
 *
 * Deliberately independent of the product's signer (lib/client/acs3-signer.ts):
 * the gateway stands in for Function Compute, so it must check requests the
 * way FC does (and accept the real @alicloud/fc20230330 SDK), not reuse the
 * code under test; a shared mistake would otherwise pass on both sides.
 */
import { createHash, createHmac } from 'node:crypto';
import type { NonceCache } from '../shared/nonce-cache';
import { checkSecurityToken, fail, headerValue, safeEqual, type AccessKeyLookup, type SignatureCheck } from './access-keys';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface Acs3Request {
  method: string;
  /** Path and query exactly as on the request line. */
  url: string;
  /** Node's lower-cased request headers. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Acs3VerifyOptions {
  lookup: AccessKeyLookup;
  /** Server clock, epoch ms. */
  now: number;
  /** Allowed |now − x-acs-date|. */
  maxSkewMs: number;
  /** Nonces already used within the skew window. */
  nonces: NonceCache;
}

/** Headers every request must carry; these, every other `x-acs-*`, and content-type must be signed. */
const ALWAYS_SIGNED = ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

const AUTHORIZATION = /^(\S+) Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/i;

/** RFC 3986 percent-encoding, the form the V3 canonical query uses. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** The canonical query string of a raw query (without `?`). */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decodeQueryPart(part.slice(eq + 1));
      return [percentEncode(key), percentEncode(value)] as const;
    });
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/** The V3 canonical request for the given signed header names. */
export function acs3CanonicalRequest(request: Acs3Request, signedHeaders: readonly string[], hashedPayload: string): string {
  const queryAt = request.url.indexOf('?');
  const path = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
  const headers = signedHeaders.map((name) => `${name}:${(headerValue(request.headers, name) ?? '').trim()}\n`).join('');
  return [request.method.toUpperCase(), path, canonicalQuery(query), headers, signedHeaders.join(';'), hashedPayload].join('\n');
}

/** hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(sha256(canonicalRequest)))). */
export function acs3Signature(canonicalRequest: string, secret: string): string {
  const stringToSign = `${ACS3_ALGORITHM}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Checks an ACS3-signed request: known key, STS token, required signed
 * headers, clock skew of `x-acs-date`, body hash, signature, then nonce
 * reuse (a nonce is remembered only once the signature is valid).
 */
export function verifyAcs3Request(request: Acs3Request, options: Acs3VerifyOptions): SignatureCheck {
  const match = AUTHORIZATION.exec(headerValue(request.headers, 'authorization') ?? '');
  if (!match) return fail('MissingAuthorization', 'Expected `Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<hex>`');
  const [, algorithm = '', accessKeyId = '', signedList = '', signature = ''] = match;
  if (algorithm !== ACS3_ALGORITHM) return fail('SignatureNotMatch', `Unsupported signature algorithm \`${algorithm}\`; expected ${ACS3_ALGORITHM}`);

  const key = options.lookup(accessKeyId);
  if (!key) return fail('InvalidAccessKeyId', `The access key id ${accessKeyId} does not exist`);
  const token = checkSecurityToken(key, headerValue(request.headers, 'x-acs-security-token'), 'x-acs-security-token');
  if (!token.ok) return token;

  const signedHeaders = signedList.toLowerCase().split(';');
  for (const name of ALWAYS_SIGNED) {
    if (headerValue(request.headers, name) === undefined) return fail('MissingAuthorization', `Missing required header ${name}`);
  }
  const present = Object.keys(request.headers).filter((name) => name.startsWith('x-acs-') || name === 'host' || name === 'content-type');
  for (const name of present) {
    if (!signedHeaders.includes(name)) return fail('IncompleteSignature', `Header ${name} must be listed in SignedHeaders`);
  }

  const date = headerValue(request.headers, 'x-acs-date') ?? '';
  const signedAt = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(signedAt)) return fail('RequestTimeTooSkewed', `Expected x-acs-date as yyyy-MM-ddTHH:mm:ssZ, got \`${date}\``);
  if (Math.abs(options.now - signedAt) > options.maxSkewMs) {
    return fail('RequestTimeTooSkewed', `x-acs-date ${date} is more than ${options.maxSkewMs / 1000} s away from the server time ${new Date(options.now).toISOString()}`);
  }

  const hashedPayload = createHash('sha256').update(request.body).digest('hex');
  if (!safeEqual(headerValue(request.headers, 'x-acs-content-sha256') ?? '', hashedPayload)) {
    return fail('SignatureNotMatch', 'x-acs-content-sha256 does not match the request body');
  }
  const expected = acs3Signature(acs3CanonicalRequest(request, signedHeaders, hashedPayload), key.accessKeySecret);
  if (!safeEqual(signature.toLowerCase(), expected)) {
    return fail('SignatureNotMatch', 'The request signature does not match; check the access key secret and the signing method');
  }

  const nonce = headerValue(request.headers, 'x-acs-signature-nonce') ?? '';
  if (options.nonces.has(nonce, options.now)) return fail('SignatureNonceUsed', `x-acs-signature-nonce ${nonce} was already used`);
  options.nonces.add(nonce, options.now);
  return { ok: true, key };
}
