/**
 * Safety net for text that may carry personal data or secrets (upstream
 * error messages, exception messages). Structured fields are chosen so
 * they never hold such values; this catches what slips through free text.
 */

// Phone numbers: 7+ consecutive digits, optionally with a leading +.
// Masked numbers like `1381234****` keep their visible prefix short enough.
const PHONE_LIKE = /\+?\d{7,}/g;
// Anything after "string to sign" in POP errors echoes every signed parameter.
const STRING_TO_SIGN = /(string\s*to\s*sign|stringtosign)[\s\S]*$/i;
const SECRET_ASSIGNMENT = /((?:SecurityToken|AccessKeySecret|Signature|securityToken|accessKeySecret|stsToken)["']?\s*[=:]\s*["']?)[^&\s"',}]+/g;

/** Masks phone-like digit runs and secret assignments in free text. */
export function redactText(text: string, maxLength = 300): string {
  const cleaned = text
    .replace(STRING_TO_SIGN, '$1 [redacted]')
    .replace(SECRET_ASSIGNMENT, '$1[redacted]')
    .replace(PHONE_LIKE, (digits) => `${digits.slice(0, 3)}${'*'.repeat(digits.length - 3)}`);
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned;
}
