/**
 * OSS-protocol test server for the real ali-oss client (oss.md §9).
 *
 * @example
 * const server = await startOssServer({ credentials: [{ accessKeyId: 'ak', accessKeySecret: 'sk' }] });
 * const client = new OSS({ endpoint: server.url, region: server.region, bucket: 'cdr-export',
 *   accessKeyId: 'ak', accessKeySecret: 'sk', authorizationV4: true });
 */

export { startOssServer } from './server';
export { DEFAULT_CREDENTIALS } from './config';
export { crc64, crc64Header } from './crc64';
export type { OssErrorCode } from './errors';
export type {
  OssCredential,
  OssFaults,
  OssObjectMeta,
  OssOperation,
  OssScriptedFailure,
  OssSeedOptions,
  OssServer,
  OssServerOptions,
  OssStats,
  OssStorageOptions,
  OssStoredObject,
  OssUploadSummary,
} from './types';
