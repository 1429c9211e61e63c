import type { HttpRequest, HttpResponse, Invocation } from '../http/types';
import { credentialsFromContext } from './context';
import { DEADLINE_POLICIES, deadlineBefore, invocationEnd, type DeadlinePolicy } from './deadline';
import { FcHttpEventSchema, type FcContext, type FcHttpResult } from './types';

export type HttpApp = (request: HttpRequest, invocation: Invocation) => Promise<HttpResponse>;

/**
 * Turns the FC event Buffer into a transport-neutral request. An FC 3.0 HTTP
 * trigger event becomes that request; anything else is a direct invocation
 * whose whole event is the JSON body of `POST /`.
 */
export function parseFcEvent(event: Buffer): { request: HttpRequest; source: Invocation['source'] } {
  const asHttp = tryParseHttpEvent(event);
  if (asHttp) return { request: asHttp, source: 'http' };
  return {
    request: { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, query: {}, body: event },
    source: 'invoke',
  };
}

function tryParseHttpEvent(event: Buffer): HttpRequest | undefined {
  // Cheap sniff first: a direct invocation's body may be large and is parsed later anyway.
  if (event.length === 0 || !event.includes('"requestContext"')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(event.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = FcHttpEventSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const http = parsed.data;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(http.headers ?? {})) headers[name.toLowerCase()] = value;
  const rawBody = http.body ?? '';
  return {
    method: http.requestContext.http.method.toUpperCase(),
    path: http.requestContext.http.path || '/',
    headers,
    query: { ...(http.queryParameters ?? {}) },
    body: http.isBase64Encoded ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody, 'utf8'),
  };
}

/** The invocation facts the core needs, taken from the FC context: the deadline keeps time to answer before FC ends the invocation. */
export function invocationFromContext(
  context: FcContext,
  source: Invocation['source'],
  startedAt: number,
  now: () => number = Date.now,
  policy: DeadlinePolicy = DEADLINE_POLICIES.query,
): Invocation {
  const deadline = deadlineBefore(invocationEnd(context, startedAt, policy.defaultTimeoutSeconds), policy.reserveMs, now);
  return {
    requestId: context.requestId || 'local',
    deadline: deadline.at,
    signal: deadline.signal,
    credentials: credentialsFromContext(context),
    source,
  };
}

/** Adapts a core HTTP app to FC 3.0's `handler(event, context)`. */
export function createFcHttpHandler(app: HttpApp, now: () => number = Date.now) {
  return async (event: Buffer, context: FcContext): Promise<FcHttpResult> => {
    const startedAt = now();
    const { request, source } = parseFcEvent(Buffer.isBuffer(event) ? event : Buffer.from(String(event)));
    const response = await app(request, invocationFromContext(context, source, startedAt, now));
    return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
  };
}
