// Normalized webhook events: the camelCase discriminated union (on `kind`) that parseWebhook
// returns. One event per message / status / error item, flows change, unknown change or malformed
// part of the body. The names here are a contract other Flowgate modules depend on.

import type { WireContactCard, WireError, WireMessage, WireStatus } from './wire.js';

export type WebhookEventCategory = 'message' | 'status' | 'error' | 'flows' | 'unknown' | 'parse_error';

/** code/title/message/details/href of any Meta error object, nulls where Meta omitted them. */
export interface NormalizedError {
  code: number | null;
  title: string | null;
  message: string | null;
  details: string | null;
  href: string | null;
}

/** Fields every event carries. */
export interface WebhookEventBase {
  /** Stable key for deduplicating Meta's retries (see parse.ts for the formula per category). */
  dedupKey: string;
  /** The change's `field` ("messages", "flows", …); null for envelope-level problems. */
  field: string | null;
  /** entry.id */
  wabaId: string | null;
  /** value.metadata.phone_number_id */
  phoneNumberId: string | null;
  /** value.metadata.display_phone_number */
  displayPhoneNumber: string | null;
  /** Integer Unix seconds. */
  timestamp: number | null;
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface ReferredProduct {
  catalogId: string | null;
  productRetailerId: string | null;
}

export interface MessageContext {
  /** As sent (raw digits of the business number the user replied to). */
  from: string | null;
  id: string | null;
  forwarded: boolean;
  frequentlyForwarded: boolean;
  referredProduct: ReferredProduct | null;
}

export interface Referral {
  sourceUrl: string | null;
  sourceId: string | null;
  sourceType: string | null;
  body: string | null;
  headline: string | null;
  mediaType: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  ctwaClid: string | null;
  welcomeMessage: { text: string | null } | null;
}

/** Fields every message event carries besides its kind-specific payload. */
export interface MessageEventBase extends WebhookEventBase {
  category: 'message';
  /** wamid */
  id: string;
  /** E.164, e.g. "+16505551234". */
  from: string;
  /** `from` exactly as Meta sent it (digits, no "+"). */
  fromWaId: string;
  /** Business-scoped user id (`from_user_id`, "US.…") when Meta sends one. */
  fromUserId: string | null;
  profileName: string | null;
  timestamp: number;
  context: MessageContext | null;
  referral: Referral | null;
  /** messages[].errors, usually empty. */
  errors: NormalizedError[];
  raw: WireMessage;
}

export interface TextMessageEvent extends MessageEventBase {
  kind: 'message.text';
  text: string;
}

export type MediaMessageKind =
  'message.image' | 'message.video' | 'message.audio' | 'message.document' | 'message.sticker';

export interface MediaPayload {
  id: string;
  mimeType: string | null;
  sha256: string | null;
  url: string | null;
  caption: string | null;
  filename: string | null;
  /** Audio recorded as a voice note. */
  voice: boolean;
  /** Animated sticker. */
  animated: boolean;
}

export interface MediaMessageEventOf<K extends MediaMessageKind> extends MessageEventBase {
  kind: K;
  media: MediaPayload;
}

/** Spelled out per kind so Extract<WebhookEvent, { kind: 'message.image' }> works. */
export type MediaMessageEvent = { [K in MediaMessageKind]: MediaMessageEventOf<K> }[MediaMessageKind];

export interface LocationMessageEvent extends MessageEventBase {
  kind: 'message.location';
  location: {
    latitude: number;
    longitude: number;
    name: string | null;
    address: string | null;
    url: string | null;
  };
}

export interface ContactsMessageEvent extends MessageEventBase {
  kind: 'message.contacts';
  contacts: WireContactCard[];
}

export interface ReactionMessageEvent extends MessageEventBase {
  kind: 'message.reaction';
  reaction: { messageId: string; emoji: string | null; removed: boolean };
}

export interface ButtonReplyMessageEvent extends MessageEventBase {
  kind: 'message.button_reply';
  reply: { id: string; title: string };
}

export interface ListReplyMessageEvent extends MessageEventBase {
  kind: 'message.list_reply';
  reply: { id: string; title: string; description: string | null };
}

export interface FlowReplyMessageEvent extends MessageEventBase {
  kind: 'message.flow_reply';
  flow: {
    name: string | null;
    body: string | null;
    responseJson: Record<string, unknown> | null;
    /** response_json exactly as sent when it was a string; null when Meta sent an object. */
    responseJsonRaw: string | null;
    flowToken: string | null;
    /** Why responseJson is null (missing, not JSON, not an object); null when it parsed. */
    responseJsonError: string | null;
  };
}

/** Template quick-reply button tap (type "button"). */
export interface ButtonMessageEvent extends MessageEventBase {
  kind: 'message.button';
  button: { text: string | null; payload: string | null };
}

export interface OrderItem {
  productRetailerId: string;
  quantity: number;
  itemPrice: number;
  currency: string;
}

export interface OrderMessageEvent extends MessageEventBase {
  kind: 'message.order';
  order: { catalogId: string | null; text: string | null; items: OrderItem[] };
}

export interface SystemIdentity {
  acknowledged: boolean | null;
  /** As sent: seconds in some payloads, milliseconds in Meta's Postman sample. */
  createdTimestamp: number | null;
  hash: string | null;
}

export interface SystemMessageEvent extends MessageEventBase {
  kind: 'message.system';
  system: {
    type: string | null;
    body: string | null;
    newWaId: string | null;
    identity: SystemIdentity | null;
  };
}

/** type "unsupported" (and the legacy type "unknown", code 130501). Details are in `errors`. */
export interface UnsupportedMessageEvent extends MessageEventBase {
  kind: 'message.unsupported';
  unsupportedType: string | null;
}

/** The user deleted a message for everyone. */
export interface RevokeMessageEvent extends MessageEventBase {
  kind: 'message.revoke';
  originalMessageId: string | null;
}

export interface EditMessageEvent extends MessageEventBase {
  kind: 'message.edit';
  originalMessageId: string | null;
  /** The new content: a partial message (type + payload). */
  edited: WireMessage | null;
}

/** Any message type (or interactive sub-type) this parser does not model; see `raw`. */
export interface UnknownMessageEvent extends MessageEventBase {
  kind: 'message.unknown';
  /** The wire `type` ("interactive" for unmodelled interactive sub-types). */
  type: string;
}

export type MessageEvent =
  | TextMessageEvent
  | MediaMessageEvent
  | LocationMessageEvent
  | ContactsMessageEvent
  | ReactionMessageEvent
  | ButtonReplyMessageEvent
  | ListReplyMessageEvent
  | FlowReplyMessageEvent
  | ButtonMessageEvent
  | OrderMessageEvent
  | SystemMessageEvent
  | UnsupportedMessageEvent
  | RevokeMessageEvent
  | EditMessageEvent
  | UnknownMessageEvent;

// ---------------------------------------------------------------------------------------------
// Statuses

export type StatusEventKind =
  'status.sent' | 'status.delivered' | 'status.read' | 'status.played' | 'status.failed' | 'status.unknown';

export interface StatusEventOf<K extends StatusEventKind> extends WebhookEventBase {
  kind: K;
  category: 'status';
  /** wamid of the message the business sent. */
  messageId: string;
  /** Raw status string (kept for status.unknown). */
  status: string;
  /** E.164 of recipient_id; null for group ids or anything that is not a phone number. */
  recipient: string | null;
  recipientType: string | null;
  timestamp: number;
  conversation: { id: string | null; expiresAt: number | null; originType: string | null } | null;
  pricing: {
    billable: boolean | null;
    pricingModel: string | null;
    type: string | null;
    category: string | null;
  } | null;
  errors: NormalizedError[];
  bizOpaqueCallbackData: string | null;
  raw: WireStatus;
}

export type StatusEvent = { [K in StatusEventKind]: StatusEventOf<K> }[StatusEventKind];

// ---------------------------------------------------------------------------------------------
// Errors, flows, unknown, parse errors

/** One value.errors[] item: a system/app/account-level error (e.g. 130429 rate limit). */
export interface ErrorEvent extends WebhookEventBase {
  kind: 'error';
  category: 'error';
  error: NormalizedError;
  raw: WireError;
}

export type FlowsEventKind =
  | 'flows.flow_status_change'
  | 'flows.client_error_rate'
  | 'flows.endpoint_error_rate'
  | 'flows.endpoint_latency'
  | 'flows.endpoint_availability'
  | 'flows.flow_version_expiry_warning'
  | 'flows.unknown';

export interface FlowsEventOf<K extends FlowsEventKind> extends WebhookEventBase {
  kind: K;
  category: 'flows';
  /** value.event as sent ("" when missing). */
  event: string;
  flowId: string | null;
  /** value.message, or value.warning for FLOW_VERSION_EXPIRY_WARNING which has no message. */
  message: string | null;
  /** The raw change value (thresholds, latencies, statuses…). */
  value: Record<string, unknown>;
}

export type FlowsEvent = { [K in FlowsEventKind]: FlowsEventOf<K> }[FlowsEventKind];

/** A change this parser does not model (account_update, calls, templates, …). */
export interface UnknownEvent extends WebhookEventBase {
  kind: 'unknown';
  category: 'unknown';
  /** The raw change value. */
  value: unknown;
}

/** Something in the body could not be turned into an event; nothing else is dropped silently. */
export interface ParseErrorEvent extends WebhookEventBase {
  kind: 'parse_error';
  category: 'parse_error';
  /** A specific sentence saying what is wrong. */
  error: string;
  /** Where, e.g. "entry[0].changes[1].value.messages[3]"; null for the whole body. */
  path: string | null;
  /** The offending JSON value when there is one (never the raw body text). */
  raw?: unknown;
}

export type WebhookEvent = MessageEvent | StatusEvent | ErrorEvent | FlowsEvent | UnknownEvent | ParseErrorEvent;

export type WebhookEventKind = WebhookEvent['kind'];
export type MessageEventKind = MessageEvent['kind'];

export type EventOfKind<K extends WebhookEventKind> = Extract<WebhookEvent, { kind: K }>;
