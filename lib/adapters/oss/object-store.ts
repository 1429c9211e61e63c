import { createHash } from 'node:crypto';
import OSS from 'ali-oss';
import type { Credentials } from '../../credentials/credentials';
import { StoreFailedError } from '../../errors/export';
import { RetriesExhaustedError } from '../../errors/retry';
import { raceAbort } from '../../flow/abort';
import { withRetry, type RetryDecision } from '../../flow/retry';

/** One listed object. `etag` is the lower-case hex MD5 for simple uploads. */
export interface StoredObject {
  key: string;
  size: number;
  etag: string;
}

export interface PutOptions {
  contentType: string;
  /** Refuse to replace an existing object (x-oss-forbid-overwrite). */
  createOnly: boolean;
  /** Base64 MD5 of the body; OSS verifies it (Content-MD5). Computed when absent. */
  md5Base64?: string;
  /** Bodies at least this large go up in parts. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

export type PutOutcome = { outcome: 'created'; etag: string } | { outcome: 'exists'; etag: string };

/**
 * The storage port the exporter depends on. Implementations retry what is
 * safe to retry (5xx, SlowDown, resets, timeouts) and abort any multipart
 * upload that does not complete.
 */
export interface ObjectStore {
  put(key: string, body: Buffer, options: PutOptions): Promise<PutOutcome>;
  get(key: string): Promise<Buffer | undefined>;
  head(key: string): Promise<{ etag: string; size: number } | undefined>;
  delete(key: string): Promise<void>;
  /** Every object under `prefix` (ListObjectsV2, all pages). */
  list(prefix: string): Promise<StoredObject[]>;
}

export interface OssStoreOptions {
  region: string;
  bucket: string;
  /** Overrides the region's endpoint, e.g. the internal endpoint or a local server. */
  endpoint?: string | undefined;
  credentials: Credentials;
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Epoch ms after which no new attempt starts. */
  deadline?: () => number;
  /** When it aborts, a call in flight is no longer awaited (ali-oss cannot cancel its socket) and fails as DeadlineReached. */
  signal?: AbortSignal | undefined;
  onRetry?: (reason: string) => void;
  /** Which failures are retried; default ossRetryDecision (5xx, SlowDown, resets, timeouts). */
  retryPolicy?: (error: unknown) => RetryDecision;
  sleep?: (ms: number) => Promise<void>;
  /** The clock the deadline is measured on. */
  now?: () => number;
}

const DEFAULT_MULTIPART_THRESHOLD = 32 * 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** OSS's own floor for every part but the last. */
export const MIN_PART_SIZE = 100 * 1024;

interface OssError {
  status?: unknown;
  code?: unknown;
  name?: unknown;
}

/** Which OSS failures are safe to retry: all our calls are idempotent (create-only puts included). */
export function ossRetryDecision(error: unknown): RetryDecision {
  const { status, code, name } = (typeof error === 'object' && error !== null ? error : {}) as OssError;
  if (typeof status === 'number' && (status >= 500 || status === 429 || status === -1 || status === -2)) return { retry: true, reason: `oss-${status}` };
  if (code === 'SlowDown' || code === 'RequestTimeout' || code === 'InternalError' || code === 'ServiceUnavailable') return { retry: true, reason: String(code) };
  if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ResponseTimeoutError|ConnectionTimeoutError|RequestError)$/.test(code))
    return { retry: true, reason: code };
  if (typeof name === 'string' && /^(ResponseTimeoutError|ConnectionTimeoutError|RequestError|ResponseError)$/.test(name)) return { retry: true, reason: name };
  return { retry: false };
}

const normalizeEtag = (etag: unknown) =>
  String(etag ?? '')
    .replaceAll('"', '')
    .toLowerCase();

/**
 * An ObjectStore over ali-oss with the invocation's STS credentials and
 * signature V4. ali-oss retries only network errors, never 5xx or
 * throttling, so every call goes through our back-off.
 */
export function createOssStore(options: OssStoreOptions): ObjectStore {
  const credentials = options.credentials;
  const client = new OSS({
    region: options.region,
    bucket: options.bucket,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    secure: options.endpoint ? options.endpoint.startsWith('https://') : true,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken
      ? {
          stsToken: credentials.securityToken,
          // A per-invocation client: the token outlives the run, so "refreshing" returns the same triple (and keeps ali-oss from warning).
          refreshSTSToken: async () => ({
            accessKeyId: credentials.accessKeyId,
            accessKeySecret: credentials.accessKeySecret,
            stsToken: credentials.securityToken ?? '',
          }),
          refreshSTSTokenInterval: 3_600_000,
        }
      : {}),
    authorizationV4: true,
    timeout: options.timeoutMs ?? 60_000,
    retryMax: 0,
  } as unknown as OSS.Options);
  const raw = client as unknown as RawOssClient;

  const retrying = async <T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withRetry(() => raceAbort(fn(), options.signal), {
        maxAttempts: options.maxAttempts ?? 5,
        baseDelayMs: options.baseDelayMs ?? 200,
        maxDelayMs: 5_000,
        deadline: options.deadline?.() ?? Number.POSITIVE_INFINITY,
        classify: (error) => (options.signal?.aborted ? { retry: false } : (options.retryPolicy ?? ossRetryDecision)(error)),
        onRetry: ({ reason }) => options.onRetry?.(reason),
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
    } catch (error) {
      const last = error instanceof RetriesExhaustedError ? error.lastError : error;
      const { status, code } = (typeof last === 'object' && last !== null ? last : {}) as OssError;
      throw new StoreFailedError(
        {
          operation,
          key,
          code: options.signal?.aborted ? 'DeadlineReached' : String(code ?? 'error'),
          httpStatus: typeof status === 'number' ? status : undefined,
          attempts: error instanceof RetriesExhaustedError ? error.attempts : undefined,
        },
        error,
      );
    }
  };

  const isAlreadyExists = (error: unknown) => {
    const { status, code } = (typeof error === 'object' && error !== null ? error : {}) as OssError;
    return status === 409 && code === 'FileAlreadyExists';
  };

  const existing = async (key: string): Promise<PutOutcome> => {
    const head = await store.head(key);
    if (!head) throw new StoreFailedError({ operation: 'put', key, code: 'FileAlreadyExists, then NoSuchKey on HEAD' });
    return { outcome: 'exists', etag: head.etag };
  };

  const putMultipart = async (key: string, body: Buffer, put: PutOptions): Promise<PutOutcome> => {
    const partSize = Math.max(MIN_PART_SIZE, put.partSizeBytes ?? DEFAULT_PART_SIZE);
    const headers = put.createOnly ? { 'x-oss-forbid-overwrite': 'true' } : {};
    const { uploadId } = await retrying('initiate multipart upload', key, () => raw.initMultipartUpload(key, { mime: put.contentType, headers }));
    try {
      const parts: Array<{ number: number; etag: string }> = [];
      for (let offset = 0, number = 1; offset < body.length; offset += partSize, number++) {
        const chunk = body.subarray(offset, Math.min(body.length, offset + partSize));
        const md5 = createHash('md5').update(chunk).digest('base64');
        const result = await retrying(`upload part ${number}`, key, () =>
          raw.uploadPart(key, uploadId, number, body, offset, offset + chunk.length, { headers: { 'Content-MD5': md5 } }),
        );
        parts.push({ number, etag: String(result.etag) });
      }
      const completed = await retrying('complete multipart upload', key, async () => {
        try {
          return await raw.completeMultipartUpload(key, uploadId, parts, { headers });
        } catch (error) {
          if (isAlreadyExists(error)) return undefined;
          throw error;
        }
      });
      if (completed === undefined) {
        await abortQuietly(key, uploadId);
        return existing(key);
      }
      return { outcome: 'created', etag: normalizeEtag(completed.res?.headers?.['etag']) };
    } catch (error) {
      // Stranded parts are billed and invisible: every failure after initiate aborts.
      await abortQuietly(key, uploadId);
      throw error;
    }
  };

  const abortQuietly = async (key: string, uploadId: string) => {
    try {
      await retrying('abort multipart upload', key, () => raw.abortMultipartUpload(key, uploadId));
    } catch {
      // The caller's error matters more; an OSS lifecycle rule sweeps what remains.
    }
  };

  const store: ObjectStore = {
    async put(key, body, put) {
      if (body.length >= (put.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD)) return putMultipart(key, body, put);
      const md5 = put.md5Base64 ?? createHash('md5').update(body).digest('base64');
      const result = await retrying('put', key, async () => {
        try {
          return await raw.put(key, body, { mime: put.contentType, headers: { 'Content-MD5': md5, ...(put.createOnly ? { 'x-oss-forbid-overwrite': 'true' } : {}) } });
        } catch (error) {
          if (isAlreadyExists(error)) return undefined;
          throw error;
        }
      });
      if (result === undefined) return existing(key);
      return { outcome: 'created', etag: normalizeEtag(result.res?.headers?.['etag']) };
    },
    async get(key) {
      return retrying('get', key, async () => {
        try {
          const result = await raw.get(key);
          return Buffer.isBuffer(result.content) ? result.content : Buffer.from(result.content ?? '');
        } catch (error) {
          if ((error as OssError).status === 404) return undefined;
          throw error;
        }
      });
    },
    async head(key) {
      return retrying('head', key, async () => {
        try {
          const result = await raw.head(key);
          return { etag: normalizeEtag(result.res?.headers?.['etag']), size: Number(result.res?.headers?.['content-length'] ?? 0) };
        } catch (error) {
          if ((error as OssError).status === 404) return undefined;
          throw error;
        }
      });
    },
    async delete(key) {
      await retrying('delete', key, () => raw.delete(key));
    },
    async list(prefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      do {
        // Never pass `undefined` values: under V4 ali-oss would sign a different query than it sends.
        // Nor empty ones: OSS signs `prefix=` as a bare name, which ali-oss does not.
        const query: Record<string, string> = { 'max-keys': '1000' };
        if (prefix !== '') query['prefix'] = prefix;
        if (token) query['continuation-token'] = token;
        const page = await retrying('list', prefix, () => raw.listV2(query, {}));
        for (const object of page.objects ?? []) objects.push({ key: object.name, size: Number(object.size), etag: normalizeEtag(object.etag) });
        token = page.isTruncated ? page.nextContinuationToken : undefined;
      } while (token);
      return objects;
    },
  };
  return store;
}

/** The slice of ali-oss we use, typed for what we read back. */
interface RawOssClient {
  put(name: string, body: Buffer, options: object): Promise<{ res?: { headers?: Record<string, string> } }>;
  get(name: string): Promise<{ content?: Buffer | string }>;
  head(name: string): Promise<{ res?: { headers?: Record<string, string> } }>;
  delete(name: string): Promise<unknown>;
  listV2(
    query: Record<string, string>,
    options: object,
  ): Promise<{ objects?: Array<{ name: string; size: number; etag: string }>; isTruncated?: boolean; nextContinuationToken?: string }>;
  initMultipartUpload(name: string, options: object): Promise<{ uploadId: string }>;
  uploadPart(name: string, uploadId: string, partNo: number, file: Buffer, start: number, end: number, options: object): Promise<{ etag: string }>;
  completeMultipartUpload(
    name: string,
    uploadId: string,
    parts: Array<{ number: number; etag: string }>,
    options: object,
  ): Promise<{ res?: { headers?: Record<string, string> } }>;
  abortMultipartUpload(name: string, uploadId: string): Promise<unknown>;
}
