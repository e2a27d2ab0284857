// Typed errors of the media pipeline. Their messages never carry a media id, a URL or a phone number:
// the job worker logs them and the queue stores them as the job's last error. A Graph error is not kept
// as `cause` for that reason (its message can name the media id); its HTTP status and Meta code are.

export type MediaErrorCode =
  | 'not_found'
  | 'too_large'
  | 'size_mismatch'
  | 'hash_mismatch'
  | 'mime_mismatch'
  | 'url_expired'
  | 'rate_limited'
  | 'graph_unavailable'
  | 'download_timeout'
  | 'download_failed'
  | 'storage_failed'
  | 'graph_refused';

/** Codes that no retry can fix: the job is dead-lettered at once. */
const PERMANENT: ReadonlySet<MediaErrorCode> = new Set([
  'not_found',
  'too_large',
  'size_mismatch',
  'hash_mismatch',
  'mime_mismatch',
  'graph_refused',
]);

export class MediaError extends Error {
  override readonly name = 'MediaError';
  /** Stable `flowgate.media.<reason>`. */
  readonly code: string;
  /** Read by the JobWorker: dead-letter now instead of retrying. */
  readonly permanent: boolean;
  constructor(
    readonly reason: MediaErrorCode,
    message: string,
    readonly details: {
      /** Read by the JobWorker as the retry delay (e.g. Retry-After). */
      retryAfterMs?: number;
      httpStatus?: number;
      metaCode?: number | null;
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = `flowgate.media.${reason}`;
    this.permanent = PERMANENT.has(reason);
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  get status(): number | undefined {
    return this.details.httpStatus;
  }
}

/** A media row or its stored bytes asked for by id that do not exist. */
export class MediaNotFoundError extends Error {
  override readonly name = 'MediaNotFoundError';
  readonly code = 'flowgate.media.row_not_found';
  readonly status = 404;
}
