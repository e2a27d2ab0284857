// Small pure normalizers shared by the webhook parser: phone numbers to E.164, Meta's timestamp
// strings to integer seconds, and canonical JSON + SHA-256 for content-based dedup keys.

import { createHash } from 'node:crypto';

// Separators people (and Meta's contact cards) put inside numbers; anything else, such as the
// letters of a business-scoped user id "US.123…" or a "<PHONE_NUMBER>" placeholder, means the
// value is not a phone number at all and must not be turned into one by dropping characters.
const PHONE_SHAPE = /^\+?[0-9 ().-]+$/;
const E164_MAX_DIGITS = 15;

/**
 * "16505551234" → "+16505551234"; "+16505551234" is kept. Returns null when the value is not a
 * phone number (no digits, letters, more than 15 digits, not a string or integer).
 */
export function toE164(waId: unknown): string | null {
  let text: string;
  if (typeof waId === 'string') text = waId.trim();
  else if (typeof waId === 'number' && Number.isSafeInteger(waId) && waId > 0) text = String(waId);
  else return null;
  if (!PHONE_SHAPE.test(text)) return null;
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length === 0 || digits.length > E164_MAX_DIGITS) return null;
  return `+${digits}`;
}

const SECONDS_STRING = /^[0-9]+(\.[0-9]+)?$/;

/**
 * Meta sends Unix seconds as strings ("1749416383") and sometimes as numbers. Returns integer
 * seconds (fractions floored) or null for anything else, including placeholders like "<TIMESTAMP>".
 */
export function toUnixSeconds(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && SECONDS_STRING.test(value.trim())) n = Number(value.trim());
  else return null;
  if (!Number.isFinite(n) || n < 0) return null;
  const seconds = Math.floor(n);
  return Number.isSafeInteger(seconds) ? seconds : null;
}

/** Marker for text already rendered, so canonicalJson can walk with an explicit stack. */
class Token {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted at every level, so equal data always hashes equally regardless of
 * the key order Meta used. Iterative rather than recursive: a hostile body nested a million
 * levels deep parses fine with JSON.parse and must not overflow the stack here. Input must be JSON
 * data (no cycles); undefined/functions/symbols/bigints are written as null, like a lenient
 * JSON.stringify, so this never throws on odd values.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Token) {
      out.push(item.text);
      continue;
    }
    if (typeof item === 'string') {
      out.push(JSON.stringify(item));
    } else if (typeof item === 'number') {
      out.push(Number.isFinite(item) ? JSON.stringify(item) : 'null');
    } else if (typeof item === 'boolean') {
      out.push(item ? 'true' : 'false');
    } else if (Array.isArray(item)) {
      // Pushed in reverse so they pop in order: "[", a, ",", b, "]".
      stack.push(new Token(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(new Token(','));
      }
      stack.push(new Token('['));
    } else if (typeof item === 'object' && item !== null) {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      stack.push(new Token('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] ?? '';
        stack.push(record[key]);
        stack.push(new Token(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`));
      }
      stack.push(new Token('{'));
    } else {
      out.push('null');
    }
  }
  return out.join('');
}

/** Lower-case hex SHA-256; strings are hashed as their UTF-8 bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256Hex(canonicalJson(value)): a content hash that ignores key order. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
