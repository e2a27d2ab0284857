// PhotoPicker / DocumentPicker media on WhatsApp's CDN (SPEC B.2, B.3): the downloaded file is
// AES-256-CBC(PKCS#7) ciphertext followed by the first 10 bytes of HMAC-SHA256(hmac_key, iv ‖
// ciphertext). Verify the whole-file hash, then the MAC, then decrypt, then the plaintext hash.
// Downloading is the caller's business; this only turns bytes and metadata into bytes.

import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64Strict } from './encoding.js';
import { FlowCryptoError, type FlowCryptoCode, type FlowCryptoReason } from './errors.js';

/** `encryption_metadata` of a media item in a data_exchange payload; all values standard base64. */
export interface WireFlowMediaEncryptionMetadata {
  encrypted_hash: string;
  iv: string;
  encryption_key: string;
  hmac_key: string;
  plaintext_hash: string;
}

export interface EncryptFlowMediaOptions {
  /** 32 bytes; random by default. */
  encryptionKey?: Buffer;
  /** Random 32 bytes by default. */
  hmacKey?: Buffer;
  /** 16 bytes; random by default. */
  iv?: Buffer;
}

const ENCRYPTION_KEY_BYTES = 32;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;
const MAC_BYTES = 10;

function mediaError(code: FlowCryptoCode, reason: FlowCryptoReason, message: string, cause?: unknown): FlowCryptoError {
  return new FlowCryptoError(code, reason, message, cause === undefined ? undefined : { cause });
}

function field(
  meta: WireFlowMediaEncryptionMetadata,
  name: keyof WireFlowMediaEncryptionMetadata,
  bytes?: number,
): Buffer {
  const value: unknown = meta[name];
  const decoded = typeof value === 'string' ? decodeBase64Strict(value) : null;
  if (decoded === null) {
    throw mediaError(
      'flowgate.flow.media_decrypt_failed',
      'bad_base64',
      `encryption_metadata.${name} is not a base64 string.`,
    );
  }
  if (bytes !== undefined && decoded.length !== bytes) {
    const reason = name === 'iv' ? 'iv_length' : 'key_length';
    throw mediaError(
      'flowgate.flow.media_decrypt_failed',
      reason,
      `encryption_metadata.${name} must be ${bytes} bytes, got ${decoded.length}.`,
    );
  }
  return decoded;
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Constant-time equality; a length difference is simply "not equal" (the lengths are public). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function mac10(hmacKey: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  return createHmac('sha256', hmacKey).update(iv).update(ciphertext).digest().subarray(0, MAC_BYTES);
}

/** Verifies and decrypts a downloaded CDN file; returns the plaintext (e.g. the JPEG). */
export function decryptFlowMedia(cdnFile: Uint8Array, meta: WireFlowMediaEncryptionMetadata): Buffer {
  const encryptionKey = field(meta, 'encryption_key', ENCRYPTION_KEY_BYTES);
  const iv = field(meta, 'iv', IV_BYTES);
  const hmacKey = field(meta, 'hmac_key');
  const encryptedHash = field(meta, 'encrypted_hash');
  const plaintextHash = field(meta, 'plaintext_hash');

  if (!sameBytes(sha256(cdnFile), encryptedHash)) {
    throw mediaError(
      'flowgate.flow.media_hash_mismatch',
      'hash_mismatch',
      'The CDN file does not match encrypted_hash.',
    );
  }
  if (cdnFile.length < MAC_BYTES + BLOCK_BYTES) {
    throw mediaError(
      'flowgate.flow.media_decrypt_failed',
      'bad_length',
      'The CDN file is too short to hold a block and a MAC.',
    );
  }
  const ciphertext = cdnFile.subarray(0, cdnFile.length - MAC_BYTES);
  if (!sameBytes(mac10(hmacKey, iv, ciphertext), cdnFile.subarray(cdnFile.length - MAC_BYTES))) {
    throw mediaError(
      'flowgate.flow.media_hmac_mismatch',
      'hmac_mismatch',
      'The CDN file failed its HMAC-SHA256 check.',
    );
  }
  if (ciphertext.length % BLOCK_BYTES !== 0) {
    throw mediaError(
      'flowgate.flow.media_decrypt_failed',
      'bad_length',
      'The ciphertext is not a whole number of AES blocks.',
    );
  }
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', encryptionKey, iv);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw mediaError(
      'flowgate.flow.media_decrypt_failed',
      'bad_padding',
      'The media ciphertext has invalid PKCS#7 padding.',
      error,
    );
  }
  if (!sameBytes(sha256(plaintext), plaintextHash)) {
    throw mediaError(
      'flowgate.flow.media_plaintext_hash_mismatch',
      'plaintext_hash_mismatch',
      'The decrypted media does not match plaintext_hash.',
    );
  }
  return plaintext;
}

/** The inverse, as WhatsApp does it: for the emulator and tests. */
export function encryptFlowMedia(
  plaintext: Uint8Array,
  opts: EncryptFlowMediaOptions = {},
): { cdnFile: Buffer; metadata: WireFlowMediaEncryptionMetadata } {
  const encryptionKey = opts.encryptionKey ?? randomBytes(ENCRYPTION_KEY_BYTES);
  const hmacKey = opts.hmacKey ?? randomBytes(32);
  const iv = opts.iv ?? randomBytes(IV_BYTES);
  if (encryptionKey.length !== ENCRYPTION_KEY_BYTES || iv.length !== IV_BYTES || hmacKey.length === 0) {
    throw mediaError(
      'flowgate.flow.key_invalid',
      'key_length',
      'Media encryption needs a 32-byte key, a 16-byte IV and an HMAC key.',
    );
  }
  const cipher = createCipheriv('aes-256-cbc', encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const cdnFile = Buffer.concat([ciphertext, mac10(hmacKey, iv, ciphertext)]);
  return {
    cdnFile,
    metadata: {
      encrypted_hash: sha256(cdnFile).toString('base64'),
      iv: iv.toString('base64'),
      encryption_key: encryptionKey.toString('base64'),
      hmac_key: hmacKey.toString('base64'),
      plaintext_hash: sha256(plaintext).toString('base64'),
    },
  };
}
