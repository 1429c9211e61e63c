import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TransportSettings } from './client-core';
import { InvokeTransportError } from './errors';
import type { InvokeResult, Invoker } from './invoker';

import { acs3Encode, signAcs3 } from './acs3-signer';

const API_VERSION = '2023-03-30';

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
      const url = new URL(`/${API_VERSION}/functions/${acs3Encode(functionName)}/invocations?qualifier=${acs3Encode(settings.qualifier)}`, settings.endpoint);
      const headers = signAcs3({
        method: 'POST',
        url,
        body: payload,
        credentials,
        now: now(),
        // x-fc-* travel unsigned, as the SDK sends them.
        headers: {
          'content-type': 'application/octet-stream',
          'x-acs-action': 'InvokeFunction',
          'x-acs-version': API_VERSION,
          'x-fc-invocation-type': options.async ? 'Async' : 'Sync',
          ...(options.asyncTaskId ? { 'x-fc-async-task-id': options.asyncTaskId } : {}),
          ...(options.asyncDelaySeconds ? { 'x-fc-async-delay': String(Math.round(options.asyncDelaySeconds)) } : {}),
        },
      });
      headers['content-length'] = String(payload.length);
      return send(url, headers, payload, settings.timeoutMs, functionName);
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
          reject(
            new InvokeTransportError({ functionName, status, code, requestId: responseHeaders['x-fc-request-id'], reason: 'Function Compute refused the invocation' }),
          );
          return;
        }
        resolve({ status, headers: responseHeaders, body });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) =>
      reject(new InvokeTransportError({ functionName, status: undefined, code: undefined, requestId: undefined, reason: error.message }, { cause: error })),
    );
    request.end(payload);
  });
}
