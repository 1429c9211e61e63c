/**
 * Request authentication: pick the scheme from `Authorization`, look up the key
 * pair, enforce STS tokens and clock skew, and compare signatures in constant time.
 * Every failure is an {@link OssError} shaped like OSS's answer.
 */

import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OssError } from './errors';
import { headerValue, signedHeaderValue } from './headers';
import { hasQuery, queryValue, type RequestTarget } from './request-target';
import { v1Signature, v1StringToSign } from './sign-v1';
import { V4_ALGORITHM, v4CanonicalRequest, v4Signature, v4StringToSign, type V4Scope } from './sign-v4';
import type { OssCredential } from './types';

/** Server-side settings authentication depends on. */
export interface AuthSettings {
  readonly credentials: ReadonlyMap<string, OssCredential>;
  /** Standard region for V4 scopes, e.g. `cn-hangzhou`. */
  readonly signingRegion: string;
  readonly maxClockSkewMs: number;
  readonly allowAnonymous: boolean;
}

/** What a successful authentication established. */
export interface AuthResult {
  readonly version: 'v1' | 'v4' | 'anonymous';
  readonly accessKeyId?: string;
}

/** A request as authentication sees it. */
export interface AuthRequest {
  readonly method: string;
  readonly target: RequestTarget & { readonly bucket: string };
  readonly headers: IncomingHttpHeaders;
  /** Server clock, epoch ms. */
  readonly now: number;
}

const REDACTED = '<redacted>';

/** Equal-time comparison of two ASCII signatures; different lengths are simply unequal. */
function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Remove security-token values from debug text (a header line or a query parameter). */
function redactToken(text: string): string {
  return text.replace(/^x-oss-security-token:.*$/gm, `x-oss-security-token:${REDACTED}`).replace(/(^|[?&])security-token=[^&\n]*/gm, `$1security-token=${REDACTED}`);
}

function hexBytes(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

function lookUpCredential(settings: AuthSettings, accessKeyId: string, request: AuthRequest): OssCredential {
  const credential = settings.credentials.get(accessKeyId);
  const token = headerValue(request.headers, 'x-oss-security-token') ?? queryValue(request.target.query, 'security-token');
  const details = [['OSSAccessKeyId', accessKeyId]] as const;
  if (credential === undefined) {
    throw new OssError('InvalidAccessKeyId', { details });
  }
  if (credential.securityToken === undefined) {
    // OSS treats any request carrying a token as an STS request; a long-term key is
    // then unknown (documented as EC 0002-00000002).
    if (token !== undefined) {
      throw new OssError('InvalidAccessKeyId', {
        message: `The OSS Access Key Id you provided does not exist in our records. (AccessKeyId ${JSON.stringify(accessKeyId)} is not an STS key, but the request carries a security token.)`,
        details,
      });
    }
    return credential;
  }
  if (token === undefined) {
    // OSS answers a missing token with InvalidAccessKeyId: the STS key only exists with its token.
    throw new OssError('InvalidAccessKeyId', {
      message: `The OSS Access Key Id you provided does not exist in our records. (AccessKeyId ${JSON.stringify(accessKeyId)} is an STS key and the request has no x-oss-security-token.)`,
      details,
    });
  }
  if (!signaturesEqual(credential.securityToken, token)) {
    throw new OssError('InvalidSecurityToken', {
      message: `The security token you provided is invalid. (It does not match the token registered for AccessKeyId ${JSON.stringify(accessKeyId)}.)`,
      details,
    });
  }
  return credential;
}

function checkSkew(requestTime: number, settings: AuthSettings, now: number, dateText: string): void {
  if (Math.abs(now - requestTime) > settings.maxClockSkewMs) {
    throw new OssError('RequestTimeTooSkewed', {
      details: [
        ['RequestTime', dateText],
        ['ServerTime', new Date(now).toISOString()],
        ['MaxAllowedSkewMilliseconds', String(settings.maxClockSkewMs)],
      ],
    });
  }
}

function authenticateV1(authorization: string, request: AuthRequest, settings: AuthSettings): AuthResult {
  const credentialText = authorization.slice('OSS '.length).trim();
  const colon = credentialText.indexOf(':');
  if (colon <= 0 || colon === credentialText.length - 1) {
    throw new OssError('InvalidArgument', {
      message: `Expected "Authorization: OSS <AccessKeyId>:<Signature>", got ${JSON.stringify(authorization)}.`,
    });
  }
  const accessKeyId = credentialText.slice(0, colon);
  const provided = credentialText.slice(colon + 1);
  const credential = lookUpCredential(settings, accessKeyId, request);

  const dateText = headerValue(request.headers, 'x-oss-date') ?? headerValue(request.headers, 'date');
  const requestTime = dateText === undefined ? Number.NaN : Date.parse(dateText);
  if (dateText === undefined || Number.isNaN(requestTime)) {
    throw new OssError('AccessDenied', {
      message: `OSS authentication requires a valid Date. (Expected an RFC 1123 date in x-oss-date or Date, got ${JSON.stringify(dateText ?? null)}.)`,
    });
  }
  checkSkew(requestTime, settings, request.now, dateText);

  const stringToSign = v1StringToSign({ ...request.target, method: request.method, headers: request.headers });
  if (!signaturesEqual(v1Signature(credential.accessKeySecret, stringToSign), provided)) {
    const shown = redactToken(stringToSign);
    throw new OssError('SignatureDoesNotMatch', {
      details: [
        ['OSSAccessKeyId', accessKeyId],
        ['SignatureProvided', provided],
        ['StringToSign', shown],
        ['StringToSignBytes', hexBytes(shown)],
      ],
    });
  }
  return { version: 'v1', accessKeyId };
}

function parseV4Fields(authorization: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of authorization.slice(V4_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return fields;
}

function malformed(message: string): OssError {
  return new OssError('AuthorizationHeaderMalformed', { message });
}

function authenticateV4(authorization: string, request: AuthRequest, settings: AuthSettings): AuthResult {
  const fields = parseV4Fields(authorization);
  const credentialField = fields.get('Credential');
  const provided = fields.get('Signature');
  if (credentialField === undefined || provided === undefined) {
    throw malformed(
      `Expected "${V4_ALGORITHM} Credential=<ak>/<yyyymmdd>/<region>/oss/aliyun_v4_request[,AdditionalHeaders=<h1;h2>],Signature=<hex>", got ${JSON.stringify(authorization)}.`,
    );
  }
  const scopeParts = credentialField.split('/');
  const [accessKeyId = '', scopeDate = '', scopeRegion = '', product = '', terminator = ''] = scopeParts;
  if (scopeParts.length !== 5 || accessKeyId === '' || !/^\d{8}$/.test(scopeDate)) {
    throw malformed(`Expected Credential=<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request, got ${JSON.stringify(credentialField)}.`);
  }
  if (product !== 'oss' || terminator !== 'aliyun_v4_request') {
    throw malformed(`Expected the credential scope to end in "/oss/aliyun_v4_request", got "/${product}/${terminator}".`);
  }
  if (scopeRegion !== settings.signingRegion) {
    throw malformed(`The region ${JSON.stringify(scopeRegion)} in the credential scope is wrong; expecting ${JSON.stringify(settings.signingRegion)}.`);
  }
  const credential = lookUpCredential(settings, accessKeyId, request);

  const ossDate = headerValue(request.headers, 'x-oss-date');
  const dateMatch = ossDate === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(ossDate);
  if (ossDate === undefined || dateMatch === null) {
    throw new OssError('AccessDenied', {
      message: `OSS authentication requires a valid Date. (V4 expects x-oss-date as yyyymmddTHHMMSSZ, got ${JSON.stringify(ossDate ?? null)}.)`,
    });
  }
  const [, year, month, day, hour, minute, second] = dateMatch.map(Number);
  const requestTime = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 0, hour, minute, second);
  checkSkew(requestTime, settings, request.now, ossDate);
  if (ossDate.slice(0, 8) !== scopeDate) {
    throw malformed(`The credential scope date ${scopeDate} does not match the x-oss-date ${ossDate}.`);
  }

  const contentSha = headerValue(request.headers, 'x-oss-content-sha256');
  if (contentSha !== 'UNSIGNED-PAYLOAD') {
    throw new OssError('InvalidArgument', {
      message: `Expected header x-oss-content-sha256: UNSIGNED-PAYLOAD on a V4 request, got ${JSON.stringify(contentSha ?? null)}.`,
    });
  }

  const additionalHeaders = (fields.get('AdditionalHeaders') ?? '')
    .split(';')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const missing = additionalHeaders.find((name) => signedHeaderValue(request.headers, name) === undefined);
  if (missing !== undefined) {
    throw malformed(`AdditionalHeaders names ${JSON.stringify(missing)}, but the request has no such header.`);
  }

  const scope: V4Scope = { date: scopeDate, region: scopeRegion };
  const canonicalRequest = v4CanonicalRequest({
    ...request.target,
    method: request.method,
    headers: request.headers,
    additionalHeaders,
  });
  const stringToSign = v4StringToSign(ossDate, scope, canonicalRequest);
  if (!signaturesEqual(v4Signature(credential.accessKeySecret, scope, stringToSign), provided)) {
    // The StringToSign holds only a hash; the canonical request is what helps debugging.
    throw new OssError('SignatureDoesNotMatch', {
      details: [
        ['OSSAccessKeyId', accessKeyId],
        ['SignatureProvided', provided],
        ['StringToSign', stringToSign],
        ['StringToSignBytes', hexBytes(stringToSign)],
        ['CanonicalRequest', redactToken(canonicalRequest)],
      ],
    });
  }
  return { version: 'v4', accessKeyId };
}

/**
 * Authenticate a request from its headers (the body is not needed: ali-oss V4 sends
 * `UNSIGNED-PAYLOAD`, and V1 signs only the Content-MD5 header).
 *
 * @throws OssError `AccessDenied`, `InvalidAccessKeyId`, `InvalidSecurityToken`,
 *   `SignatureDoesNotMatch`, `RequestTimeTooSkewed`, `AuthorizationHeaderMalformed`,
 *   `InvalidArgument`, or `NotImplemented` for presigned-URL (query) signatures.
 */
export function authenticate(request: AuthRequest, settings: AuthSettings): AuthResult {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) {
    const query = request.target.query;
    if (['OSSAccessKeyId', 'Signature', 'x-oss-signature', 'x-oss-credential'].some((name) => hasQuery(query, name))) {
      throw new OssError('NotImplemented', {
        message: 'Signatures in the URL (presigned URLs) are not emulated by this test server; sign with the Authorization header.',
      });
    }
    if (settings.allowAnonymous) return { version: 'anonymous' };
    throw new OssError('AccessDenied', {
      message: 'You have no right to access this object because of bucket acl. (The request has no Authorization header.)',
    });
  }
  if (authorization.startsWith(`${V4_ALGORITHM} `)) return authenticateV4(authorization, request, settings);
  if (authorization.startsWith('OSS ')) return authenticateV1(authorization, request, settings);
  throw new OssError('InvalidArgument', {
    message: `Unsupported Authorization type: expected "OSS <ak>:<sig>" or "${V4_ALGORITHM} …", got ${JSON.stringify(authorization.split(' ')[0])}.`,
  });
}
