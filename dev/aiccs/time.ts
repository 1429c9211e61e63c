/**
 * Time helpers for the `yyyy-MM-dd HH:mm:ss` strings AICCS puts in call
 * records. The emulator renders them in UTC+08:00 (Asia/Shanghai has had no
 * DST since 1991), matching what the spec assumes about the real service.
 *
 * Deliberately independent of lib/'s parsing of these strings (which honours
 * SOURCE_TIMEZONE): the emulator plays the upstream service, so a bug in the
 * product's time handling must show up as a test failure against this copy,
 * not be shared by both sides and cancel out.
 */

/** Offset of Asia/Shanghai from UTC, in milliseconds. */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Scratch buffer for building flat one-byte strings without concatenation. */
const TIME_CODES = new Uint16Array(19);

/**
 * Render epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in UTC+08:00.
 * Milliseconds are truncated, as in the real records. Built from char codes
 * rather than by concatenation so each result is one flat 19-byte string,
 * which keeps a million-record store markedly smaller.
 *
 * @throws RangeError when `epochMs` is not finite or falls outside years 0..9999.
 */
export function formatShanghaiTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`Expected finite epoch milliseconds, got ${String(epochMs)}`);
  const local = Math.floor((epochMs + SHANGHAI_OFFSET_MS) / 1000);
  const days = Math.floor(local / 86400);
  const secondOfDay = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  if (year < 0 || year > 9999) throw new RangeError(`Year ${year} cannot be rendered as yyyy`);
  const codes = TIME_CODES;
  putDigits(codes, 0, year, 4);
  codes[4] = 45; // '-'
  putDigits(codes, 5, month, 2);
  codes[7] = 45;
  putDigits(codes, 8, day, 2);
  codes[10] = 32; // ' '
  putDigits(codes, 11, Math.floor(secondOfDay / 3600), 2);
  codes[13] = 58; // ':'
  putDigits(codes, 14, Math.floor((secondOfDay % 3600) / 60), 2);
  codes[16] = 58;
  putDigits(codes, 17, secondOfDay % 60, 2);
  return String.fromCharCode.apply(null, codes as unknown as number[]);
}

function putDigits(codes: Uint16Array, start: number, value: number, width: number): void {
  let rest = value;
  for (let i = start + width - 1; i >= start; i--) {
    codes[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

/**
 * Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
 * public-domain `civil_from_days` algorithm).
 */
function civilFromDays(dayCount: number): [year: number, month: number, day: number] {
  const z = dayCount + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/**
 * Parse a `yyyy-MM-dd HH:mm:ss` string written in UTC+08:00.
 * Hand-rolled instead of a regex because the record store parses every
 * record's CreateTime on insert (a million of them in load tests).
 *
 * @returns epoch milliseconds.
 * @throws RangeError when the text is not exactly in that format.
 */
export function parseShanghaiTime(text: string): number {
  if (text.length !== 19 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') {
    throw new RangeError(`Expected a time like "2024-01-02 03:04:05", got ${JSON.stringify(text)}`);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    throw new RangeError(`Expected a time like "2024-01-02 03:04:05", got ${JSON.stringify(text)}`);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - SHANGHAI_OFFSET_MS;
}

/** Decimal value of `length` ASCII digits at `start`, or -1 if any is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}
