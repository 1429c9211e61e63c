/**
 * OSS error codes the server can answer with, and the error type handlers throw.
 * Status codes, codes and messages follow the OSS documentation; EC values are
 * filled in only where a source was found (the others stay empty rather than
 * invented, see the comments in {@link ERROR_CATALOGUE}).
 */

/** Codes the server emits. */
export type OssErrorCode =
  | 'AccessDenied'
  | 'AuthorizationHeaderMalformed'
  | 'EntityTooLarge'
  | 'EntityTooSmall'
  | 'FileAlreadyExists'
  | 'InternalError'
  | 'InvalidAccessKeyId'
  | 'InvalidArgument'
  | 'InvalidDigest'
  | 'InvalidObjectName'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'InvalidRange'
  | 'InvalidSecurityToken'
  | 'MalformedXML'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'NotImplemented'
  | 'PreconditionFailed'
  | 'RequestTimeTooSkewed'
  | 'SignatureDoesNotMatch'
  | 'SlowDown';

interface CatalogueEntry {
  readonly status: number;
  readonly message: string;
  readonly ec: string;
}

/**
 * Status, default message and EC per code.
 * EC sources: 0026-00000201 (oss.md §4), 0002-00000040 / 0002-00000504 /
 * 0002-00000006 (OSS "support/<EC>" pages). 0026-00000001 and 0015-00000101 are
 * from memory: UNCONFIRMED. Empty = not known.
 */
const ERROR_CATALOGUE: Readonly<Record<OssErrorCode, CatalogueEntry>> = {
  AccessDenied: { status: 403, message: 'You have no right to access this object because of bucket acl.', ec: '' },
  AuthorizationHeaderMalformed: { status: 400, message: 'The authorization header is malformed.', ec: '' },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed size.', ec: '' },
  EntityTooSmall: { status: 400, message: 'Your proposed upload is smaller than the minimum allowed size.', ec: '' },
  FileAlreadyExists: {
    status: 409,
    message: 'The object you specified already exists and can not be overwritten.',
    ec: '0026-00000201',
  },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.', ec: '' },
  InvalidAccessKeyId: {
    status: 403,
    message: 'The OSS Access Key Id you provided does not exist in our records.',
    ec: '',
  },
  InvalidArgument: { status: 400, message: 'Invalid Argument.', ec: '' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified was invalid.', ec: '' },
  InvalidObjectName: { status: 400, message: 'The specified object is not valid.', ec: '' },
  InvalidPart: {
    status: 400,
    message: "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
    ec: '',
  },
  InvalidPartOrder: {
    status: 400,
    message: 'The list of parts was not in ascending order. Parts list must be specified in order by part number.',
    ec: '',
  },
  InvalidRange: { status: 416, message: 'The requested range cannot be satisfied.', ec: '' },
  InvalidSecurityToken: { status: 403, message: 'The security token you provided is invalid.', ec: '0002-00000006' },
  MalformedXML: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema.',
    ec: '',
  },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist.', ec: '0015-00000101' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.', ec: '0026-00000001' },
  NoSuchUpload: {
    status: 404,
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    ec: '',
  },
  NotImplemented: {
    status: 501,
    message: 'A header you provided implies functionality that is not implemented.',
    ec: '',
  },
  PreconditionFailed: { status: 412, message: 'At least one of the pre-conditions you specified did not hold.', ec: '' },
  RequestTimeTooSkewed: {
    status: 403,
    message: 'The difference between the request time and the current time is too large.',
    ec: '0002-00000504',
  },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    ec: '0002-00000040',
  },
  SlowDown: { status: 503, message: 'Please reduce your request rate.', ec: '' },
};

/** Options of {@link OssError}. */
export interface OssErrorOptions {
  /** Replaces the catalogue message; say what was expected and what was received. */
  readonly message?: string;
  /** Extra `<Name>value</Name>` elements placed after `<HostId>`, in order. */
  readonly details?: ReadonlyArray<readonly [string, string]>;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error that becomes an OSS XML error response. Thrown by handlers, caught by the server. */
export class OssError extends Error {
  override readonly name = 'OssError' as const;
  readonly code: OssErrorCode;
  readonly status: number;
  readonly ec: string;
  readonly details: ReadonlyArray<readonly [string, string]>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: OssErrorCode, options: OssErrorOptions = {}) {
    const entry = ERROR_CATALOGUE[code];
    super(options.message ?? entry.message);
    this.code = code;
    this.status = entry.status;
    this.ec = entry.ec;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}
