/** The one seam between the client and a Function Compute SDK. */

export interface InvokeOptions {
  /** true: `x-fc-invocation-type: Async` (202, fire-and-forget). */
  async: boolean;
  /** FC 3.0 async task id (`x-fc-async-task-id`): FC answers 409 to a second invocation with the same id. */
  asyncTaskId?: string;
  /** Seconds FC waits before it runs the async invocation (`x-fc-async-delay`). */
  asyncDelaySeconds?: number;
}

export interface InvokeResult {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Invokes a function by name with a raw payload. Resolves for every answer
 * of the function (X-Fc-Error-Type included); rejects with
 * InvokeTransportError when FC itself refuses or the call fails.
 */
export interface Invoker {
  invoke(functionName: string, payload: Buffer, options: InvokeOptions): Promise<InvokeResult>;
}

/** Header map with lower-cased names and string values. */
export function normalizeHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return result;
}

/** An SDK response body (Buffer, string, or JSON the SDK already parsed) as bytes. */
export function toBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** `default` of a CommonJS module, whichever way the loader (Node ESM, vitest, esbuild) exposed it. */
export function interopDefault<T>(imported: T): T {
  if (typeof imported === 'function') return imported;
  return (imported as { default?: T }).default ?? imported;
}
