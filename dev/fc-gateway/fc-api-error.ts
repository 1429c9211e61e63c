import type { IncomingMessage, ServerResponse } from 'node:http';
import { newRequestId } from './http-trigger-event';

/**
 * An error the Function Compute API itself answers with (not a function
 * error): authentication, routing, limits. Codes follow FC's naming; the
 * exact codes a real account returns for each case are UNCONFIRMED.
 *
 * | status | code |
 * |---|---|
 * | 403 | MissingAuthorization, InvalidAccessKeyId, InvalidSecurityToken, SignatureNotMatch, IncompleteSignature, RequestTimeTooSkewed, SignatureNonceUsed |
 * | 404 | FunctionNotFound, ServiceNotFound, AliasNotFound |
 * | 405 | MethodNotAllowed |
 * | 413 | PayloadTooLarge |
 */
export class FcApiError extends Error {
  override name = 'FcApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes an FC-style JSON error. The 2016-08-15 API answers
 * `{ErrorCode, ErrorMessage}` (what @alicloud/fc2 reads); for the 2023-03-30
 * API `Code`/`Message`/`RequestId` are added, the members
 * @alicloud/openapi-core reads into its ClientError.
 */
export function sendFcApiError(response: ServerResponse, error: FcApiError, requestId: string, api: 'fc3' | 'fc2'): void {
  const body: Record<string, string> = { ErrorCode: error.code, ErrorMessage: error.message };
  if (api === 'fc3') Object.assign(body, { Code: error.code, Message: error.message, RequestId: requestId });
  response.writeHead(error.status, { 'content-type': 'application/json', 'x-fc-request-id': requestId }).end(JSON.stringify(body));
}

/**
 * An API endpoint under a fresh request id: an FcApiError the handler throws
 * becomes FC's error answer; anything else rejects (the server answers 502).
 */
export function asFcApi<T>(
  now: () => number,
  apiOf: (target: T) => 'fc3' | 'fc2',
  serve: (request: IncomingMessage, response: ServerResponse, target: T, requestId: string) => Promise<void>,
): (request: IncomingMessage, response: ServerResponse, target: T) => Promise<void> {
  return async (request, response, target) => {
    const requestId = newRequestId(now());
    try {
      await serve(request, response, target, requestId);
    } catch (error) {
      if (!(error instanceof FcApiError)) throw error;
      sendFcApiError(response, error, requestId, apiOf(target));
    }
  };
}
