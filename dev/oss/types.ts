/**
 * Public types of the OSS-protocol test server: options, faults, the server
 * handle, and the shapes its inspection helpers return.
 */

/** Every operation the server recognises; anything else is `Unsupported` (501). */
export type OssOperation =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'GetObjectMeta'
  | 'DeleteObject'
  | 'CopyObject'
  | 'AppendObject'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'ListMultipartUploads'
  | 'Unsupported';

/** One accepted key pair. With `securityToken` it is an STS pair and every request must carry it. */
export interface OssCredential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** Where objects live: process memory, or real files under `dir/<bucket>/<key>`. */
export type OssStorageOptions = { readonly kind: 'memory' } | { readonly kind: 'disk'; readonly dir: string };

/** A scripted failure: the next `count` matching requests answer `status`. */
export interface OssScriptedFailure {
  /** Only requests of this operation consume the entry; absent = any operation. */
  readonly op?: OssOperation;
  readonly status: 500 | 503;
  readonly count: number;
}

/**
 * Faults injected after a request has been authenticated (so a bad signature is
 * never masked by a fault). Rates are probabilities in [0, 1] drawn from the
 * server's seeded PRNG, so a given seed yields the same fault sequence.
 */
export interface OssFaults {
  /** Probability of `503 SlowDown`. */
  readonly unavailableRate?: number;
  /** Probability of `500 InternalError`. */
  readonly internalErrorRate?: number;
  /** Probability of destroying the socket before the request body is read. */
  readonly resetRate?: number;
  /** Delay before every matching response, in milliseconds. */
  readonly latencyMs?: number;
  /** Exact failures, consumed in order; counts are decremented on a private copy. */
  readonly failNext?: readonly OssScriptedFailure[];
  /** UploadPart with this part number answers `500 InternalError` (every time). */
  readonly failPartNumber?: number;
  /** Restrict all faults above to requests this returns true for. */
  readonly match?: (op: OssOperation, bucket: string, key: string) => boolean;
}

/** Options of {@link startOssServer}; every field has a default. */
export interface OssServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port; default 0 (an ephemeral port, read it back from `server.port`). */
  readonly port?: number;
  /** Region the server pretends to be in, e.g. `oss-cn-hangzhou` (V4 scopes use `cn-hangzhou`). */
  readonly region?: string;
  /** Buckets that exist. Default `['cdr-export']`; others answer `404 NoSuchBucket`. */
  readonly buckets?: readonly string[];
  /** Accepted key pairs. Default: one pair `test-ak` / `test-secret`. */
  readonly credentials?: readonly OssCredential[];
  /** Default `{ kind: 'memory' }`. */
  readonly storage?: OssStorageOptions;
  /** Allowed distance between the request date and the server clock. Default 15 minutes. */
  readonly maxClockSkewMs?: number;
  /** Server clock in epoch milliseconds. Default `Date.now`. */
  readonly clock?: () => number;
  /** Accept requests without `Authorization`. Default false (`403 AccessDenied`). */
  readonly allowAnonymous?: boolean;
  /** Initial faults; replace them later with `server.setFaults`. */
  readonly faults?: OssFaults;
  /** PRNG seed for fault decisions. Default 1. */
  readonly seed?: number;
}

/** Metadata kept for every stored object. */
export interface OssObjectMeta {
  readonly size: number;
  /** Quoted, upper-case hex, exactly as sent in the `ETag` header. */
  readonly etag: string;
  /** `x-oss-hash-crc64ecma` value (unsigned decimal). */
  readonly crc64: string;
  readonly contentType: string;
  /** Base64 MD5 of the body; absent for multipart objects (OSS does not return one). */
  readonly contentMd5?: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly objectType: 'Normal' | 'Multipart';
  /** `x-oss-meta-*` values keyed by the lower-case suffix (`x-oss-meta-run` → `run`). */
  readonly userMeta: Readonly<Record<string, string>>;
  /** Stored standard headers (cache-control, content-disposition, content-encoding, content-language, expires). */
  readonly contentHeaders: Readonly<Record<string, string>>;
}

/** An object as returned by `server.getObject`. */
export interface OssStoredObject {
  readonly body: Buffer;
  readonly meta: OssObjectMeta;
}

/** A multipart upload as seen by the inspection helpers. */
export interface OssUploadSummary {
  readonly key: string;
  readonly uploadId: string;
  /** Part numbers uploaded so far, ascending. */
  readonly parts: readonly number[];
}

/** Counters for assertions; `server.stats` returns a fresh snapshot each time. */
export interface OssStats {
  /** Requests per recognised operation (counted before authentication). */
  readonly requests: Readonly<Partial<Record<OssOperation, number>>>;
  /** Injected faults by kind. */
  readonly faults: {
    readonly unavailable: number;
    readonly internalError: number;
    readonly reset: number;
    readonly latency: number;
    readonly scripted: number;
    readonly failedPart: number;
  };
  /** Authorization schemes seen. */
  readonly signatureVersions: { readonly v1: number; readonly v4: number; readonly anonymous: number };
  /** Error responses by OSS error code. */
  readonly errors: Readonly<Record<string, number>>;
}

/** Options for seeding an object with `server.putObject`. */
export interface OssSeedOptions {
  readonly contentType?: string;
  readonly userMeta?: Readonly<Record<string, string>>;
}

/** A running server. */
export interface OssServer {
  /** `http://<host>:<port>`, ready for ali-oss's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** e.g. `oss-cn-hangzhou`; pass the same value as ali-oss `region`. */
  readonly region: string;
  /** Replace every fault (scripted counts restart from the given values). */
  setFaults(faults: OssFaults): void;
  readonly stats: OssStats;
  /** Keys of a bucket in OSS order (UTF-8 byte order), optionally under a prefix. */
  listKeys(bucket: string, prefix?: string): string[];
  getObject(bucket: string, key: string): OssStoredObject | undefined;
  /** Seed an object without HTTP. */
  putObject(bucket: string, key: string, body: Buffer | string, options?: OssSeedOptions): void;
  /** Remove an object without HTTP; returns whether it existed. */
  deleteObject(bucket: string, key: string): boolean;
  /** Uploads initiated and neither completed nor aborted. */
  incompleteUploads(bucket: string): OssUploadSummary[];
  /** Uploads aborted with AbortMultipartUpload, in abort order. */
  abortedUploads(bucket: string): OssUploadSummary[];
  /** Stop listening and destroy every open (keep-alive) socket. */
  close(): Promise<void>;
}
