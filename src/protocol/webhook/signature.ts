// X-Hub-Signature-256 verification (SPEC C.2): HMAC-SHA256 of the exact raw body bytes keyed by
// the app secret, lower-case hex, "sha256=" prefix. Never computed over re-serialized JSON: Meta
// signs its \u-escaped bytes, and JSON.parse + JSON.stringify would turn "\u00e4" into "ä".

import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
  { ok: true; secretIndex: number } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

// Exactly what Meta sends. Upper-case hex is refused too: being strict here costs nothing and keeps
// one canonical form for logs and tests.
const HEADER_PATTERN = /^sha256=[0-9a-f]{64}$/;
const PREFIX_LENGTH = 'sha256='.length;

/** A string body is taken as-is and UTF-8 encoded, never re-serialized. */
function bodyBytes(rawBody: Uint8Array | string): Uint8Array {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
}

function hmac(body: Uint8Array, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** "sha256=<hex>" for a body; used by the emulator and tests to sign what they send. */
export function signBody(rawBody: Uint8Array | string, secret: string): string {
  return `sha256=${hmac(bodyBytes(rawBody), secret).toString('hex')}`;
}

/**
 * Checks the X-Hub-Signature-256 header against every secret (index 0 = current app secret,
 * 1 = previous one while rotating). Every secret is tried even after a match, so timing does not
 * reveal which one matched; the comparison itself is constant-time on two 32-byte buffers.
 */
export function verifyWebhookSignature(
  rawBody: Uint8Array | string,
  header: string | null | undefined,
  secrets: readonly string[],
): SignatureCheck {
  if (header === null || header === undefined || header === '') return { ok: false, reason: 'missing' };
  if (!HEADER_PATTERN.test(header)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(header.slice(PREFIX_LENGTH), 'hex');
  const body = bodyBytes(rawBody);
  let matched = -1;
  secrets.forEach((secret, index) => {
    // An empty secret is a configuration mistake, and an HMAC keyed with "" is one anybody can
    // compute: never let it authenticate a body.
    if (secret.length === 0) return;
    const equal = timingSafeEqual(hmac(body, secret), expected);
    if (equal && matched === -1) matched = index;
  });
  return matched === -1 ? { ok: false, reason: 'mismatch' } : { ok: true, secretIndex: matched };
}
