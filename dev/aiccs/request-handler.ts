/**
 * One request through the emulator: faults, protocol verification, rate
 * limiting, parameter validation, the store query and the JSON answer.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AiccsApiError, apiErrors, errorBody } from './errors';
import { decideFaults } from './faults';
import type { FaultDecision, FaultOptions } from './faults';
import type { NonceCache } from '../shared/nonce-cache';
import { readRequestBody } from '../shared/request-body';
import { parseHotlineSessionQuery } from './params';
import type { PageLimits } from './params';
import type { Random } from '../shared/prng';
import { collectRpcParams, verifyRpcRequest } from './protocol';
import type { AiccsCredential } from './protocol';
import type { TimeBounds } from './record-filter';
import type { RecordStore } from './record-store';
import { tally } from './stats';
import type { EmulatorStats } from './stats';
import type { TokenBucket } from '../shared/token-bucket';
import { serializeSuccessBody } from './wire-json';
import type { WireStyle } from './wire-json';

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
const MAX_BODY_BYTES = 1024 * 1024;

/** A 502 page like a load balancer in front of the API might return. */
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n';

/** Settings and shared state the handler works with. */
export interface HandlerDeps {
  store: RecordStore;
  stats: EmulatorStats;
  credentials: ReadonlyMap<string, AiccsCredential>;
  nonces: NonceCache;
  bucket: TokenBucket;
  faultRandom: Random;
  faults: () => Readonly<FaultOptions>;
  clock: () => number;
  wait: (ms: number) => Promise<void>;
  isClosing: () => boolean;
  onInternalError: (error: unknown) => void;
  /** Runs just before the store is read; tests use it to make records arrive between pages. */
  beforeQuery: ((instanceId: string, query: Readonly<Record<string, unknown>>) => void) | undefined;
  pageLimits: PageLimits;
  timeBounds: TimeBounds;
  wireStyle: WireStyle;
  requireSecurityToken: boolean;
  echoStringToSign: boolean;
  maxClockSkewMs: number;
}

/**
 * Build the `node:http` request listener.
 *
 * @returns a listener that never rejects; unexpected errors become 500 InternalError.
 */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const { stats } = deps;
    stats.requests++;
    stats.requestTimes.push(Date.now());
    const requestId = randomUUID().toUpperCase();
    try {
      const read = await readRequestBody(req, MAX_BODY_BYTES);
      if (read.kind === 'aborted') return;
      const body = read.kind === 'complete' ? read.body.toString('utf8') : undefined;
      const faults = deps.faults();
      const decision = decideFaults(deps.faultRandom, faults);
      if (decision.delayMs > 0) {
        tally(stats.faultsInjected, 'latency');
        await deps.wait(decision.delayMs);
      }
      if (deps.isClosing()) {
        req.socket.destroy();
        return;
      }
      if (decision.reset) {
        tally(stats.faultsInjected, 'reset');
        req.socket.destroy();
        return;
      }
      if (decision.nonJson5xx) {
        tally(stats.faultsInjected, 'nonJson5xx');
        send(res, 502, BAD_GATEWAY_HTML, 'text/html', requestId);
        return;
      }
      if (body === undefined) throw apiErrors.payloadTooLarge();
      const answer = answerQuery(deps, req, body, decision, faults);
      send(res, 200, decision.truncatedBody ? truncate(answer(requestId)) : answer(requestId), JSON_CONTENT_TYPE, requestId);
      if (decision.truncatedBody) tally(stats.faultsInjected, 'truncatedBody');
      else stats.ok++;
    } catch (error) {
      let apiError: AiccsApiError;
      if (error instanceof AiccsApiError) apiError = error;
      else {
        deps.onInternalError(error);
        apiError = apiErrors.internal();
      }
      tally(stats.errorsByCode, apiError.code);
      send(res, apiError.status, errorBody(apiError, requestId), JSON_CONTENT_TYPE, requestId);
    }
  };
}

/**
 * Verify, rate-limit, validate and query. Synchronous on purpose: no other
 * request can interleave between the throttle check and the store read.
 *
 * @returns a function rendering the success body for a request id.
 * @throws AiccsApiError for every protocol or business error.
 */
function answerQuery(deps: HandlerDeps, req: IncomingMessage, body: string, decision: FaultDecision, faults: Readonly<FaultOptions>): (requestId: string) => string {
  const { stats } = deps;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') throw apiErrors.apiNotFound();
  const params = collectRpcParams(req.url ?? '/', req.headers['content-type'], body);
  verifyRpcRequest(method, params, {
    credentials: deps.credentials,
    nonces: deps.nonces,
    now: deps.clock(),
    maxClockSkewMs: deps.maxClockSkewMs,
    requireSecurityToken: deps.requireSecurityToken,
    echoStringToSign: deps.echoStringToSign,
  });
  stats.lastParams = Object.freeze({ ...params });

  // Throttling is counted after authentication, like the real gateway.
  const throttleStatus = faults.throttleStatus ?? 400;
  if (!deps.bucket.tryTake()) {
    stats.throttled++;
    throw apiErrors.throttled(throttleStatus);
  }
  if (decision.throttle) {
    stats.throttled++;
    tally(stats.faultsInjected, 'throttle');
    throw apiErrors.throttled(throttleStatus);
  }

  const { instanceId, query } = parseHotlineSessionQuery(params, deps.pageLimits);
  stats.lastQuery = query;
  if (!deps.store.has(instanceId)) throw apiErrors.noTenant();
  if (decision.systemError) {
    tally(stats.faultsInjected, 'systemError');
    throw apiErrors.systemError();
  }
  deps.beforeQuery?.(instanceId, query as unknown as Readonly<Record<string, unknown>>);
  const { total, page } = deps.store.query(instanceId, query, { timeBounds: deps.timeBounds });
  const data = { PageNumber: query.PageNo, PageSize: query.PageSize, TotalCount: total, CallDetailRecord: page };
  return (requestId) => serializeSuccessBody(requestId, data, deps.wireStyle);
}

/** Cut a body in the middle: a complete HTTP response carrying invalid JSON. */
function truncate(body: string): string {
  return body.slice(0, Math.floor(body.length / 2));
}

function send(res: ServerResponse, status: number, body: string, contentType: string, requestId: string): void {
  if (res.destroyed || res.writableEnded) return; // the client gave up (e.g. its timeout fired)
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-acs-request-id': requestId,
  });
  res.end(body);
}
