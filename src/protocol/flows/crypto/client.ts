// The WhatsApp side of the flow endpoint protocol, for the emulator's Flow client and for tests:
// encrypt a request to the business public key the way Meta's client does (fresh 16-byte AES key
// and 16-byte IV per request, RSA-OAEP-SHA-256), and decrypt the business's answer.

import { constants, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, parseJsonBytes } from './encoding.js';
import type { WireFlowEndpointRequest } from './endpoint.js';
import { FlowCryptoError } from './errors.js';
import { AES_KEY_BYTES, IV_BYTES, TAG_BYTES, assertKeyAndIv, flipIv, gcmOpen, gcmSeal } from './gcm.js';

export interface EncryptedFlowRequest {
  body: WireFlowEndpointRequest;
  /** Keep both to decrypt the response. */
  aesKey: Buffer;
  iv: Buffer;
}

export interface EncryptFlowRequestOptions {
  /** Fixed key and IV, for reproducible vectors; random by default. */
  aesKey?: Buffer;
  iv?: Buffer;
}

function responseError(
  reason: 'bad_base64' | 'ciphertext_too_short' | 'gcm_auth_failed' | 'not_utf8' | 'not_json',
  message: string,
) {
  return new FlowCryptoError('flowgate.flow.decrypt_failed', reason, message);
}

/**
 * Encrypts a decrypted-request payload (`{version, action, screen, data, flow_token}`) into the
 * body WhatsApp POSTs. `publicKey` is a KeyObject (public, or the private key itself) or an SPKI PEM.
 */
export function encryptFlowRequest(
  payload: object,
  publicKey: KeyObject | string,
  opts: EncryptFlowRequestOptions = {},
): EncryptedFlowRequest {
  const aesKey = opts.aesKey ?? randomBytes(AES_KEY_BYTES);
  const iv = opts.iv ?? randomBytes(IV_BYTES);
  assertKeyAndIv(aesKey, iv);
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const wrapped = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
  const sealed = gcmSeal(aesKey, iv, Buffer.from(JSON.stringify(payload), 'utf8'));
  return {
    body: {
      encrypted_flow_data: sealed.toString('base64'),
      encrypted_aes_key: wrapped.toString('base64'),
      initial_vector: iv.toString('base64'),
    },
    aesKey,
    iv,
  };
}

/** Decrypts an endpoint's base64 response body with the request's AES key and flipped IV; parsed JSON. */
export function decryptFlowResponse(base64: string, aesKey: Uint8Array, iv: Uint8Array): unknown {
  assertKeyAndIv(aesKey, iv);
  const sealed = decodeBase64Strict(base64.trim());
  if (sealed === null) throw responseError('bad_base64', 'The flow response body is not valid base64.');
  if (sealed.length < TAG_BYTES) {
    throw responseError('ciphertext_too_short', `The flow response is shorter than the ${TAG_BYTES}-byte tag.`);
  }
  const plaintext = gcmOpen(aesKey, flipIv(iv), sealed);
  if (plaintext === null) throw responseError('gcm_auth_failed', 'The flow response failed AES-GCM authentication.');
  const parsed = parseJsonBytes(plaintext);
  if (!parsed.ok)
    throw responseError(
      parsed.reason,
      `The decrypted flow response is not ${parsed.reason === 'not_utf8' ? 'UTF-8' : 'JSON'}.`,
    );
  return parsed.value;
}
