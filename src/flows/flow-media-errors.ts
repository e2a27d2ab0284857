// The one error storing a PhotoPicker/DocumentPicker file throws. The media id stays in a field:
// it is customer-linked and must not reach logs, so messages never contain it (nor the CDN URL).

export type FlowMediaErrorCode =
  | 'download_failed'
  | 'url_not_allowed'
  | 'too_large'
  | 'hash_mismatch'
  | 'hmac_mismatch'
  | 'decrypt_failed'
  | 'mime_not_allowed'
  /** An awaited file not downloaded when its answer was due: it waited for a place, or was given up mid-download. */
  | 'deadline';

/** Short, safe texts a picker's `error-message` can show to the person who uploaded the file. */
export const FLOW_MEDIA_USER_MESSAGES: Readonly<Record<FlowMediaErrorCode, string>> = {
  download_failed: 'The upload could not be received. Try again.',
  url_not_allowed: 'The upload could not be received.',
  too_large: 'This file is too large.',
  hash_mismatch: 'The upload was damaged. Try again.',
  hmac_mismatch: 'The upload was damaged. Try again.',
  decrypt_failed: 'The upload could not be read. Try again.',
  mime_not_allowed: 'This file type is not accepted.',
  deadline: 'The upload took too long. Try again.',
};

export class FlowMediaError extends Error {
  override readonly name = 'FlowMediaError';
  /** The CDN answered with this HTTP status (download failures only). */
  readonly cdnStatus: number | null;
  /** A later attempt may succeed (network trouble, 5xx, 429, timeouts). */
  readonly retryable: boolean;
  /** The sniffed type, for mime_not_allowed. */
  readonly mimeType: string | null;

  constructor(
    readonly code: FlowMediaErrorCode,
    message: string,
    /** media_id of the picker item; never part of the message. */
    readonly mediaId: string,
    details: { cdnStatus?: number; retryable?: boolean; mimeType?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.cdnStatus = details.cdnStatus ?? null;
    this.retryable = details.retryable ?? false;
    this.mimeType = details.mimeType ?? null;
  }

  /** What to show the person in the picker's `error-message`. */
  get userMessage(): string {
    return FLOW_MEDIA_USER_MESSAGES[this.code];
  }
}
