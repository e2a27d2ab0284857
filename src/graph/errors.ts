// Errors the Graph client raises when there is no usable Graph error body: network failures,
// timeouts, outcomes that cannot be known, unexpected success bodies, expired media URLs and bad
// arguments. Errors carried in a Graph error body are the GraphApiError family from the protocol.

import { GraphApiError } from '../protocol/graph-errors/index.js';

/** Base of the client-side failures: which call, and whether Meta may have acted on it. */
export abstract class GraphRequestError extends Error {
  abstract readonly code: string;
  abstract readonly hint: string;
  /** The request reached Meta (or may have): a message send may have gone out. */
  abstract readonly mayHaveBeenSent: boolean;
  constructor(
    message: string,
    /** `METHOD /path` of the call, without query string or host credentials. */
    readonly request: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The connection failed. `beforeSend` means it provably failed before any byte was sent. */
export class GraphNetworkError extends GraphRequestError {
  override readonly name = 'GraphNetworkError';
  readonly code = 'flowgate.graph.network';
  readonly mayHaveBeenSent: boolean;
  readonly hint: string;
  constructor(
    request: string,
    readonly beforeSend: boolean,
    /** The system error code found in the cause chain (ECONNREFUSED, ECONNRESET…), if any. */
    readonly systemCode: string | null,
    options?: ErrorOptions,
  ) {
    const what = beforeSend ? 'could not connect' : 'lost its connection';
    super(`${request} ${what}${systemCode === null ? '' : ` (${systemCode})`}`, request, options);
    this.mayHaveBeenSent = !beforeSend;
    this.hint = beforeSend
      ? 'Check that the Graph base URL resolves and accepts connections from this host.'
      : 'The connection broke mid-request; check network stability between this host and Graph.';
  }
}

/** No complete answer arrived within `timeoutMs`. The request was sent, so it may have been acted on. */
export class GraphTimeoutError extends GraphRequestError {
  override readonly name = 'GraphTimeoutError';
  readonly code = 'flowgate.graph.timeout';
  readonly mayHaveBeenSent = true;
  readonly hint =
    'Graph did not answer in time; for message sends, check the status webhook before sending again to avoid a duplicate.';
  constructor(
    request: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`${request} timed out after ${timeoutMs} ms`, request, options);
  }
}

/**
 * A non-idempotent call (a message send, any POST) failed in a way that does not show whether Meta
 * processed it: a 5xx answer or a connection lost after sending. It is not retried automatically.
 */
export class GraphUncertainError extends GraphRequestError {
  override readonly name = 'GraphUncertainError';
  readonly code = 'flowgate.graph.uncertain';
  readonly mayHaveBeenSent = true;
  readonly hint =
    'Meta may or may not have processed this request; for message sends, wait for the status webhook before sending again.';
  constructor(
    request: string,
    readonly reason: 'server_error' | 'connection_lost',
    /** The HTTP status for `server_error`. */
    readonly httpStatus: number | null,
    options: ErrorOptions,
  ) {
    const what = reason === 'server_error' ? `Graph answered HTTP ${httpStatus ?? '5xx'}` : 'the connection was lost';
    super(`${request}: outcome unknown, ${what} after the request was sent`, request, options);
  }
}

/** A 2xx answer whose body is not the documented shape. */
export class GraphUnexpectedResponseError extends GraphRequestError {
  override readonly name = 'GraphUnexpectedResponseError';
  readonly code = 'flowgate.graph.unexpected_response';
  readonly hint = 'Graph answered in a shape this client does not know; check the configured API version and base URL.';
  constructor(
    request: string,
    readonly reason: string,
    readonly mayHaveBeenSent: boolean,
    readonly httpStatus: number,
    options?: ErrorOptions,
  ) {
    super(`${request}: unexpected response (${reason})`, request, options);
  }
}

/** A media download answered 404: the 5-minute URL expired. Call getMedia(id) again for a fresh one. */
export class MediaUrlExpiredError extends GraphApiError {
  override readonly name = 'MediaUrlExpiredError';
  constructor(response: GraphApiError) {
    super(
      {
        message: `${response.message} (media URL expired or unknown)`,
        code: 'flowgate.graph.media_url_expired',
        hint: 'Media URLs last 5 minutes; call getMedia(id) again for a fresh URL and download that.',
        metaCode: response.metaCode,
        subcode: response.subcode,
        type: response.type,
        details: response.details,
        fbtraceId: response.fbtraceId,
        userTitle: response.userTitle,
        userMessage: response.userMessage,
        httpStatus: response.httpStatus,
        transient: false,
        retrySafe: false,
        retryAfterMs: response.retryAfterMs,
      },
      { cause: response },
    );
  }
}

/** A caller passed an id or option the client refuses to put on the wire. */
export class GraphArgumentError extends Error {
  override readonly name = 'GraphArgumentError';
  readonly code = 'flowgate.graph.invalid_argument';
}
