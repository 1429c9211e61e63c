/**
 * What operation handlers receive and return. Handlers are synchronous and
 * throw {@link OssError} for OSS error responses; the server does the HTTP.
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { MultipartRegistry } from '../multipart';
import type { QueryParam } from '../request-target';
import type { ObjectStore } from '../store/object-store';

/** One authenticated request with its body read. */
export interface HandlerContext {
  readonly requestId: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: readonly QueryParam[];
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Server clock, epoch ms. */
  readonly now: number;
  readonly store: ObjectStore;
  readonly uploads: MultipartRegistry;
  /** e.g. `oss-cn-hangzhou`, for `<Location>` URLs. */
  readonly region: string;
  readonly bucketNames: ReadonlySet<string>;
}

/** A successful (or 3xx) answer. For HEAD, a `Content-Length` header is sent as given and the body dropped. */
export interface HandlerResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/** An operation implementation. */
export type Handler = (ctx: HandlerContext) => HandlerResponse;
