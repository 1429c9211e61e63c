/**
 * State of multipart uploads. Parts live in memory for both storage kinds: an
 * upload that outlives a server restart is not something the tests need.
 */

import { randomBytes } from 'node:crypto';
import { OssError } from './errors';
import type { OssUploadSummary } from './types';

/** One uploaded part. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly body: Buffer;
  /** Quoted upper-case MD5 hex. */
  readonly etag: string;
  readonly lastModified: number;
}

/** Attributes given at initiation and applied to the completed object. */
export interface UploadInit {
  readonly contentType: string;
  readonly userMeta: Readonly<Record<string, string>>;
  readonly contentHeaders: Readonly<Record<string, string>>;
}

/** A multipart upload. */
export interface Upload extends UploadInit {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: number;
  readonly parts: Map<number, UploadedPart>;
  state: 'active' | 'completed' | 'aborted';
}

function summarize(upload: Upload): OssUploadSummary {
  return {
    key: upload.key,
    uploadId: upload.uploadId,
    parts: [...upload.parts.keys()].sort((a, b) => a - b),
  };
}

/** All uploads of all buckets, in initiation order. */
export class MultipartRegistry {
  private readonly uploads = new Map<string, Upload>();
  private sequence = 0;
  private readonly abortOrder: Array<{ readonly bucket: string; readonly summary: OssUploadSummary }> = [];

  /**
   * Start an upload. IDs look like OSS's (32 upper-case hex characters) and sort in
   * initiation order, so ListMultipartUploads can order by ID and page with
   * upload-id-marker consistently even when two uploads start in the same millisecond.
   */
  initiate(bucket: string, key: string, init: UploadInit, now: number): Upload {
    this.sequence += 1;
    const upload: Upload = {
      ...init,
      bucket,
      key,
      uploadId: `${this.sequence.toString(16).padStart(8, '0')}${randomBytes(12).toString('hex')}`.toUpperCase(),
      initiated: now,
      parts: new Map(),
      state: 'active',
    };
    this.uploads.set(upload.uploadId, upload);
    return upload;
  }

  /**
   * The active upload with this ID for this bucket and key.
   *
   * @throws OssError `NoSuchUpload` when unknown, completed, aborted, or for another key.
   */
  active(bucket: string, key: string, uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (upload === undefined || upload.state !== 'active' || upload.bucket !== bucket || upload.key !== key) {
      const why =
        upload === undefined
          ? 'it was never initiated'
          : upload.state !== 'active'
            ? `it was already ${upload.state}`
            : `it belongs to key ${JSON.stringify(upload.key)}`;
      throw new OssError('NoSuchUpload', {
        message: `The specified upload does not exist. (Upload ${JSON.stringify(uploadId)} for key ${JSON.stringify(key)}: ${why}.)`,
        details: [['UploadId', uploadId]],
      });
    }
    return upload;
  }

  /** Mark an upload completed; its parts are dropped. */
  complete(upload: Upload): void {
    upload.state = 'completed';
    upload.parts.clear();
  }

  /** Mark an upload aborted; its parts are dropped but its part numbers stay visible to tests. */
  abort(upload: Upload): void {
    upload.state = 'aborted';
    this.abortOrder.push({ bucket: upload.bucket, summary: summarize(upload) });
    upload.parts.clear();
  }

  /** Active uploads of a bucket, in initiation order. */
  activeUploads(bucket: string): Upload[] {
    return [...this.uploads.values()].filter((upload) => upload.bucket === bucket && upload.state === 'active');
  }

  /** Summaries of active uploads (for `server.incompleteUploads`). */
  incomplete(bucket: string): OssUploadSummary[] {
    return this.activeUploads(bucket).map(summarize);
  }

  /** Summaries of aborted uploads in abort order (for `server.abortedUploads`). */
  aborted(bucket: string): OssUploadSummary[] {
    return this.abortOrder.filter((entry) => entry.bucket === bucket).map((entry) => entry.summary);
  }
}
