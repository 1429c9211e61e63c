/**
 * Option validation and defaults for `startOssServer`.
 */

import type { AuthSettings } from './authenticate';
import type { OssCredential, OssServerOptions } from './types';

/** Key pair used when `credentials` is not given. */
export const DEFAULT_CREDENTIALS: readonly OssCredential[] = [{ accessKeyId: 'test-ak', accessKeySecret: 'test-secret' }];

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const REGION_NAME = /^oss-[a-z0-9-]+$/;

/** Options with defaults applied. */
export interface ResolvedConfig {
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly buckets: ReadonlySet<string>;
  readonly auth: AuthSettings;
  readonly clock: () => number;
}

/**
 * Validate options and fill in defaults.
 *
 * @throws TypeError / RangeError naming the offending option.
 */
export function resolveConfig(options: OssServerOptions): ResolvedConfig {
  const region = options.region ?? 'oss-cn-hangzhou';
  if (!REGION_NAME.test(region)) {
    throw new TypeError(`Expected region like "oss-cn-hangzhou", got ${JSON.stringify(region)}.`);
  }
  const bucketList = options.buckets ?? ['cdr-export'];
  const badBucket = bucketList.find((name) => !BUCKET_NAME.test(name));
  if (badBucket !== undefined) {
    throw new TypeError(`Expected bucket names of 3-63 lower-case letters, digits and hyphens, got ${JSON.stringify(badBucket)}.`);
  }
  const credentialList = options.credentials ?? DEFAULT_CREDENTIALS;
  if (credentialList.length === 0) throw new RangeError('Expected at least one entry in credentials, got none.');
  const credentials = new Map<string, OssCredential>();
  for (const credential of credentialList) {
    if (credentials.has(credential.accessKeyId)) {
      throw new TypeError(`Expected unique accessKeyIds in credentials, got ${JSON.stringify(credential.accessKeyId)} twice.`);
    }
    credentials.set(credential.accessKeyId, credential);
  }
  const maxClockSkewMs = options.maxClockSkewMs ?? 15 * 60 * 1000;
  if (!(maxClockSkewMs >= 0)) throw new RangeError(`Expected maxClockSkewMs >= 0, got ${String(maxClockSkewMs)}.`);
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    region,
    buckets: new Set(bucketList),
    auth: {
      credentials,
      signingRegion: region.replace(/^oss-/, ''),
      maxClockSkewMs,
      allowAnonymous: options.allowAnonymous ?? false,
    },
    clock: options.clock ?? Date.now,
  };
}
