/**
 * Verification of the Function Compute 2.0 (2016-08-15) signature, as
 * @alicloud/fc2 2.6.6 computes it (lib/client.js `getSignature`,
 * lib/helper.js `composeStringToSign`):
 *
 *   Authorization: FC <AccessKeyId>:base64(HMAC-SHA256(secret, stringToSign))
 *   stringToSign = METHOD \n Content-MD5 \n Content-Type \n Date \n
 *                  <every x-fc-* header, lower-cased, sorted, as `name:value\n`>
 *                  /2016-08-15<path>
 *
 * The path is signed unencoded; query strings are signed only for `/proxy/`
 * paths, which the gateway does not serve. The protocol has no nonce, so
 * replay protection is the Date window only.
 */
import { createHash, createHmac } from 'node:crypto';
import { checkSecurityToken, fail, headerValue, safeEqual, type AccessKeyLookup, type SignatureCheck } from './access-keys';

export interface Fc2Request {
  method: string;
  /** The decoded path, starting with `/2016-08-15/`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Fc2VerifyOptions {
  lookup: AccessKeyLookup;
  now: number;
  maxSkewMs: number;
}

const AUTHORIZATION = /^FC ([^:\s]+):([A-Za-z0-9+/=]+)$/;

export function fc2StringToSign(request: Fc2Request): string {
  const fcHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-fc-'))
    .sort()
    .map((name) => `${name}:${headerValue(request.headers, name) ?? ''}\n`)
    .join('');
  const get = (name: string) => headerValue(request.headers, name) ?? '';
  return `${request.method.toUpperCase()}\n${get('content-md5')}\n${get('content-type')}\n${get('date')}\n${fcHeaders}${request.path}`;
}

export function fc2Signature(stringToSign: string, secret: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Content-MD5 as @alicloud/fc2 sends it is base64 of the *hex* MD5 text; the
 * RFC 1864 form (base64 of the raw digest) is accepted as well.
 */
function contentMd5Matches(header: string, body: Buffer): boolean {
  const digest = createHash('md5').update(body).digest();
  return safeEqual(header, Buffer.from(digest.toString('hex'), 'utf8').toString('base64')) || safeEqual(header, digest.toString('base64'));
}

/** Checks key, STS token, Date window, Content-MD5 against the body, then the signature. */
export function verifyFc2Request(request: Fc2Request, options: Fc2VerifyOptions): SignatureCheck {
  const match = AUTHORIZATION.exec(headerValue(request.headers, 'authorization') ?? '');
  if (!match) return fail('MissingAuthorization', 'Expected `Authorization: FC <AccessKeyId>:<base64 signature>`');
  const [, accessKeyId = '', signature = ''] = match;
  const key = options.lookup(accessKeyId);
  if (!key) return fail('InvalidAccessKeyId', `The access key id ${accessKeyId} does not exist`);
  const token = checkSecurityToken(key, headerValue(request.headers, 'x-fc-security-token'), 'x-fc-security-token');
  if (!token.ok) return token;

  const date = headerValue(request.headers, 'date');
  if (date === undefined) return fail('MissingAuthorization', 'Missing required header date');
  const signedAt = Date.parse(date);
  if (Number.isNaN(signedAt) || Math.abs(options.now - signedAt) > options.maxSkewMs) {
    return fail('RequestTimeTooSkewed', `Date \`${date}\` is more than ${options.maxSkewMs / 1000} s away from the server time ${new Date(options.now).toUTCString()}`);
  }
  const md5 = headerValue(request.headers, 'content-md5');
  if (md5 !== undefined && !contentMd5Matches(md5, request.body)) return fail('SignatureNotMatch', 'Content-MD5 does not match the request body');
  if (md5 === undefined && request.body.length > 0) return fail('SignatureNotMatch', 'Content-MD5 is required with a request body');

  if (!safeEqual(signature, fc2Signature(fc2StringToSign(request), key.accessKeySecret))) {
    return fail('SignatureNotMatch', 'The request signature does not match; check the access key secret and the signing method');
  }
  return { ok: true, key };
}
