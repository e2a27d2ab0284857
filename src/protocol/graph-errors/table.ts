// The one table from Meta's numeric error code to Flowgate's error class, stable code, transience
// and hint (SPEC D.3, D.6). Codes not listed here become a plain GraphApiError.

import {
  AccountRestrictedError,
  AuthError,
  FlowBlockedError,
  FlowManagementError,
  FlowThrottledError,
  type GraphApiError,
  type GraphErrorInit,
  InvalidParameterError,
  MediaError,
  PermissionError,
  RateLimitError,
  ReengagementWindowError,
  ServiceUnavailableError,
  TemplateError,
  UndeliverableError,
} from './errors.js';

export type GraphErrorClass = new (init: GraphErrorInit, options?: ErrorOptions) => GraphApiError;

/** A single code, or an inclusive range `[first, last]`. */
export type CodeSpec = number | readonly [number, number];

export interface GraphErrorRule {
  readonly codes: readonly CodeSpec[];
  readonly errorClass: GraphErrorClass;
  readonly code: string;
  readonly transient: boolean;
  /** Meta did not process the request, so a retry cannot duplicate it (see GraphErrorInit.retrySafe). */
  readonly retrySafe: boolean;
  readonly hint: string;
}

function rule(
  codes: readonly CodeSpec[],
  errorClass: GraphErrorClass,
  code: string,
  hint: string,
  flags: { transient?: boolean; retrySafe?: boolean } = {},
): GraphErrorRule {
  return {
    codes,
    errorClass,
    code,
    hint,
    transient: flags.transient ?? false,
    retrySafe: flags.retrySafe ?? false,
  };
}

const RATE_LIMITED = { transient: true, retrySafe: true };
const TRANSIENT = { transient: true };

/** Exact codes are matched before ranges; within each, the first rule listed wins. */
// prettier-ignore
export const GRAPH_ERROR_TABLE: readonly GraphErrorRule[] = [
  // Throughput and rate limits.
  rule([130429], RateLimitError, 'flowgate.graph.rate_limited',
    'The phone number exceeded its Cloud API throughput (80 messages/s by default); slow down and retry shortly.', RATE_LIMITED),
  rule([4], RateLimitError, 'flowgate.graph.rate_limited',
    'The app hit its Graph API call-rate limit; wait before retrying and spread calls out over time.', RATE_LIMITED),
  rule([80007], RateLimitError, 'flowgate.graph.rate_limited',
    'The WhatsApp Business Account hit its rate limit; wait before retrying and lower the call rate.', RATE_LIMITED),
  rule([131056], RateLimitError, 'flowgate.graph.pair_rate_limited',
    'Too many messages went to this one recipient in a short time; wait before sending to them again (other recipients are unaffected).', RATE_LIMITED),
  rule([131048], RateLimitError, 'flowgate.graph.spam_rate_limited',
    'Meta limited this number because recipients flagged its messages as spam; pause sending and review message quality in WhatsApp Manager.', TRANSIENT),
  // Customer service window.
  rule([131047], ReengagementWindowError, 'flowgate.graph.reengagement_window_closed',
    'More than 24 hours passed since the user last wrote; send an approved template message instead.'),
  // Authentication and permissions.
  rule([0, 190], AuthError, 'flowgate.graph.auth_failed',
    'The access token is invalid or expired; create a new system-user token and update the configuration.'),
  rule([3, 10, [200, 299], 131005], PermissionError, 'flowgate.graph.permission_denied',
    'The token lacks a permission or capability for this call; grant whatsapp_business_messaging and whatsapp_business_management and assign the asset to the system user.'),
  // Bad requests.
  rule([100, 131009], InvalidParameterError, 'flowgate.graph.invalid_parameter',
    'A parameter is invalid, misspelled or unsupported; fix the field named in the error details.'),
  rule([131008], InvalidParameterError, 'flowgate.graph.missing_parameter',
    'A required parameter is missing; add the field named in the error details.'),
  rule([131051], InvalidParameterError, 'flowgate.graph.unsupported_message_type',
    'This message type is not supported; send one of the types listed in the Cloud API messages reference.'),
  // Recipient cannot be reached.
  rule([131026], UndeliverableError, 'flowgate.graph.undeliverable',
    'WhatsApp could not deliver to this number (not on WhatsApp, terms not accepted or an outdated app); check the number or reach the user another way.'),
  rule([131049], UndeliverableError, 'flowgate.graph.engagement_limited',
    'Meta withheld this marketing message to keep ecosystem engagement healthy; wait at least 24 hours before sending this user another one.'),
  rule([131050], UndeliverableError, 'flowgate.graph.marketing_opted_out',
    'The user stopped marketing messages from this business; do not retry.'),
  // Account integrity.
  rule([131031, 368], AccountRestrictedError, 'flowgate.graph.account_restricted',
    'The business account is restricted or locked (or its two-step PIN is wrong); review it under Account quality in WhatsApp Manager.'),
  rule([130497], AccountRestrictedError, 'flowgate.graph.country_restricted',
    'The business account may not message users in this country; check its messaging restrictions in WhatsApp Manager.'),
  // Media.
  rule([131052], MediaError, 'flowgate.graph.media_download_failed',
    "Meta could not download the user's media; ask the user to send it again."),
  rule([131053], MediaError, 'flowgate.graph.media_upload_failed',
    'Meta could not process the uploaded media; check its MIME type and size against the supported media limits and upload it again.'),
  // Meta-side failures.
  rule([131000], ServiceUnavailableError, 'flowgate.graph.unknown_error',
    'Meta failed with an unknown error; retry later and quote the fbtrace_id to Meta support if it persists.', TRANSIENT),
  rule([131016], ServiceUnavailableError, 'flowgate.graph.service_unavailable',
    'The Cloud API is temporarily unavailable; retry later and check Meta’s platform status page.', TRANSIENT),
  rule([131057], ServiceUnavailableError, 'flowgate.graph.maintenance',
    'The business account is in maintenance mode (for example during a throughput upgrade); retry in a minute.', TRANSIENT),
  // Templates and Flow messages.
  rule([[132000, 132016]], TemplateError, 'flowgate.graph.template_rejected',
    "The template send was refused (parameter count or format, or the template is missing, paused or disabled); check the template's status and parameters in WhatsApp Manager."),
  rule([132068], FlowBlockedError, 'flowgate.graph.flow_blocked',
    'The Flow is blocked; fix its health issues (endpoint availability and errors) in WhatsApp Manager before sending it again.'),
  rule([132069], FlowThrottledError, 'flowgate.graph.flow_throttled',
    'The Flow is throttled to 10 messages an hour because of poor health; fix its endpoint and send again once the hour has passed.'),
  // Flows management.
  rule([139000], FlowManagementError, 'flowgate.graph.flow_integrity_blocked',
    "Meta's integrity checks blocked this Flow; review its content against WhatsApp's policies."),
  rule([139001], FlowManagementError, 'flowgate.graph.flow_update_failed',
    'The Flow could not be updated (published Flows are read-only); clone it and edit the clone.'),
  rule([139002], FlowManagementError, 'flowgate.graph.flow_publish_failed',
    'Publishing failed; fix validation errors and make sure the endpoint, phone number, signed public key and app are set up, then publish again.'),
  rule([139003], FlowManagementError, 'flowgate.graph.flow_deprecate_failed',
    'Only a published Flow that is not yet deprecated can be deprecated; check the Flow status.'),
  rule([139004], FlowManagementError, 'flowgate.graph.flow_delete_failed',
    'Only draft Flows can be deleted; deprecate a published Flow instead.'),
  rule([139006], FlowManagementError, 'flowgate.graph.flow_metrics_unavailable',
    'There is not enough data for this Flow metric yet; try again later or with a wider time range.'),
  rule([[139000, 139006]], FlowManagementError, 'flowgate.graph.flow_management_failed',
    'Meta refused this Flows management call; read the error details and adjust the Flow before retrying.'),
];

/** HTTP 429 without a known Meta code: rejected before processing. */
export const HTTP_429_RULE: GraphErrorRule = rule(
  [],
  RateLimitError,
  'flowgate.graph.rate_limited',
  'Meta answered HTTP 429 Too Many Requests; slow down and retry after a pause.',
  RATE_LIMITED,
);

const exact = new Map<number, GraphErrorRule>();
const ranges: { first: number; last: number; rule: GraphErrorRule }[] = [];
for (const entry of GRAPH_ERROR_TABLE) {
  for (const spec of entry.codes) {
    if (typeof spec === 'number') {
      if (!exact.has(spec)) exact.set(spec, entry);
    } else {
      ranges.push({ first: spec[0], last: spec[1], rule: entry });
    }
  }
}

export function ruleForMetaCode(metaCode: number): GraphErrorRule | undefined {
  return exact.get(metaCode) ?? ranges.find((r) => metaCode >= r.first && metaCode <= r.last)?.rule;
}
