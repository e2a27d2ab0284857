// Signed blob URLs: `<prefix>/<key>?expires=<unix seconds>&sig=<hex HMAC-SHA256>` over the key
// and the expiry, with a server secret. Verification recomputes the MAC and compares it in constant
// time, then checks the expiry against an injected clock.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { isValidBlobKey } from './keys.js';
import type { SignedUrlCheck } from './types.js';

const MIN_SECRET_BYTES = 16;
const SIG_HEX = /^[0-9a-f]{64}$/;

export function assertSigningSecret(secret: Uint8Array): void {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(`The blob URL signing secret must be at least ${MIN_SECRET_BYTES} bytes.`);
  }
}

function mac(secret: Uint8Array, key: string, expires: number): Buffer {
  return createHmac('sha256', secret).update(`flowgate.blob.v1\n${key}\n${expires}`).digest();
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Builds the URL path; `nowMs` is the clock reading (ms since epoch). */
export function signBlobUrl(
  secret: Uint8Array,
  prefix: string,
  key: string,
  ttlSeconds: number,
  nowMs: number,
): string {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be positive.');
  const expires = Math.floor(nowMs / 1000) + Math.ceil(ttlSeconds);
  const sig = mac(secret, key, expires).toString('hex');
  return `${prefix.replace(/\/+$/, '')}/${encodeKey(key)}?expires=${expires}&sig=${sig}`;
}

/**
 * Checks a URL (path + query, or absolute) made by signBlobUrl with the same prefix and secret.
 * The signature is checked before the expiry so a forged URL never learns whether it expired.
 */
export function verifyBlobUrl(secret: Uint8Array, prefix: string, url: string, nowMs: number): SignedUrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://flowgate.invalid');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const base = `${prefix.replace(/\/+$/, '')}/`;
  if (!parsed.pathname.startsWith(base)) return { ok: false, reason: 'malformed' };
  let key: string;
  try {
    key = parsed.pathname.slice(base.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expiresText = parsed.searchParams.get('expires') ?? '';
  const sig = parsed.searchParams.get('sig') ?? '';
  if (!isValidBlobKey(key) || !/^\d{1,12}$/.test(expiresText) || !SIG_HEX.test(sig)) {
    return { ok: false, reason: 'malformed' };
  }
  const expires = Number(expiresText);
  if (!timingSafeEqual(mac(secret, key, expires), Buffer.from(sig, 'hex'))) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (Math.floor(nowMs / 1000) >= expires) return { ok: false, reason: 'expired' };
  return { ok: true, key, expiresAt: expires * 1000 };
}
