// Loading the business private key that decrypts flow endpoint requests (SPEC A.2). Meta's tools
// hand out PKCS#1 PEMs encrypted with des-ede3-cbc; the Java guide uses unencrypted PKCS#8; pywa
// uses encrypted PKCS#8. All of them load here, and a parsed key is cached because parsing (and
// the passphrase KDF) costs more than the RSA decryption done on every request.

import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { FlowCryptoError, type FlowCryptoReason } from './errors.js';

/** Meta's guide and key generator use 2048-bit keys; anything smaller is refused. */
export const MIN_RSA_BITS = 2048;
const CACHE_LIMIT = 32;

// Keyed by a digest, so the cache never holds a PEM or a passphrase as a map key.
const cache = new Map<string, KeyObject>();

function cacheKey(pem: string, passphrase: string | undefined): string {
  const hash = createHash('sha256').update(pem).update('\0');
  hash.update(passphrase === undefined ? 'n' : `p${passphrase}`);
  return hash.digest('hex');
}

function remember(key: string, value: KeyObject): void {
  cache.delete(key);
  cache.set(key, value);
  while (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done === true) break;
    cache.delete(oldest.value);
  }
}

/** Drops every cached key (tests, and a key rotation that wants the old key gone from memory). */
export function clearPrivateKeyCache(): void {
  cache.clear();
}

function keyError(reason: FlowCryptoReason, message: string, cause?: unknown): FlowCryptoError {
  return new FlowCryptoError('flowgate.flow.key_invalid', reason, message, cause === undefined ? undefined : { cause });
}

/**
 * Keys pasted into environment variables often arrive with literal "\n" instead of line breaks;
 * OpenSSL cannot read those. Only a PEM with no real line break at all is rewritten.
 */
function normalizePem(pem: string): string {
  const trimmed = pem.trim();
  return !trimmed.includes('\n') && trimmed.includes('\\n') ? trimmed.replaceAll('\\n', '\n') : trimmed;
}

function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,\s*ENCRYPTED/.test(pem);
}

/** Explains a failed parse from the PEM's own headers: OpenSSL's errors for these cases vary. */
function explainParseFailure(pem: string, passphrase: string | undefined, cause: unknown): FlowCryptoError {
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    return keyError('public_key', 'This is a public key; the flow endpoint needs the matching private key.', cause);
  }
  if (isEncryptedPem(pem)) {
    return passphrase === undefined || passphrase === ''
      ? keyError('passphrase_required', 'The private key is encrypted and no passphrase was given.', cause)
      : keyError(
          'wrong_passphrase',
          'The private key could not be decrypted: wrong passphrase (or a corrupted key).',
          cause,
        );
  }
  return keyError('not_a_key', 'Not a PEM private key (expected PKCS#1 or PKCS#8, optionally encrypted).', cause);
}

/** Refuses anything but an RSA private key of at least 2048 bits. */
export function assertFlowPrivateKey(key: KeyObject): void {
  if (key.type === 'public') {
    throw keyError('public_key', 'A private key is needed to decrypt flow requests, not a public key.');
  }
  if (key.type !== 'private') throw keyError('not_a_key', 'Expected an RSA private key, got a secret key.');
  if (key.asymmetricKeyType !== 'rsa') {
    throw keyError('not_rsa', `Flow endpoint keys must be RSA, got ${key.asymmetricKeyType ?? 'unknown'}.`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw keyError('key_too_small', `Flow endpoint keys must have at least ${MIN_RSA_BITS} bits, got ${bits}.`);
  }
}

/**
 * Parses a PEM private key: PKCS#1 (`BEGIN RSA PRIVATE KEY`, also legacy OpenSSL encryption with
 * `Proc-Type`/`DEK-Info`, des-ede3-cbc or aes-*-cbc) or PKCS#8 (`BEGIN PRIVATE KEY`,
 * `BEGIN ENCRYPTED PRIVATE KEY`). The same PEM and passphrase return the same KeyObject from a
 * bounded LRU cache.
 */
export function loadPrivateKey(pem: string, passphrase?: string): KeyObject {
  const id = cacheKey(pem, passphrase);
  const cached = cache.get(id);
  if (cached !== undefined) {
    remember(id, cached);
    return cached;
  }
  // Text before the PEM block (the "Bag Attributes" `openssl pkcs12 -nodes` writes) is not part of the key.
  const normalized = normalizePem(pem);
  const begin = normalized.indexOf('-----BEGIN');
  if (begin < 0) {
    throw keyError('not_a_key', 'Not a PEM private key: it has no "-----BEGIN" line.');
  }
  const text = normalized.slice(begin);
  let key: KeyObject;
  try {
    // An empty passphrase is passed on as-is: OpenSSL then fails cleanly instead of asking for one.
    key = createPrivateKey({ key: text, format: 'pem', passphrase });
  } catch (error) {
    throw explainParseFailure(text, passphrase, error);
  }
  assertFlowPrivateKey(key);
  remember(id, key);
  return key;
}

/** The SPKI PEM (`BEGIN PUBLIC KEY`) to upload with `POST /<PHONE_NUMBER_ID>/whatsapp_business_encryption`. */
export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Hex SHA-256 of the DER SPKI: names a key in logs and config without revealing it. */
export function fingerprint(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}
