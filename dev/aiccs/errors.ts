/**
 * The emulator's error catalogue (spec §8). Gateway errors (auth, throttling,
 * routing) and AICCS business errors have different body shapes on the real
 * service, so each error carries its shape.
 */

/** Host name the real gateway reports in `HostId`. */
export const AICCS_HOST_ID = 'aiccs.aliyuncs.com';

/** `gateway`: {RequestId, HostId, Code, Message, Recommend}; `business`: {RequestId, Success:false, Code, Message}. */
export type ErrorShape = 'gateway' | 'business';

/** An error the emulator answers with, instead of a success body. */
export class AiccsApiError extends Error {
  override readonly name = 'AiccsApiError';
  /** HTTP status of the answer. */
  readonly status: number;
  /** `Code` in the body, e.g. `SignatureDoesNotMatch`. */
  readonly code: string;
  readonly shape: ErrorShape;

  constructor(status: number, code: string, message: string, shape: ErrorShape) {
    super(message);
    this.status = status;
    this.code = code;
    this.shape = shape;
  }
}

/** Render an error as the JSON body the real service would send. */
export function errorBody(error: AiccsApiError, requestId: string): string {
  if (error.shape === 'business') {
    return JSON.stringify({ RequestId: requestId, Success: false, Code: error.code, Message: error.message });
  }
  const recommend = `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=aiccs&requestId=${requestId}`;
  return JSON.stringify({ RequestId: requestId, HostId: AICCS_HOST_ID, Code: error.code, Message: error.message, Recommend: recommend });
}

/** Quote a client-supplied value for an error message, bounded in length. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

/** Factories for every error the emulator can produce. */
export const apiErrors = {
  missingParameter: (name: string) => new AiccsApiError(400, `Missing${name}`, `${name} is mandatory for this action.`, 'gateway'),
  invalidFormat: (value: string) =>
    new AiccsApiError(400, 'InvalidParameter', `Specified parameter Format is not valid. The emulator only speaks JSON, got ${quote(value)}.`, 'gateway'),
  invalidSignatureMethod: () => new AiccsApiError(400, 'InvalidSignatureMethod', 'Specified signature method is not valid.', 'gateway'),
  invalidSignatureVersion: () => new AiccsApiError(400, 'InvalidSignatureVersion', 'Specified signature version is not valid.', 'gateway'),
  invalidVersion: (value: string) =>
    new AiccsApiError(400, 'InvalidVersion', `Specified parameter Version is not valid. Expected "2019-10-15", got ${quote(value)}.`, 'gateway'),
  apiNotFound: () => new AiccsApiError(404, 'InvalidApi.NotFound', 'Specified api is not found, please check your url and method.', 'gateway'),
  timestampFormat: () => new AiccsApiError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.', 'gateway'),
  timestampExpired: () => new AiccsApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.', 'gateway'),
  nonceUsed: () => new AiccsApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.', 'gateway'),
  accessKeyNotFound: () => new AiccsApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 'gateway'),
  signatureMismatch: (stringToSign?: string) =>
    new AiccsApiError(
      400,
      'SignatureDoesNotMatch',
      stringToSign === undefined
        ? 'Specified signature is not matched with our calculation.'
        : `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
      'gateway',
    ),
  missingSecurityToken: () => new AiccsApiError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this access key.', 'gateway'),
  securityTokenMismatch: () => new AiccsApiError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.', 'gateway'),
  throttled: (status: number) => new AiccsApiError(status, 'Throttling.User', 'Request was denied due to user flow control.', 'gateway'),
  invalidParameter: (name: string, expected: string, got: string) =>
    new AiccsApiError(400, 'InvalidParameter', `Specified parameter ${name} is not valid. Expected ${expected}, got ${quote(got)}.`, 'business'),
  noTenant: () => new AiccsApiError(500, 'NoTenantFound', 'The specified tenant does not exist.', 'business'),
  systemError: () => new AiccsApiError(500, 'SystemError', 'A system error occurred. Please contact the administrator.', 'business'),
  payloadTooLarge: () => new AiccsApiError(413, 'RequestEntityTooLarge', 'The request body is larger than the emulator accepts (1 MiB).', 'gateway'),
  internal: () => new AiccsApiError(500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.', 'gateway'),
} as const;
