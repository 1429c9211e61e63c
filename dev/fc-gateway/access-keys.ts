import { timingSafeEqual } from 'node:crypto';

/** A key the gateway accepts on its invoke APIs; STS keys carry their token. */
export interface AccessKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export type AccessKeyLookup = (accessKeyId: string) => AccessKey | undefined;

/** Outcome of a signature check; on failure, the FC error to answer. */
export type SignatureCheck = { ok: true; key: AccessKey } | { ok: false; code: string; message: string };

export const fail = (code: string, message: string): SignatureCheck => ({ ok: false, code, message });

/** Constant-time comparison of two strings (different lengths are simply unequal). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token rule shared by both APIs: an STS key must present exactly its token; a permanent key none. */
export function checkSecurityToken(key: AccessKey, presented: string | undefined, headerName: string): SignatureCheck {
  if (key.securityToken === undefined || key.securityToken === '') {
    return presented === undefined ? { ok: true, key } : fail('InvalidSecurityToken', `Access key ${key.accessKeyId} is not an STS key but ${headerName} was sent`);
  }
  if (presented === undefined) return fail('InvalidSecurityToken', `Access key ${key.accessKeyId} is an STS key: ${headerName} is required`);
  if (!safeEqual(presented, key.securityToken)) return fail('InvalidSecurityToken', `The ${headerName} does not belong to access key ${key.accessKeyId}`);
  return { ok: true, key };
}

/** A single header value; repeated headers are joined with a comma, as both signers expect. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
