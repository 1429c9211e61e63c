/**
 * Error messages for closed sets of values that teach: the allowed values and
 * what was given, e.g. `expected one of outbound, inbound, transfer, 1, 2, 3; got "incoming"`.
 * Pass the result as a zod schema's `error` option (z.enum, z.union, z.literal).
 */
export function expectedOneOf(allowed: ReadonlyArray<string | number>) {
  const list = allowed.join(', ');
  return (issue: { input?: unknown }) => `expected one of ${list}; got ${describeGiven(issue.input)}`;
}

const MAX_ECHO = 40;

/** A short rendering of a caller's value for an error message: strings quoted and clipped, containers by kind. */
export function describeGiven(value: unknown): string {
  if (typeof value === 'string') {
    const clipped = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
    // JSON.stringify escapes control characters and lone surrogates, so the message stays printable.
    return JSON.stringify(clipped);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
