import { z } from 'zod';

/**
 * In a `u`-flag regex a surrogate pair is one code point, so this matches
 * only a lone (unpaired) high or low surrogate.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The issue code a lone surrogate is reported with (FieldIssue.code). */
export const ILL_FORMED_UNICODE = 'ill_formed_unicode';

/** True when `text` holds no lone surrogate (String.prototype.isWellFormed, which ES2023 typings lack). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Says where the first lone surrogate is, e.g. `lone surrogate U+D800 at index 3`. */
export function describeIllFormed(text: string): string {
  const match = LONE_SURROGATE.exec(text);
  const unit = match?.[0].charCodeAt(0) ?? 0;
  return `expected well-formed Unicode text; got a lone surrogate U+${unit.toString(16).toUpperCase()} at index ${match?.index ?? 0}`;
}

/**
 * A string that must be well-formed Unicode (UTF-16 with no lone surrogate).
 * JSON may carry `"\ud800"`, but such a string cannot be encoded as UTF-8, so
 * it would fail later in a signature, a URL or an object key; rejecting it
 * here turns that into a 422 naming the field. The check runs first and
 * stops further checks, so one bad value yields one issue. Chain `.trim()`,
 * `.min()`, `.max()`, `.regex()` after it as on any z.string().
 *
 * Issue: code `custom`, `params.code` = {@link ILL_FORMED_UNICODE}.
 */
export function wellFormedString() {
  return z.string().refine(isWellFormedText, {
    error: (issue) => describeIllFormed(typeof issue.input === 'string' ? issue.input : ''),
    abort: true,
    params: { code: ILL_FORMED_UNICODE },
  });
}
