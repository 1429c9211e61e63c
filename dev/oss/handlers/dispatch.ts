/**
 * Operation → handler table.
 */

import type { OssOperation } from '../types';
import type { Handler } from './context';
import { listMultipartUploads, listObjects, listObjectsV2 } from './list-handlers';
import { abortMultipartUpload, completeMultipartUpload, initiateMultipartUpload, listParts, uploadPart } from './multipart-handlers';
import { copyObject, deleteObject, getObject, getObjectMeta, putObject } from './object-handlers';

/** Handlers of the emulated operations; `AppendObject` and `Unsupported` have none (501). */
export const HANDLERS: Readonly<Partial<Record<OssOperation, Handler>>> = {
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: getObject,
  GetObjectMeta: getObjectMeta,
  DeleteObject: deleteObject,
  CopyObject: copyObject,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  InitiateMultipartUpload: initiateMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
};
