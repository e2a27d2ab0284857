// AES-128-GCM exactly as WhatsApp Flows use it (SPEC A.2, A.3): 16-byte key, 16-byte IV (not the
// usual 12), empty AAD, 16-byte tag appended after the ciphertext. Both directions of the
// endpoint protocol and both sides (gateway and emulator client) go through these two functions.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { FlowCryptoError } from './errors.js';

export const AES_KEY_BYTES = 16;
export const IV_BYTES = 16;
export const TAG_BYTES = 16;

/** Checks the caller's own key and IV before encrypting: a wrong length is our bug, not the peer's. */
export function assertKeyAndIv(aesKey: Uint8Array, iv: Uint8Array): void {
  if (aesKey.length !== AES_KEY_BYTES) {
    throw new FlowCryptoError(
      'flowgate.flow.key_invalid',
      'aes_key_length',
      `The AES key must be ${AES_KEY_BYTES} bytes (AES-128-GCM), got ${aesKey.length}.`,
    );
  }
  if (iv.length !== IV_BYTES) {
    throw new FlowCryptoError(
      'flowgate.flow.key_invalid',
      'iv_length',
      `The IV must be ${IV_BYTES} bytes, got ${iv.length}.`,
    );
  }
}

/** ciphertext ‖ tag. */
export function gcmSeal(aesKey: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-128-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens ciphertext ‖ tag; null when the tag does not verify. Lengths are the caller's to check. */
export function gcmOpen(aesKey: Uint8Array, iv: Uint8Array, sealed: Uint8Array): Buffer | null {
  const decipher = createDecipheriv('aes-128-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    return null;
  }
}

/** The response IV: every bit of the request IV inverted (SPEC A.3 step 2). Returns a new buffer. */
export function flipIv(iv: Uint8Array): Buffer {
  const flipped = Buffer.alloc(iv.length);
  for (let i = 0; i < iv.length; i += 1) flipped[i] = (iv[i] ?? 0) ^ 0xff;
  return flipped;
}
