/**
 * The OSS-protocol test server: a `node:http` server that the real ali-oss client
 * talks to over loopback. Per request: addressing → bucket check → operation →
 * authentication → injected faults → body → handler → response.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../shared/http-server';
import { authenticate } from './authenticate';
import { resolveConfig } from './config';
import { OssError } from './errors';
import { FaultInjector, type FaultDecision } from './faults';
import { headerValue } from './headers';
import { delay, newRequestId, readBody, sendError, sendResponse } from './http-io';
import { objectKeyProblem } from './key-order';
import { MultipartRegistry } from './multipart';
import { buildObjectMeta } from './object-meta';
import { parseRequestTarget, queryValue } from './request-target';
import { classifyOperation, requireRoutable } from './operation';
import { StatsRecorder } from './stats';
import { DiskStore } from './store/disk-store';
import { MemoryStore } from './store/memory-store';
import type { ObjectStore } from './store/object-store';
import type { OssServer, OssServerOptions, OssSeedOptions } from './types';

/**
 * Start an OSS-protocol test server.
 *
 * @param options - see {@link OssServerOptions}; all optional.
 * @returns the running server; call `close()` when done.
 * @throws TypeError / RangeError for invalid options; rejects when the port cannot be bound.
 */
export async function startOssServer(options: OssServerOptions = {}): Promise<OssServer> {
  const config = resolveConfig(options);
  const bucketNames = [...config.buckets];
  const store: ObjectStore = options.storage?.kind === 'disk' ? new DiskStore(options.storage.dir, bucketNames) : new MemoryStore(bucketNames);
  const uploads = new MultipartRegistry();
  const faults = new FaultInjector(options.seed ?? 1, options.faults ?? {});
  const stats = new StatsRecorder();

  /**
   * Carry out a fault decision.
   *
   * @returns false when the request is finished (socket reset, or the client left during latency).
   * @throws OssError `SlowDown` / `InternalError` for injected failures.
   */
  async function applyFault(decision: FaultDecision, req: IncomingMessage, clientGone: AbortSignal): Promise<boolean> {
    if (decision.latencyMs > 0) {
      stats.fault('latency');
      if (!(await delay(decision.latencyMs, clientGone))) return false;
    }
    const { action } = decision;
    if (action.kind === 'reset') {
      stats.fault('reset');
      // The body is still unread: the client sees its connection die mid-request.
      req.socket.destroy();
      return false;
    }
    if (action.kind === 'fail') {
      stats.fault(action.reason);
      throw new OssError(action.status === 503 ? 'SlowDown' : 'InternalError', {
        details: [['InjectedFault', action.reason]],
      });
    }
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    // res 'close' before 'finish' means the client went away (e.g. its timeout fired).
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) clientGone.abort();
    });
    let hostId = headerValue(req.headers, 'host') ?? '';
    try {
      const target = parseRequestTarget(req.url ?? '/', headerValue(req.headers, 'host'));
      hostId = target.hostId;
      const op = classifyOperation(method, target, req.headers['x-oss-copy-source'] !== undefined);
      stats.request(op);
      const { bucket, handler } = requireRoutable(method, target, op, config.buckets);

      const now = config.clock();
      const auth = authenticate({ method, target: { ...target, bucket }, headers: req.headers, now }, config.auth);
      stats.signature(auth.version);

      const partText = op === 'UploadPart' ? queryValue(target.query, 'partNumber') : undefined;
      const decision = faults.decide({
        op,
        bucket,
        key: target.key,
        partNumber: partText === undefined ? undefined : Number(partText),
      });
      if (!(await applyFault(decision, req, clientGone.signal))) return;

      const body = await readBody(req);
      const response = handler({
        requestId,
        method,
        bucket,
        key: target.key,
        query: target.query,
        headers: req.headers,
        body,
        now,
        store,
        uploads,
        region: config.region,
        bucketNames: config.buckets,
      });
      sendResponse(res, method, requestId, response);
    } catch (error) {
      // The client went away (timeout, reset): nobody is left to answer.
      if (clientGone.signal.aborted || res.destroyed || req.socket.destroyed) return;
      const ossError =
        error instanceof OssError
          ? error
          : new OssError('InternalError', {
              message: `The OSS test server failed: ${error instanceof Error ? error.message : String(error)}`,
            });
      stats.error(ossError.code);
      sendError(res, method, requestId, hostId, ossError);
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  // ali-oss's shared agent keeps idle sockets for 15 s; Node's 5 s default would close
  // them first and make reused sockets fail at random ("socket hang up", ali-oss#859).
  // Tests that want that failure inject it with resetRate instead.
  server.keepAliveTimeout = 65_000;
  const { port, url } = await listen(server, config.port, config.host);

  const requireBucket = (bucket: string): void => {
    if (!config.buckets.has(bucket)) {
      throw new Error(`Bucket ${JSON.stringify(bucket)} is not configured; configured: ${bucketNames.join(', ')}.`);
    }
  };

  return {
    url,
    port,
    region: config.region,
    setFaults: (next) => faults.set(next),
    get stats() {
      return stats.snapshot();
    },
    listKeys(bucket, prefix = '') {
      requireBucket(bucket);
      return store
        .entries(bucket)
        .map((entry) => entry.key)
        .filter((key) => key.startsWith(prefix));
    },
    getObject(bucket, key) {
      requireBucket(bucket);
      return store.get(bucket, key);
    },
    putObject(bucket: string, key: string, body: Buffer | string, seed: OssSeedOptions = {}) {
      requireBucket(bucket);
      const problem = objectKeyProblem(key);
      if (problem !== undefined) throw new Error(`Cannot seed ${JSON.stringify(key)}: ${problem}`);
      const bytes = Buffer.from(body);
      store.put(
        bucket,
        key,
        bytes,
        buildObjectMeta(bytes, {
          contentType: seed.contentType ?? 'application/octet-stream',
          // Stored like received x-oss-meta-* headers: lower-case names.
          userMeta: Object.fromEntries(Object.entries(seed.userMeta ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
          contentHeaders: {},
          lastModified: config.clock(),
        }),
      );
    },
    deleteObject(bucket, key) {
      requireBucket(bucket);
      return store.delete(bucket, key);
    },
    incompleteUploads(bucket) {
      requireBucket(bucket);
      return uploads.incomplete(bucket);
    },
    abortedUploads(bucket) {
      requireBucket(bucket);
      return uploads.aborted(bucket);
    },
    close: () => closeServer(server),
  };
}
