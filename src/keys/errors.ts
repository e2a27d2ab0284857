// Typed errors of the key ring. Each has a stable code, an HTTP status for the admin API, and a
// message a person can act on. Messages name keys by id and fingerprint only, never key material.

import { GraphApiError } from '../protocol/graph-errors/index.js';
import { GraphRequestError } from '../graph/index.js';

export type KeyRingErrorCode =
  | 'flowgate.keys.master_key_missing'
  | 'flowgate.keys.master_key_mismatch'
  | 'flowgate.keys.not_found'
  | 'flowgate.keys.invalid_state'
  | 'flowgate.keys.no_phone_number'
  | 'flowgate.keys.import_failed'
  | 'flowgate.keys.graph_unavailable';

export class KeyRingError extends Error {
  override readonly name: string = 'KeyRingError';
  constructor(
    readonly code: KeyRingErrorCode | KeyVerificationCode | 'flowgate.keys.graph_failed',
    message: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function masterKeyMissing(): KeyRingError {
  return new KeyRingError(
    'flowgate.keys.master_key_missing',
    'No master key: set FLOWGATE_MASTER_KEY to 32 random bytes in base64 (openssl rand -base64 32).',
    503,
  );
}

export function notFound(id: string): KeyRingError {
  return new KeyRingError('flowgate.keys.not_found', `No key ${id} for this phone number.`, 404);
}

export function invalidState(message: string): KeyRingError {
  return new KeyRingError('flowgate.keys.invalid_state', message, 409);
}

/** An imported file is not a usable private key; `reason` is FlowCryptoError's reason. */
export class KeyImportError extends KeyRingError {
  override readonly name = 'KeyImportError';
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('flowgate.keys.import_failed', message, 400, options);
  }
}

export type KeyVerificationCode =
  'flowgate.keys.verify_missing' | 'flowgate.keys.verify_different_key' | 'flowgate.keys.verify_signature_mismatch';

/** Reading the uploaded key back did not show our key with a VALID signature. */
export class KeyVerificationError extends KeyRingError {
  override readonly name = 'KeyVerificationError';
  constructor(
    code: KeyVerificationCode,
    message: string,
    /** Fingerprint of the key Meta returned, when it returned one. */
    readonly remoteFingerprint: string | null,
    readonly signatureStatus: string | null,
  ) {
    super(code, message, 502);
  }
}

/** Sentences for the Graph codes a key upload meets most; others fall back to the Graph error's hint. */
const KEY_HINTS: Readonly<Record<number, string>> = {
  100: 'Meta refused the public key: it must be a 2048-bit (or larger) RSA public key in PEM form; check the key and the phone number id.',
  190: 'The access token is invalid or expired: create a new system-user token and set FLOWGATE_ACCESS_TOKEN.',
  10: 'The token may not manage this number’s encryption key (or the number is not allow-listed for Flows): grant whatsapp_business_messaging to the system user and assign the number to it.',
  131031:
    'Meta could not verify the business account (it is restricted, locked, or the two-step PIN is wrong): review it under Account quality in WhatsApp Manager before uploading again.',
  131000: 'Meta could not sign the public key (an unknown error on its side): try the upload again later.',
};

/** A Graph call for a key failed; `hint` is one sentence saying what to do about it. */
export class KeyGraphError extends KeyRingError {
  override readonly name = 'KeyGraphError';
  readonly metaCode: number | null;
  readonly hint: string;
  constructor(step: 'upload' | 'verify', cause: unknown) {
    const metaCode = cause instanceof GraphApiError ? cause.metaCode : null;
    const hint =
      (metaCode === null ? undefined : KEY_HINTS[metaCode]) ??
      (cause instanceof GraphApiError || cause instanceof GraphRequestError
        ? cause.hint
        : 'Check the Graph URL, access token and network, then try again.');
    const what = step === 'upload' ? 'Uploading the business public key' : 'Reading the business public key back';
    const detail = cause instanceof Error ? cause.message : 'unknown failure';
    super('flowgate.keys.graph_failed', `${what} failed (${detail}). ${hint}`, 502, { cause });
    this.metaCode = metaCode;
    this.hint = hint;
  }
}
