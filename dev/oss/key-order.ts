/**
 * Object keys sort by their UTF-8 bytes in OSS listings. JavaScript compares
 * UTF-16 code units, which differs for characters outside the BMP, so listings,
 * markers and continuation tokens all go through {@link compareKeys}.
 */

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

/**
 * Negative, zero or positive as `a` sorts before, with, or after `b` in UTF-8 byte
 * order, without encoding either string.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 and UTF-8 orders disagree only here: a surrogate (code point >= U+10000)
    // against a BMP unit in U+E000..U+FFFF, which UTF-16 wrongly ranks higher.
    if (isSurrogate(x) && !isSurrogate(y) && y >= 0xe000) return 1;
    if (isSurrogate(y) && !isSurrogate(x) && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Validate a key against the OSS naming rules (UTF-8, 1–1023 bytes, not starting
 * with `/` or `\`).
 *
 * @returns an error message, or undefined when the key is valid.
 */
export function objectKeyProblem(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0) return 'The Object name can not be empty.';
  if (bytes > 1023) return `The Length of Object name must be less than 1024 (got ${bytes} bytes).`;
  if (key.startsWith('/') || key.startsWith('\\')) {
    return `The specified object is not valid: a name may not start with "/" or "\\" (got ${JSON.stringify(key)}).`;
  }
  return undefined;
}
