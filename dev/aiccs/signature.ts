/**
 * Alibaba Cloud RPC signature v1 (HMAC-SHA1), written from the algorithm in
 * spec §10 so the emulator can verify what `@alicloud/pop-core` sends byte for
 * byte. Also used by tests to craft raw signed requests.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Percent-encode like the POP gateway: `encodeURIComponent` plus the five
 * characters it leaves alone that RFC 3986 reserves (`!'()*`). A space becomes
 * `%20`, never `+`.
 */
export function popEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Canonicalized query string: raw (unencoded) keys sorted by UTF-16 code
 * units, which is JavaScript's default sort and therefore pop-core's order
 * (`AcidList.1` < `AcidList.10` < `AcidList.2`), then `enc(k)=enc(v)` joined
 * by `&`. `Signature` is excluded because it is not part of what is signed.
 */
export function canonicalizeRpcParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .filter(([key]) => key !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${popEncode(key)}=${popEncode(value)}`)
    .join('&');
}

/**
 * String to sign: `METHOD&%2F&enc(canonicalized)`. The method is upper-cased,
 * as pop-core does, so a lower-case `post` signs as `POST`.
 */
export function rpcStringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${popEncode('/')}&${popEncode(canonicalizeRpcParams(params))}`;
}

/**
 * Compute the v1 signature: base64(HMAC-SHA1(secret + "&", stringToSign)).
 *
 * @returns the base64 signature, not yet percent-encoded.
 */
export function signRpc(method: string, params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(rpcStringToSign(method, params), 'utf8').digest('base64');
}

/**
 * Check a received signature against the expected one in constant time, so
 * the emulator does not model a timing oracle that the real gateway lacks.
 *
 * @returns true when `signature` matches.
 */
export function verifyRpcSignature(method: string, params: Readonly<Record<string, string>>, accessKeySecret: string, signature: string): boolean {
  const expected = Buffer.from(signRpc(method, params, accessKeySecret), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  if (expected.length !== received.length) {
    // Still spend the comparison so the length is the only thing leaked.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, received);
}

/** Inputs of {@link signRpcRequest}. */
export interface SignRpcRequestInput {
  method: 'GET' | 'POST';
  action: string;
  version: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Business params, already flattened (`AcidList.1`, …) and stringified. */
  params: Readonly<Record<string, string>>;
  /** Defaults to the current time, formatted `YYYY-MM-DDTHH:mm:ssZ`. */
  timestamp?: string;
  /** Defaults to a random hex string. */
  nonce?: string;
}

/**
 * Build a complete signed parameter set the way pop-core does (common params,
 * then business params, then `Signature`). Meant for tests and tools that talk
 * to the emulator with plain `node:http`, e.g. to replay a nonce.
 *
 * @returns every wire parameter including `Signature` (not percent-encoded).
 */
export function signRpcRequest(input: SignRpcRequestInput): Record<string, string> {
  const params: Record<string, string> = {
    Action: input.action,
    Format: 'JSON',
    Timestamp: input.timestamp ?? formatRpcTimestamp(Date.now()),
    Version: input.version,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: input.nonce ?? randomUUID().replaceAll('-', ''),
    AccessKeyId: input.accessKeyId,
    ...(input.securityToken === undefined ? {} : { SecurityToken: input.securityToken }),
    ...input.params,
  };
  params['Signature'] = signRpc(input.method, params, input.accessKeySecret);
  return params;
}

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC without milliseconds, as pop-core sends it. */
export function formatRpcTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/**
 * Serialize params as a form body / query string in canonical order with
 * `Signature` last, exactly as pop-core writes them.
 */
export function encodeRpcParams(params: Readonly<Record<string, string>>): string {
  const signature = params['Signature'];
  const canonical = canonicalizeRpcParams(params);
  return signature === undefined ? canonical : `${canonical}&Signature=${popEncode(signature)}`;
}
