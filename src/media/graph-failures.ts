// Graph and blob failures seen by a media job, turned into MediaErrors that say whether to retry and
// when. Messages are built from status codes only: a Graph error's own text can name the media id.
import { BlobError } from '../blobs/index.js';
import {
  GraphNetworkError,
  GraphTimeoutError,
  GraphUnexpectedResponseError,
  MediaUrlExpiredError,
} from '../graph/index.js';
import { GraphApiError } from '../protocol/index.js';
import { MediaError } from './errors.js';

export type MediaStage = 'resolve' | 'download';

/** A download refused because the 5-minute URL is no longer valid (404, or 401 with a good token). */
export function isExpiredUrl(error: unknown): boolean {
  if (error instanceof MediaUrlExpiredError) return true;
  return error instanceof GraphApiError && (error.httpStatus === 404 || error.httpStatus === 401);
}

export function toMediaError(error: unknown, stage: MediaStage): MediaError {
  if (error instanceof MediaError) return error;
  const what = stage === 'resolve' ? 'resolving the media id' : 'downloading the media';
  if (error instanceof GraphApiError) {
    const status = error.httpStatus;
    const details = { httpStatus: status, metaCode: error.metaCode };
    const label = `Graph answered HTTP ${status}${error.metaCode === null ? '' : ` (code ${error.metaCode})`} ${what}`;
    if (status === 429 || error.retrySafe) {
      return new MediaError('rate_limited', label, { ...details, ...retryAfter(error) });
    }
    if (status >= 500 || error.transient)
      return new MediaError('graph_unavailable', label, { ...details, ...retryAfter(error) });
    if (isExpiredUrl(error)) {
      return stage === 'resolve' && status === 404
        ? new MediaError('not_found', `${label}: the media id is unknown or expired`, details)
        : new MediaError(stage === 'resolve' ? 'graph_unavailable' : 'url_expired', label, details);
    }
    if (stage === 'resolve' && status === 400) return new MediaError('not_found', label, details);
    return new MediaError('graph_refused', label, details);
  }
  if (error instanceof GraphTimeoutError)
    return new MediaError('download_timeout', `Graph did not answer in time ${what}`);
  if (error instanceof GraphNetworkError) {
    return new MediaError(
      'download_failed',
      `the connection to Graph failed ${what}${error.systemCode === null ? '' : ` (${error.systemCode})`}`,
    );
  }
  if (error instanceof GraphUnexpectedResponseError) {
    return new MediaError('graph_unavailable', `Graph answered in an unexpected shape ${what} (${error.reason})`);
  }
  if (error instanceof BlobError)
    return new MediaError('storage_failed', `the blob store failed (${error.code})`, {}, { cause: error });
  const name = error instanceof Error ? error.name : typeof error;
  return new MediaError('download_failed', `unexpected ${name} ${what}`);
}

function retryAfter(error: GraphApiError): { retryAfterMs?: number } {
  return error.retryAfterMs === null ? {} : { retryAfterMs: error.retryAfterMs };
}
