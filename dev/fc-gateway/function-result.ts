/** How FC turns a handler's outcome into bytes: its return value, or the error body of an unhandled error. */

/** FC's mapping of a return value: a Buffer as is, a string as UTF-8, anything else as JSON. */
export function encodeResult(result: unknown): Buffer {
  if (Buffer.isBuffer(result)) return result;
  if (typeof result === 'string') return Buffer.from(result, 'utf8');
  if (result === undefined) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(result), 'utf8');
}

/** The body FC's Node.js runtime sends for an unhandled error. */
export function describeFunctionError(error: unknown): { errorMessage: string; errorType: string; stackTrace?: string[] } {
  if (!(error instanceof Error)) return { errorMessage: String(error), errorType: typeof error };
  const stack = error.stack
    ?.split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean);
  return { errorMessage: error.message, errorType: error.name, ...(stack && stack.length > 0 ? { stackTrace: stack } : {}) };
}
