// The one error the emulator's Flow client throws. Codes are the error types WhatsApp reports in
// endpoint alerts and error notifications (SPEC C.6), plus the two endpoint statuses that have
// their own meaning on the client (427 invalid flow token, 432 bad signature).

export type FlowClientErrorCode =
  /** No business public key is uploaded for the phone number. */
  | 'public-key-missing'
  /** The uploaded key's signature status is MISMATCH. */
  | 'public-key-signature-verification'
  /** GET /{phone-number-id}/whatsapp_business_encryption failed (HTTP error, timeout, unusable PEM). */
  | 'public-key-fetch-error'
  /** 421 even after re-fetching the public key. */
  | 'business-decryption-error'
  /** 427: the flow token is no longer valid; `errorMessage` is the decrypted error_msg, if any. */
  | 'invalid-flow-token'
  /** 432: the endpoint rejected the request signature. */
  | 'signature-verification-failed'
  | 'unexpected_http_status_code'
  | 'timeout_error'
  | 'no_http_response_error'
  /** A 200 body that does not decrypt with the request's key and flipped IV. */
  | 'response-decryption-error'
  /** The answer's screen does not exist or the routing model does not allow going there. */
  | 'invalid-screen-transition'
  /** The answer's shape or data does not match what the target screen declares. */
  | 'payload-schema-error';

export class FlowClientError extends Error {
  override readonly name = 'FlowClientError';
  readonly code: FlowClientErrorCode;
  /** HTTP status of the endpoint's answer (of the Graph API's for public-key-fetch-error), when there was one. */
  readonly status: number | null;
  /** The user-visible message of a 427 (`error_msg`), or null. */
  readonly errorMessage: string | null;

  constructor(
    code: FlowClientErrorCode,
    message: string,
    options: { status?: number | null; errorMessage?: string | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
    this.errorMessage = options.errorMessage ?? null;
  }
}
