import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import type { HttpRequest } from './types';

export const MAX_BODY_BYTES = 64 * 1024;
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * Reads a request body as JSON. A missing Content-Type is taken as JSON
 * (direct invocations and hand-written scripts often omit it); any other
 * declared type is refused.
 * @throws UnsupportedMediaTypeError (415), PayloadTooLargeError (413), MalformedJsonError (400)
 */
export function readJsonBody(request: HttpRequest, maxBytes = MAX_BODY_BYTES): unknown {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && contentType.trim() !== '') {
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw new UnsupportedMediaTypeError(mediaType);
  }
  if (request.body.length > maxBytes) throw new PayloadTooLargeError(maxBytes, request.body.length);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let source: string;
  try {
    source = text.decode(request.body);
  } catch (error) {
    throw new MalformedJsonError('Body is not valid UTF-8', error);
  }
  if (source.trim() === '') throw new MalformedJsonError('Body is empty; expected a JSON object');
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new MalformedJsonError(`Body is not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`, error);
  }
}
