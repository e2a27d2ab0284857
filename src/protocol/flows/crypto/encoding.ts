// Strict decoders shared by the flow crypto modules. Node's own base64 decoder skips characters
// outside the alphabet, so "abc!def" would quietly decode to something: these refuse instead.

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Standard-alphabet base64 (SPEC A.1: "standard alphabet, padded"). Padding is optional but, when
 * present, must make the length a multiple of 4. No whitespace, no URL-safe characters, not empty.
 */
export function decodeBase64Strict(value: string): Buffer | null {
  const n = value.length;
  if (n === 0) return null;
  const pad = value.charCodeAt(n - 1) !== EQUALS ? 0 : n > 1 && value.charCodeAt(n - 2) === EQUALS ? 2 : 1;
  if (pad > 0 ? n % 4 !== 0 : n % 4 === 1) return null;
  // Checked after decoding, which is ~4× faster than a regular expression over the string first: Node's
  // decoder skips characters outside the alphabet and stops at an inner '=', so either gives fewer bytes
  // than the length promises. It also reads the URL-safe alphabet, which is refused here.
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== Math.floor(((n - pad) * 3) / 4)) return null;
  if (value.includes('-') || value.includes('_')) return null;
  // Node reads only the low byte of each UTF-16 unit ('Ł', U+0141, decodes as 'A'): refuse non-ASCII.
  if (Buffer.byteLength(value, 'utf8') !== n) return null;
  return bytes;
}

const EQUALS = 0x3d;

/** Unpadded base64url, as JWTs use (RFC 7515 §2). */
export function decodeBase64Url(value: string): Buffer | null {
  if (!BASE64URL.test(value) || value.length % 4 === 1) return null;
  return Buffer.from(value, 'base64url');
}

export type JsonObjectResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'not_utf8' | 'not_json' | 'payload_not_object' };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 bytes → parsed JSON, any value. */
export function parseJsonBytes(
  bytes: Uint8Array,
): { ok: true; value: unknown } | { ok: false; reason: 'not_utf8' | 'not_json' } {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, reason: 'not_utf8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'not_json' };
  }
}

/** UTF-8 bytes → a JSON object (not an array, not null, not a scalar). */
export function parseJsonObject(bytes: Uint8Array): JsonObjectResult {
  const parsed = parseJsonBytes(bytes);
  if (!parsed.ok) return parsed;
  return isPlainObject(parsed.value) ? { ok: true, value: parsed.value } : { ok: false, reason: 'payload_not_object' };
}
