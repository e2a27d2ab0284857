// The business side of the flow endpoint protocol: decrypt what WhatsApp POSTs (SPEC A.2) and
// encrypt the answer (SPEC A.3). Pure: an object and keys in, an object and a string out.

import { constants, KeyObject, privateDecrypt } from 'node:crypto';
import { decodeBase64Strict, isPlainObject, parseJsonObject } from './encoding.js';
import { FlowCryptoError, type FlowCryptoReason } from './errors.js';
import { AES_KEY_BYTES, IV_BYTES, TAG_BYTES, assertKeyAndIv, flipIv, gcmOpen, gcmSeal } from './gcm.js';
import { assertFlowPrivateKey } from './keys.js';

/** The request body WhatsApp POSTs to a flow endpoint; all three values standard base64. */
export interface WireFlowEndpointRequest {
  encrypted_flow_data: string;
  encrypted_aes_key: string;
  initial_vector: string;
}

export interface DecryptedFlowRequest {
  /** The decrypted JSON object (`version`, `action`, `screen`, `data`, `flow_token`, …), unvalidated. */
  payload: Record<string, unknown>;
  /** Keep both to encrypt the response: it reuses the key and flips the IV. */
  aesKey: Buffer;
  iv: Buffer;
  /** Which of the given private keys unwrapped the AES key (0 = the first, normally the active one). */
  keyIndex: number;
}

const FIELDS = ['encrypted_flow_data', 'encrypted_aes_key', 'initial_vector'] as const;
type Field = (typeof FIELDS)[number];

/** A request envelope with its three fields decoded and checked (lengths), before any RSA work. */
export type FlowRequestEnvelope = Readonly<Record<Field, Buffer>>;

function invalid(reason: FlowCryptoReason, message: string): FlowCryptoError {
  return new FlowCryptoError('flowgate.flow.request_invalid', reason, message);
}

function failed(reason: FlowCryptoReason, message: string, cause?: unknown): FlowCryptoError {
  return new FlowCryptoError(
    'flowgate.flow.decrypt_failed',
    reason,
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** Validates the envelope and decodes it, cheapest checks first: no RSA work for a malformed body. */
export function decodeFlowEnvelope(body: unknown): FlowRequestEnvelope {
  if (!isPlainObject(body)) throw invalid('not_object', 'The flow request body must be a JSON object.');
  const decoded: Partial<Record<Field, Buffer>> = {};
  for (const field of FIELDS) {
    const value = body[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw invalid('missing_field', `The flow request has no ${field} string.`);
    }
    const bytes = decodeBase64Strict(value);
    if (bytes === null) throw invalid('bad_base64', `The flow request's ${field} is not valid base64.`);
    decoded[field] = bytes;
  }
  const { encrypted_flow_data: data, encrypted_aes_key: wrapped, initial_vector: iv } = decoded;
  if (data === undefined || wrapped === undefined || iv === undefined) {
    throw invalid('missing_field', 'The flow request is incomplete.');
  }
  if (iv.length !== IV_BYTES) {
    throw invalid('iv_length', `The flow request's initial_vector must be ${IV_BYTES} bytes, got ${iv.length}.`);
  }
  if (data.length < TAG_BYTES) {
    throw invalid(
      'ciphertext_too_short',
      `The flow request's encrypted_flow_data is shorter than the ${TAG_BYTES}-byte tag.`,
    );
  }
  return { encrypted_flow_data: data, encrypted_aes_key: wrapped, initial_vector: iv };
}

/** RSA-OAEP, SHA-256 for both the hash and MGF1, empty label; each key in order. */
function unwrapAesKey(wrapped: Buffer, keys: readonly KeyObject[]): { aesKey: Buffer; keyIndex: number } {
  let lastError: unknown;
  for (const [keyIndex, key] of keys.entries()) {
    assertFlowPrivateKey(key);
    try {
      const aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);
      return { aesKey, keyIndex };
    } catch (error) {
      lastError = error;
    }
  }
  throw unwrapFailed(keys.length, lastError);
}

/** The error for an AES key that none of the private keys could unwrap. */
export function unwrapFailed(keysTried: number, cause?: unknown): FlowCryptoError {
  return failed(
    'rsa_unwrap_failed',
    `No configured private key (${keysTried} tried) could unwrap encrypted_aes_key; WhatsApp may hold an outdated public key.`,
    cause,
  );
}

/** The AES-GCM half of decryption, for a caller that unwrapped the AES key elsewhere (another thread). */
export function openFlowRequest(envelope: FlowRequestEnvelope, aesKey: Buffer, keyIndex: number): DecryptedFlowRequest {
  if (aesKey.length !== AES_KEY_BYTES) {
    // Blog-style implementations send AES-256 keys; WhatsApp uses AES-128 (SPEC F.1).
    throw failed('aes_key_length', `The unwrapped AES key must be ${AES_KEY_BYTES} bytes, got ${aesKey.length}.`);
  }
  const iv = envelope.initial_vector;
  const plaintext = gcmOpen(aesKey, iv, envelope.encrypted_flow_data);
  if (plaintext === null) throw failed('gcm_auth_failed', 'The flow request failed AES-GCM authentication.');
  const parsed = parseJsonObject(plaintext);
  if (!parsed.ok) {
    const what = { not_utf8: 'UTF-8', not_json: 'JSON', payload_not_object: 'a JSON object' }[parsed.reason];
    throw failed(parsed.reason, `The decrypted flow request is not ${what}.`);
  }
  return { payload: parsed.value, aesKey, iv, keyIndex };
}

/**
 * Decrypts a flow endpoint request (SPEC A.2). Every failure is a FlowCryptoError with status 421,
 * the answer that makes WhatsApp re-fetch the public key and retry. `privateKeys` may list several
 * keys during a rotation, the active one first.
 */
export function decryptFlowRequest(body: unknown, privateKeys: readonly KeyObject[] | KeyObject): DecryptedFlowRequest {
  const keys = privateKeys instanceof KeyObject ? [privateKeys] : privateKeys;
  if (keys.length === 0) {
    throw new FlowCryptoError(
      'flowgate.flow.key_invalid',
      'no_keys',
      'No private key is configured for flow requests.',
    );
  }
  const envelope = decodeFlowEnvelope(body);
  const { aesKey, keyIndex } = unwrapAesKey(envelope.encrypted_aes_key, keys);
  return openFlowRequest(envelope, aesKey, keyIndex);
}

/**
 * Encrypts an already serialized response: base64(AES-128-GCM(bytes) ‖ tag) under the request's
 * AES key and flipped IV. For handlers that serialize themselves; the bytes are used as given.
 */
export function encryptFlowResponseRaw(json: string | Uint8Array, aesKey: Uint8Array, iv: Uint8Array): string {
  assertKeyAndIv(aesKey, iv);
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  return gcmSeal(aesKey, flipIv(iv), bytes).toString('base64');
}

/** JSON.stringify's real return type: undefined for undefined, functions and symbols. */
function serialize(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** Serializes a response with JSON.stringify (compact, like Meta's Node sample) and encrypts it (SPEC A.3). */
export function encryptFlowResponse(response: unknown, aesKey: Uint8Array, iv: Uint8Array): string {
  let json: string | undefined;
  try {
    json = serialize(response);
  } catch (error) {
    throw new FlowCryptoError(
      'flowgate.flow.response_invalid',
      'not_serializable',
      'The flow response cannot be serialized to JSON.',
      {
        cause: error,
      },
    );
  }
  if (json === undefined) {
    throw new FlowCryptoError(
      'flowgate.flow.response_invalid',
      'not_serializable',
      'The flow response serializes to nothing.',
    );
  }
  return encryptFlowResponseRaw(json, aesKey, iv);
}
