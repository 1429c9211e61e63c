/**
 * The POP gateway's side of the RPC protocol (spec §11.1): gather params from
 * query and form body, check the common params, the timestamp, the nonce, the
 * access key and finally the v1 signature.
 */
import { apiErrors } from './errors';
import type { NonceCache } from '../shared/nonce-cache';
import { rpcStringToSign, verifyRpcSignature } from './signature';

/** One access key the emulator accepts. */
export interface AiccsCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token bound to this key; checked when `requireSecurityToken` is on. */
  securityToken?: string;
}

/** API version of the aiccs product. */
export const AICCS_API_VERSION = '2019-10-15';

/** Actions the emulator implements. */
export const SUPPORTED_ACTIONS: ReadonlySet<string> = new Set(['HotlineSessionQuery']);

/** Common params every signed request must carry, in the order they are checked. */
const REQUIRED_COMMON_PARAMS = ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature'] as const;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?Z$/;

/**
 * Merge URL query params and, for `application/x-www-form-urlencoded`
 * requests, body params (body wins on a clash). pop-core POST puts everything
 * in the body; Tea-SDK v1 clients POST everything in the query.
 *
 * @returns a prototype-less object, so keys such as `__proto__` are plain data.
 */
export function collectRpcParams(rawUrl: string, contentType: string | undefined, body: string): Record<string, string> {
  const params = Object.create(null) as Record<string, string>;
  const queryStart = rawUrl.indexOf('?');
  if (queryStart >= 0) {
    for (const [key, value] of new URLSearchParams(rawUrl.slice(queryStart + 1))) params[key] = value;
  }
  if (body.length > 0 && contentType !== undefined && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  }
  return params;
}

/** Everything {@link verifyRpcRequest} needs besides the request itself. */
export interface VerifyContext {
  credentials: ReadonlyMap<string, AiccsCredential>;
  nonces: NonceCache;
  /** Server wall clock, epoch ms. */
  now: number;
  maxClockSkewMs: number;
  requireSecurityToken: boolean;
  /** Put the server's string-to-sign in SignatureDoesNotMatch (debug only: it contains the token). */
  echoStringToSign: boolean;
}

/**
 * Verify one request as the gateway would. On success the nonce is recorded,
 * so replaying the same request fails with SignatureNonceUsed. A request that
 * fails verification does not burn its nonce.
 *
 * @throws AiccsApiError Missing*, InvalidParameter (Format), InvalidVersion,
 *   InvalidApi.NotFound, InvalidSignatureMethod, InvalidSignatureVersion,
 *   InvalidTimeStamp.Format/Expired, SignatureNonceUsed,
 *   InvalidAccessKeyId.NotFound, SignatureDoesNotMatch, MissingSecurityToken,
 *   InvalidSecurityToken.MismatchWithAccessKey.
 */
export function verifyRpcRequest(method: string, params: Readonly<Record<string, string>>, ctx: VerifyContext): void {
  for (const name of REQUIRED_COMMON_PARAMS) {
    if (params[name] === undefined || params[name] === '') throw apiErrors.missingParameter(name);
  }
  const required = (name: (typeof REQUIRED_COMMON_PARAMS)[number]): string => params[name] ?? '';
  const format = params['Format'];
  if (format !== undefined && format.toUpperCase() !== 'JSON') throw apiErrors.invalidFormat(format);
  if (!SUPPORTED_ACTIONS.has(required('Action'))) throw apiErrors.apiNotFound();
  if (required('Version') !== AICCS_API_VERSION) throw apiErrors.invalidVersion(required('Version'));
  if (required('SignatureMethod') !== 'HMAC-SHA1') throw apiErrors.invalidSignatureMethod();
  if (required('SignatureVersion') !== '1.0') throw apiErrors.invalidSignatureVersion();

  const sentAt = parseRpcTimestamp(required('Timestamp'));
  if (sentAt === undefined) throw apiErrors.timestampFormat();
  if (Math.abs(ctx.now - sentAt) > ctx.maxClockSkewMs) throw apiErrors.timestampExpired();

  const nonce = required('SignatureNonce');
  if (ctx.nonces.has(nonce, ctx.now)) throw apiErrors.nonceUsed();

  const credential = ctx.credentials.get(required('AccessKeyId'));
  if (credential === undefined) throw apiErrors.accessKeyNotFound();
  if (!verifyRpcSignature(method, params, credential.accessKeySecret, required('Signature'))) {
    throw apiErrors.signatureMismatch(ctx.echoStringToSign ? rpcStringToSign(method, params) : undefined);
  }
  if (ctx.requireSecurityToken && credential.securityToken !== undefined) {
    const token = params['SecurityToken'];
    if (token === undefined || token === '') throw apiErrors.missingSecurityToken();
    if (token !== credential.securityToken) throw apiErrors.securityTokenMismatch();
  }
  ctx.nonces.add(nonce, ctx.now);
}

/**
 * Parse `YYYY-MM-DDTHH:mm:ssZ` (optionally with `.SSS`), rejecting impossible
 * dates such as February 30 that `Date.UTC` would silently roll over.
 *
 * @returns epoch ms, or undefined when malformed.
 */
export function parseRpcTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(epochMs);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return epochMs;
}
