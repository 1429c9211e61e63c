import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TransportSettings } from './client-core';
import { InvokeTransportError } from './errors';
import type { InvokeResult, Invoker } from './invoker';

const API_VERSION = '2023-03-30';

/** RFC 3986 percent-encoding (ACS3 canonical URI and query). */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A lean FC 3.0 InvokeFunction transport: one signed POST with node:https.
 * Used where the @alicloud/fc20230330 SDK (≈ 800 KB bundled with its
 * dependencies, for every FC API) would break the function's bundle budget:
 * the export function's fan-out. Signature ACS3-HMAC-SHA256 (signature v3).
 */
export function createAcs3Invoker(settings: TransportSettings, now: () => number = Date.now): Invoker {
  return {
    async invoke(functionName, payload, options): Promise<InvokeResult> {
      const credentials = settings.credentials.kind === 'static' ? settings.credentials.credentials : await settings.credentials.provider.getCredentials();
      const path = `/${API_VERSION}/functions/${encode(functionName)}/invocations`;
      const query = `qualifier=${encode(settings.qualifier)}`;
      const headers: Record<string, string> = {
        host: settings.endpoint.host,
        'content-type': 'application/octet-stream',
        'x-acs-action': 'InvokeFunction',
        'x-acs-version': API_VERSION,
        'x-acs-date': new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        'x-acs-signature-nonce': randomUUID(),
        'x-acs-content-sha256': createHash('sha256').update(payload).digest('hex'),
        'x-fc-invocation-type': options.async ? 'Async' : 'Sync',
      };
      if (credentials.securityToken) headers['x-acs-security-token'] = credentials.securityToken;
      // Signed: host, content-type and every x-acs-* header, sorted (x-fc-* travel unsigned, as the SDK sends them).
      const signed = Object.keys(headers)
        .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
        .sort();
      const canonical = ['POST', path, query, signed.map((name) => `${name}:${headers[name]?.trim()}\n`).join(''), signed.join(';'), headers['x-acs-content-sha256']].join('\n');
      const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
      const signature = createHmac('sha256', credentials.accessKeySecret).update(stringToSign).digest('hex');
      headers['authorization'] = `ACS3-HMAC-SHA256 Credential=${credentials.accessKeyId},SignedHeaders=${signed.join(';')},Signature=${signature}`;
      headers['content-length'] = String(payload.length);
      return send(new URL(`${path}?${query}`, settings.endpoint), headers, payload, settings.timeoutMs, functionName);
    },
  };
}

function send(url: URL, headers: Record<string, string>, payload: Buffer, timeoutMs: number, functionName: string): Promise<InvokeResult> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(',') : value;
        const status = response.statusCode ?? 0;
        if (status >= 400) {
          let code: string | undefined;
          try {
            const parsed = JSON.parse(body.toString('utf8')) as { Code?: string; ErrorCode?: string };
            code = parsed.Code ?? parsed.ErrorCode;
          } catch {
            code = undefined;
          }
          reject(new InvokeTransportError({ functionName, status, code, requestId: responseHeaders['x-fc-request-id'], reason: 'Function Compute refused the invocation' }));
          return;
        }
        resolve({ status, headers: responseHeaders, body });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new InvokeTransportError({ functionName, status: undefined, code: undefined, requestId: undefined, reason: error.message }, { cause: error })));
    request.end(payload);
  });
}
