/** Reading a whole request body with a size cap, for the three local servers. */
import type { IncomingMessage } from 'node:http';

/** What reading a body came to. */
export type RequestBody =
  | { readonly kind: 'complete'; readonly body: Buffer }
  /** Larger than the cap: the rest was drained, not kept, so the server can still answer. */
  | { readonly kind: 'too-large'; readonly bytes: number }
  /** The client went away before the body ended: there is nobody to answer. */
  | { readonly kind: 'aborted' };

/**
 * Read the whole body (fixed-length or chunked). Never rejects: a client
 * that disconnects mid-body gives `aborted`, one over `maxBytes` gives
 * `too-large` once the body has been drained.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let ended = false;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => {
      ended = true;
      resolve(bytes > maxBytes ? { kind: 'too-large', bytes } : { kind: 'complete', body: Buffer.concat(chunks, bytes) });
    });
    // 'close' without 'end' means the client aborted.
    request.on('close', () => {
      if (!ended) resolve({ kind: 'aborted' });
    });
    request.on('error', () => resolve({ kind: 'aborted' }));
  });
}
