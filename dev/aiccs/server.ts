/**
 * AICCS HotlineSessionQuery emulator: a real `node:http` server that speaks
 * the Alibaba Cloud RPC protocol as `@alicloud/pop-core` sends it, so tests and
 * the local stack run offline against realistic behaviour, signatures included.
 */
import { createServer } from 'node:http';
import { createDemoStore, DEMO_CREDENTIALS } from './demo';
import { createDevHooks, DEV_PATH_PREFIX, serveDevHook, type ChangeRecordsRequest, type DevHookResult, type LateRecordsRequest } from './dev-hooks';
import { validateFaults } from './faults';
import type { FaultOptions } from './faults';
import { closeServer, listen } from '../shared/http-server';
import { NonceCache } from '../shared/nonce-cache';
import type { PageLimits } from './params';
import { createRandom } from '../shared/prng';
import type { AiccsCredential } from './protocol';
import type { TimeBounds } from './record-filter';
import type { RecordStore } from './record-store';
import { createRequestHandler } from './request-handler';
import { createStats, resetStats } from './stats';
import type { EmulatorStats } from './stats';
import { TokenBucket } from '../shared/token-bucket';
import type { WireStyle } from './wire-json';

/** Options of {@link startAiccsEmulator}; all optional. */
export interface AiccsEmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Accepted access keys; default: {@link DEMO_CREDENTIALS}. */
  credentials?: readonly AiccsCredential[];
  /** Records to serve; default: {@link createDemoStore} at the emulator's clock. */
  store?: RecordStore;
  /** Account-wide requests per second (token bucket, burst = qps); default 80; `Infinity` disables. */
  qps?: number;
  /** When a credential has a securityToken, require exactly that `SecurityToken`; default false. */
  requireSecurityToken?: boolean;
  /** PageSize > 50 or PageNo > 1000: `error` (400 InvalidParameter, default) or `clamp`. */
  pageLimits?: PageLimits;
  /** Default `inclusive`; `exclusive-end` excludes records created exactly at QueryEndTime. */
  timeBounds?: TimeBounds;
  /** How record values are typed on the wire; default `metadata`. */
  wireStyle?: WireStyle;
  /** Server wall clock (epoch ms) for Timestamp checks and nonce expiry; default `Date.now`. */
  clock?: () => number;
  /** Initial fault injection; see {@link AiccsEmulator.setFaults}. */
  faults?: FaultOptions;
  /** Seed of the fault generator; default 1. */
  seed?: number;
  /** Include the server's string-to-sign in SignatureDoesNotMatch. Debug only: it contains the SecurityToken. */
  echoStringToSign?: boolean;
  /** Allowed |server clock − Timestamp|; default 15 minutes. */
  maxClockSkewMs?: number;
  /** Called with unexpected exceptions (answered as 500 InternalError); default: console.error. */
  onInternalError?: (error: unknown) => void;
  /**
   * Serve the dev hooks as unsigned `POST /_dev/late-records` and
   * `POST /_dev/record-changes` for callers on loopback; default true.
   */
  devEndpoints?: boolean;
  /** Called with each verified query just before the store is read (e.g. to add records mid-paging). */
  beforeQuery?: (instanceId: string, query: Readonly<Record<string, unknown>>) => void;
}

/** A running emulator. */
export interface AiccsEmulator {
  /** Base URL for pop-core's `endpoint`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  readonly store: RecordStore;
  /** Live counters, mutated in place. */
  readonly stats: EmulatorStats;
  /**
   * Replace the fault options (not merged).
   *
   * @throws RangeError when an option is out of range.
   */
  setFaults(faults: FaultOptions): void;
  /**
   * Add generated records to an hour that is over, as if they became visible
   * only now (late arrivals). Same as `POST /_dev/late-records`.
   *
   * @example emulator.addLateRecords({ instanceId: DEMO_INSTANCE_ID, hour: '2026-11-20T03:00:00Z', count: 5 })
   * @throws DevHookError (status 404) for an unknown instance; (400) for an hour not yet over or a bad request.
   */
  addLateRecords(request: LateRecordsRequest): DevHookResult;
  /**
   * Set fields on the records of an hour that is over (all of them, or the
   * newest `limit`), as when satisfaction arrives after hang-up. Same as
   * `POST /_dev/record-changes`.
   *
   * @example emulator.changeRecords({ instanceId: DEMO_INSTANCE_ID, hour: '2026-11-20T03:00:00Z', fields: { EvaluationLevel: 1 } })
   * @throws DevHookError (status 404) for an unknown instance; (400) for an hour not yet over or a bad request.
   */
  changeRecords(request: ChangeRecordsRequest): DevHookResult;
  /** Zero {@link stats} in place. */
  resetStats(): void;
  /** Stop listening and drop every connection, keep-alive ones included. */
  close(): Promise<void>;
}

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

/**
 * Start the emulator and wait until it listens.
 *
 * @throws RangeError for invalid options (qps, faults, duplicate access key ids);
 *   rejects when the port cannot be bound.
 */
export async function startAiccsEmulator(opts: AiccsEmulatorOptions = {}): Promise<AiccsEmulator> {
  const clock = opts.clock ?? Date.now;
  const qps = opts.qps ?? 80;
  const bucket = new TokenBucket(qps, Math.max(1, qps));
  let faults = validateFaults(opts.faults ?? {});
  const store = opts.store ?? createDemoStore(clock());
  const stats = createStats();
  const pendingWaits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  const handler = createRequestHandler({
    store,
    stats,
    credentials: credentialMap(opts.credentials ?? [DEMO_CREDENTIALS]),
    nonces: new NonceCache(),
    bucket,
    faultRandom: createRandom(opts.seed ?? 1),
    faults: () => faults,
    clock,
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const entry = {
          timer: setTimeout(() => entry.resolve(), ms),
          resolve: () => {
            clearTimeout(entry.timer);
            pendingWaits.delete(entry);
            resolve();
          },
        };
        pendingWaits.add(entry);
      }),
    isClosing: () => closing,
    onInternalError: opts.onInternalError ?? ((error) => console.error('[aiccs-emulator] internal error', error)),
    beforeQuery: opts.beforeQuery,
    pageLimits: opts.pageLimits ?? 'error',
    timeBounds: opts.timeBounds ?? 'inclusive',
    wireStyle: opts.wireStyle ?? 'metadata',
    requireSecurityToken: opts.requireSecurityToken ?? false,
    echoStringToSign: opts.echoStringToSign ?? false,
    maxClockSkewMs: opts.maxClockSkewMs ?? FIFTEEN_MINUTES_MS,
  });

  const hooks = createDevHooks(store, clock);
  const devEndpoints = opts.devEndpoints ?? true;
  const server = createServer((req, res) => {
    if (devEndpoints && req.url?.startsWith(DEV_PATH_PREFIX)) {
      void serveDevHook(hooks, req, res).catch((error: unknown) => {
        (opts.onInternalError ?? console.error)(error);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    void handler(req, res);
  });
  const { port, url } = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');

  return {
    url,
    port,
    store,
    stats,
    addLateRecords: (request) => hooks.addLateRecords(request),
    changeRecords: (request) => hooks.changeRecords(request),
    setFaults(next) {
      faults = validateFaults(next);
    },
    resetStats() {
      resetStats(stats);
    },
    close() {
      closing = true;
      // Release delayed handlers; they see `closing` and drop their socket.
      for (const entry of [...pendingWaits]) entry.resolve();
      return closeServer(server);
    },
  };
}

/**
 * Index credentials by access key id.
 *
 * @throws RangeError on an empty list or a duplicate access key id.
 */
function credentialMap(credentials: readonly AiccsCredential[]): Map<string, AiccsCredential> {
  if (credentials.length === 0) throw new RangeError('Expected at least one credential for the emulator');
  const map = new Map<string, AiccsCredential>();
  for (const credential of credentials) {
    if (map.has(credential.accessKeyId)) throw new RangeError(`Duplicate accessKeyId ${JSON.stringify(credential.accessKeyId)} in emulator credentials`);
    map.set(credential.accessKeyId, credential);
  }
  return map;
}
