import type { Credentials } from '../credentials/credentials';
import { signAcs3 } from './acs3-signer';

/**
 * Sends an ACS3-signed JSON request to a Function Compute HTTP trigger with
 * `authType: function` (what internal tools do). Returns the raw response.
 */
export async function sendSignedRequest(url: string, body: unknown, credentials: Credentials, method = 'POST'): Promise<Response> {
  const target = new URL(url);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  const headers = signAcs3({ method, url: target, body: payload, credentials, headers: payload.length > 0 ? { 'content-type': 'application/json' } : {} });
  // fetch sets Host itself; the signed value is the URL's host, which is what it sends.
  const { host: _host, ...sendable } = headers;
  return fetch(target, { method, headers: sendable, ...(payload.length > 0 ? { body: payload } : {}) });
}
