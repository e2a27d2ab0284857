// Typed errors for Graph API (Cloud API) error responses: one base class carrying Meta's code,
// details and trace id, and one subclass per family of codes. Which class and stable `code` a Meta
// code maps to is decided in table.ts, nowhere else.

/** Everything a GraphApiError carries; built by graphErrorFromResponse (or by a client for cases like an expired media URL). */
export interface GraphErrorInit {
  readonly message: string;
  /** Stable, namespaced Flowgate code, e.g. `flowgate.graph.rate_limited`. */
  readonly code: string;
  /** One sentence a person can act on. */
  readonly hint: string;
  readonly metaCode: number | null;
  readonly subcode: number | null;
  /** Meta's `type`, e.g. `OAuthException`. */
  readonly type: string | null;
  /** `error.error_data.details`: what Meta says to build logic on, together with `metaCode`. */
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly userTitle: string | null;
  readonly userMessage: string | null;
  readonly httpStatus: number;
  /** Trying again later may succeed. */
  readonly transient: boolean;
  /**
   * Meta's answer proves it did not process the request (rate limited), so retrying cannot
   * duplicate it, even for a message send.
   */
  readonly retrySafe: boolean;
  /** From a `Retry-After` header, in milliseconds; null when there was none. */
  readonly retryAfterMs: number | null;
}

export class GraphApiError extends Error implements GraphErrorInit {
  override readonly name: string = 'GraphApiError';
  readonly code: string;
  readonly hint: string;
  readonly metaCode: number | null;
  readonly subcode: number | null;
  readonly type: string | null;
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly userTitle: string | null;
  readonly userMessage: string | null;
  readonly httpStatus: number;
  readonly transient: boolean;
  readonly retrySafe: boolean;
  readonly retryAfterMs: number | null;

  constructor(init: GraphErrorInit, options?: ErrorOptions) {
    super(init.message, options);
    this.code = init.code;
    this.hint = init.hint;
    this.metaCode = init.metaCode;
    this.subcode = init.subcode;
    this.type = init.type;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.httpStatus = init.httpStatus;
    this.transient = init.transient;
    this.retrySafe = init.retrySafe;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** Throughput, call-rate, spam and pair rate limits (130429, 4, 80007, 131048, 131056). */
export class RateLimitError extends GraphApiError {
  override readonly name = 'RateLimitError';
}

/** 131047: the 24-hour customer service window is closed; only templates may be sent. */
export class ReengagementWindowError extends GraphApiError {
  override readonly name = 'ReengagementWindowError';
}

/** 0 / 190: the access token is invalid or expired. */
export class AuthError extends GraphApiError {
  override readonly name = 'AuthError';
}

/** 100, 131008, 131009, 131051: the request itself is wrong. */
export class InvalidParameterError extends GraphApiError {
  override readonly name = 'InvalidParameterError';
}

/** 3, 10, 200–299, 131005: a permission or capability is missing. */
export class PermissionError extends GraphApiError {
  override readonly name = 'PermissionError';
}

/** 131026 and friends: this recipient cannot be reached with this message. */
export class UndeliverableError extends GraphApiError {
  override readonly name = 'UndeliverableError';
}

/** 368, 131031, 130497: the business account is restricted. */
export class AccountRestrictedError extends GraphApiError {
  override readonly name = 'AccountRestrictedError';
}

/** 131052 / 131053: media download or upload failed on Meta's side. */
export class MediaError extends GraphApiError {
  override readonly name = 'MediaError';
}

/** 131000, 131016, 131057: Meta is failing, unavailable or in maintenance. */
export class ServiceUnavailableError extends GraphApiError {
  override readonly name = 'ServiceUnavailableError';
}

/** 132000–132016: a template send was refused. */
export class TemplateError extends GraphApiError {
  override readonly name = 'TemplateError';
}

/** 132068: the Flow is blocked. */
export class FlowBlockedError extends GraphApiError {
  override readonly name = 'FlowBlockedError';
}

/** 132069: the Flow is throttled (10 messages an hour). */
export class FlowThrottledError extends GraphApiError {
  override readonly name = 'FlowThrottledError';
}

/** 139000–139006: a Flows management call was refused. */
export class FlowManagementError extends GraphApiError {
  override readonly name = 'FlowManagementError';
}
