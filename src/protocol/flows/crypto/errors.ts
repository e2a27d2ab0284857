// The one error flow crypto throws. Messages name the step that failed, never key material,
// passphrases or plaintext, so they are safe to log as they are.

export type FlowCryptoCode =
  | 'flowgate.flow.request_invalid'
  | 'flowgate.flow.decrypt_failed'
  | 'flowgate.flow.key_invalid'
  | 'flowgate.flow.response_invalid'
  | 'flowgate.flow.media_hash_mismatch'
  | 'flowgate.flow.media_hmac_mismatch'
  | 'flowgate.flow.media_decrypt_failed'
  | 'flowgate.flow.media_plaintext_hash_mismatch';

export type FlowCryptoReason =
  // envelope (request_invalid)
  | 'not_object'
  | 'missing_field'
  | 'bad_base64'
  | 'iv_length'
  | 'ciphertext_too_short'
  // decryption (decrypt_failed)
  | 'rsa_unwrap_failed'
  | 'aes_key_length'
  | 'gcm_auth_failed'
  | 'not_utf8'
  | 'not_json'
  | 'payload_not_object'
  // keys (key_invalid)
  | 'no_keys'
  | 'not_a_key'
  | 'public_key'
  | 'not_rsa'
  | 'key_too_small'
  | 'passphrase_required'
  | 'wrong_passphrase'
  // our own response (response_invalid)
  | 'not_serializable'
  // media
  | 'hash_mismatch'
  | 'hmac_mismatch'
  | 'key_length'
  | 'bad_length'
  | 'bad_padding'
  | 'plaintext_hash_mismatch';

/**
 * Statuses per SPEC A.6: anything wrong with an endpoint request is 421, which makes WhatsApp
 * re-fetch the business public key and retry once (Meta's own sample only maps RSA failures to 421;
 * the guide says any undecryptable request). A broken key or response on our side is a 500. Media failures
 * have no HTTP meaning of their own: the handler that downloaded the file decides.
 */
function statusFor(code: FlowCryptoCode): number | null {
  switch (code) {
    case 'flowgate.flow.request_invalid':
    case 'flowgate.flow.decrypt_failed':
      return 421;
    case 'flowgate.flow.key_invalid':
    case 'flowgate.flow.response_invalid':
      return 500;
    default:
      return null;
  }
}

export class FlowCryptoError extends Error {
  override readonly name = 'FlowCryptoError';
  readonly status: number | null;

  constructor(
    readonly code: FlowCryptoCode,
    readonly reason: FlowCryptoReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = statusFor(code);
  }
}
