import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Credentials } from '../credentials/credentials';

/** RFC 3986 percent-encoding (ACS3 canonical URI and query). */
export const acs3Encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

export interface Acs3SignInput {
  method: string;
  url: URL;
  /** Extra headers to send; lower-case names. `x-acs-*` and content-type ones are signed. */
  headers?: Record<string, string>;
  body: Buffer;
  credentials: Credentials;
  now?: number;
}

/**
 * Signs a request with ACS3-HMAC-SHA256 (Alibaba Cloud signature v3):
 * host, content-type and every `x-acs-*` header are signed; the body is
 * bound by `x-acs-content-sha256`. Returns the headers to send (Authorization
 * included). Used for FC's InvokeFunction API and for HTTP triggers with
 * `authType: function`.
 */
export function signAcs3(input: Acs3SignInput): Record<string, string> {
  const headers: Record<string, string> = {
    host: input.url.host,
    'x-acs-date': new Date(input.now ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': createHash('sha256').update(input.body).digest('hex'),
    ...input.headers,
  };
  if (input.credentials.securityToken) headers['x-acs-security-token'] = input.credentials.securityToken;
  const signed = Object.keys(headers)
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort();
  const query = [...input.url.searchParams]
    .map(([key, value]) => [acs3Encode(key), acs3Encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const path =
    input.url.pathname
      .split('/')
      .map((segment) => acs3Encode(decodeURIComponent(segment)))
      .join('/') || '/';
  const canonical = [
    input.method.toUpperCase(),
    path,
    query,
    signed.map((name) => `${name}:${headers[name]?.trim()}\n`).join(''),
    signed.join(';'),
    headers['x-acs-content-sha256'],
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', input.credentials.accessKeySecret).update(stringToSign).digest('hex');
  headers['authorization'] = `ACS3-HMAC-SHA256 Credential=${input.credentials.accessKeyId},SignedHeaders=${signed.join(';')},Signature=${signature}`;
  return headers;
}
