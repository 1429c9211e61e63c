/**
 * Map a request (method, target, headers) to the OSS operation it invokes.
 */

import { OssError } from './errors';
import type { Handler } from './handlers/context';
import { HANDLERS } from './handlers/dispatch';
import { hasQuery, queryValue, type RequestTarget } from './request-target';
import type { OssOperation } from './types';
import { HANDLED_SUB_RESOURCES, V1_SUB_RESOURCES } from './sub-resources';

/**
 * Classify a request. Unknown combinations, and requests naming a sub-resource
 * this server does not emulate, are `Unsupported`.
 *
 * @param method - upper-case HTTP method.
 * @param target - parsed addressing.
 * @param hasCopySource - whether `x-oss-copy-source` is present.
 */
export function classifyOperation(method: string, target: RequestTarget, hasCopySource: boolean): OssOperation {
  if (target.bucket === undefined) return 'Unsupported';
  const q = target.query;
  if (q.some((p) => V1_SUB_RESOURCES.has(p.name) && !HANDLED_SUB_RESOURCES.has(p.name))) return 'Unsupported';

  if (target.key === '') {
    if (method !== 'GET') return 'Unsupported';
    if (hasQuery(q, 'uploads')) return 'ListMultipartUploads';
    return queryValue(q, 'list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  }

  switch (method) {
    case 'PUT':
      if (hasQuery(q, 'partNumber') || hasQuery(q, 'uploadId')) return hasCopySource ? 'Unsupported' : 'UploadPart';
      return hasCopySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (hasQuery(q, 'uploads')) return 'InitiateMultipartUpload';
      if (hasQuery(q, 'uploadId')) return 'CompleteMultipartUpload';
      if (hasQuery(q, 'append')) return 'AppendObject';
      return 'Unsupported';
    case 'GET':
      if (hasQuery(q, 'uploadId')) return 'ListParts';
      return hasQuery(q, 'objectMeta') ? 'GetObjectMeta' : 'GetObject';
    case 'HEAD':
      return hasQuery(q, 'objectMeta') ? 'GetObjectMeta' : 'HeadObject';
    case 'DELETE':
      return hasQuery(q, 'uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return 'Unsupported';
  }
}

function describeUnsupported(method: string, target: RequestTarget): string {
  const query = target.query.map((param) => param.name).join('&');
  const resource = target.key === '' ? 'the bucket' : `object ${JSON.stringify(target.key)}`;
  return `${method} on ${resource}${query === '' ? '' : ` with ?${query}`} is not an operation this OSS test server emulates.`;
}

/**
 * The bucket and handler of a request that this server can serve.
 *
 * @throws OssError `NotImplemented` (service-level request, AppendObject, or an
 *   operation without a handler) or `NoSuchBucket`.
 */
export function requireRoutable(method: string, target: RequestTarget, op: OssOperation, buckets: ReadonlySet<string>): { bucket: string; handler: Handler } {
  const { bucket } = target;
  if (bucket === undefined) {
    throw new OssError('NotImplemented', {
      message: 'Service-level requests (no bucket in Host or path, e.g. ListBuckets) are not emulated by this OSS test server.',
    });
  }
  if (!buckets.has(bucket)) throw new OssError('NoSuchBucket', { details: [['BucketName', bucket]] });
  if (op === 'AppendObject') {
    throw new OssError('NotImplemented', {
      message: 'AppendObject (POST ?append&position) is not emulated by this OSS test server.',
    });
  }
  const handler = HANDLERS[op];
  if (handler === undefined) throw new OssError('NotImplemented', { message: describeUnsupported(method, target) });
  return { bucket, handler };
}
