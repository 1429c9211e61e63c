import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FcHttpEvent } from '../../lib/fc/types';

export interface TriggerEventOptions {
  accountId: string;
  region: string;
  triggerId: string;
  requestId: string;
  now: number;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|x-www-form-urlencoded|x-ndjson|javascript))/i;

/**
 * Builds the exact FC 3.0 HTTP trigger event for a Node request:
 * multi-valued headers and query parameters comma-joined, `rawPath`
 * URL-encoded, the body base64-encoded unless it is text.
 */
export function toHttpTriggerEvent(request: IncomingMessage, body: Buffer, options: TriggerEventOptions): FcHttpEvent {
  const url = new URL(request.url ?? '/', 'http://gateway.local');
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? '';
    const value = request.rawHeaders[i + 1] ?? '';
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing === undefined) headers[name] = value;
    else headers[existing] = `${headers[existing]},${value}`;
  }
  const queryParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) queryParameters[name] = name in queryParameters ? `${queryParameters[name]},${value}` : value;

  const contentType = request.headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType) || (contentType === '' && isUtf8(body));
  return {
    version: 'v1',
    rawPath: url.pathname,
    body: isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
    headers,
    queryParameters,
    requestContext: {
      accountId: options.accountId,
      domainName: `${options.triggerId}.${options.region}.fcapp.run`,
      domainPrefix: options.triggerId,
      http: {
        method: request.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: options.requestId,
      time: new Date(options.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(options.now),
    },
  };
}

function isUtf8(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** FC-style request ids: `1-<hex time>-<random>`. */
export function newRequestId(now: number): string {
  return `1-${Math.floor(now / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
