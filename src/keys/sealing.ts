// Private keys at rest: AES-256-GCM under the master key (FLOWGATE_MASTER_KEY), a random 12-byte
// nonce per key, and AAD binding the key id and phone number id, so a sealed key copied onto
// another row or number does not open.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRingError } from './errors.js';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/** Decodes FLOWGATE_MASTER_KEY (config validated it as base64 of 32 bytes). */
export function masterKeyBytes(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) {
    throw new KeyRingError(
      'flowgate.keys.master_key_missing',
      'FLOWGATE_MASTER_KEY must be 32 bytes in base64 (openssl rand -base64 32).',
      503,
    );
  }
  return key;
}

function aad(keyId: string, phoneNumberId: string): Buffer {
  return Buffer.from(`flowgate-business-key-v${VERSION}\0${keyId}\0${phoneNumberId}`, 'utf8');
}

/** version ‖ nonce ‖ tag ‖ ciphertext */
export function sealPrivateKey(master: Buffer, keyId: string, phoneNumberId: string, pkcs8Der: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(keyId, phoneNumberId));
  const body = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), body]);
}

/** The PKCS#8 DER; a wrong master key, a moved row or a tampered blob is a master_key_mismatch error. */
export function openPrivateKey(master: Buffer, keyId: string, phoneNumberId: string, sealed: Uint8Array): Buffer {
  const blob = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (blob.length <= HEADER_BYTES || blob[0] !== VERSION) {
    throw new KeyRingError(
      'flowgate.keys.master_key_mismatch',
      `Key ${keyId} is not a sealed key this version reads.`,
      500,
    );
  }
  const nonce = blob.subarray(1, 1 + NONCE_BYTES);
  const tag = blob.subarray(1 + NONCE_BYTES, HEADER_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', master, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, phoneNumberId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new KeyRingError(
      'flowgate.keys.master_key_mismatch',
      `Key ${keyId} does not open with this FLOWGATE_MASTER_KEY: the master key changed since the key was stored, or the row was altered.`,
      500,
      { cause },
    );
  }
}
