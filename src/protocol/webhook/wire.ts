// Wire types: Meta's webhook JSON exactly as documented (snake_case, SPEC C.3–C.6).
// Everything is optional because Meta omits keys freely across versions and samples. These types
// describe the documented shape only; parse.ts never trusts them and reads every value through the
// guards in read.ts, so a `raw` object typed as Wire* may still carry unexpected extra keys.

/** Top-level POST body. `object` is always "whatsapp_business_account" for WhatsApp. */
export interface WireEnvelope {
  object?: string;
  entry?: WireEntry[];
}

export interface WireEntry {
  /** WhatsApp Business Account id. */
  id?: string;
  /** Unix seconds; present on non-`messages` fields (flows, account_update, templates…). */
  time?: number;
  changes?: WireChange[];
}

/**
 * One change. For `field: "messages"` the value is a WireMessagesValue, for `field: "flows"` a
 * WireFlowsValue; every other field (account_update, calls, message_template_status_update, …)
 * carries its own shape and is passed through untouched.
 */
export interface WireChange {
  field?: string;
  value?: WireMessagesValue | WireFlowsValue | Record<string, unknown>;
}

export interface WireMetadata {
  display_phone_number?: string;
  phone_number_id?: string;
}

/** value.contacts[] — the sender's profile, joined to messages by wa_id. */
export interface WireContact {
  profile?: { name?: string; username?: string };
  wa_id?: string;
  /** Business-scoped user id ("US.…"), newer payloads only. */
  user_id?: string;
  parent_user_id?: string;
  identity_key_hash?: string;
}

export interface WireMessagesValue {
  messaging_product?: 'whatsapp';
  metadata?: WireMetadata;
  contacts?: WireContact[];
  messages?: WireMessage[];
  statuses?: WireStatus[];
  errors?: WireError[];
}

/** Error object used by value.errors[], messages[].errors[] and statuses[].errors[]. */
export interface WireError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
  href?: string;
  /** Legacy placement of the details (Meta's Postman samples for 130501/131051). */
  details?: string;
}

export interface WireReferredProduct {
  catalog_id?: string;
  product_retailer_id?: string;
}

export interface WireMessageContext {
  from?: string;
  id?: string;
  forwarded?: boolean;
  frequently_forwarded?: boolean;
  referred_product?: WireReferredProduct;
}

/** Click-to-WhatsApp ad / post referral. */
export interface WireReferral {
  source_url?: string;
  source_id?: string;
  source_type?: string;
  body?: string;
  headline?: string;
  media_type?: string;
  image_url?: string;
  video_url?: string;
  thumbnail_url?: string;
  ctwa_clid?: string;
  welcome_message?: { text?: string };
}

export interface WireText {
  body?: string;
}

export interface WireMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  /** Rolled out gradually from Nov 2025; still needs the access token to download. */
  url?: string;
  caption?: string;
}

export type WireImage = WireMedia;
export type WireVideo = WireMedia;

export interface WireAudio extends WireMedia {
  voice?: boolean;
}

export interface WireDocument extends WireMedia {
  filename?: string;
}

export interface WireSticker extends WireMedia {
  animated?: boolean;
}

/** Numbers in real payloads; Meta's Postman sample uses strings, so both are allowed. */
export interface WireLocation {
  latitude?: number | string;
  longitude?: number | string;
  name?: string;
  address?: string;
  url?: string;
}

export interface WireContactCard {
  name?: {
    formatted_name?: string;
    first_name?: string;
    last_name?: string;
    middle_name?: string;
    suffix?: string;
    prefix?: string;
  };
  phones?: { phone?: string; wa_id?: string; type?: string }[];
  emails?: { email?: string; type?: string }[];
  addresses?: {
    street?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
    country_code?: string;
    type?: string;
  }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url?: string; type?: string }[];
  birthday?: string;
}

export interface WireReaction {
  message_id?: string;
  /** Misspelling in Meta's own Postman sample; accepted as an alias. */
  messsage_id?: string;
  /** Empty string or absent = the reaction was removed. */
  emoji?: string;
}

export interface WireNfmReply {
  name?: string;
  body?: string;
  /** A JSON string on the wire; an already-decoded object is tolerated. */
  response_json?: string | Record<string, unknown>;
}

export interface WireInteractive {
  type?: 'button_reply' | 'list_reply' | 'nfm_reply' | (string & {});
  button_reply?: { id?: string; title?: string };
  list_reply?: { id?: string; title?: string; description?: string };
  nfm_reply?: WireNfmReply;
  call_permission_reply?: {
    response?: string;
    expiration_timestamp?: number;
    response_source?: string;
  };
}

/** Template quick-reply button tap. */
export interface WireButton {
  text?: string;
  payload?: string;
}

export interface WireOrderItem {
  product_retailer_id?: string;
  quantity?: number | string;
  item_price?: number | string;
  currency?: string;
}

export interface WireOrder {
  catalog_id?: string;
  text?: string;
  product_items?: WireOrderItem[];
}

export interface WireIdentity {
  acknowledged?: boolean;
  /** Seconds in pywa's sample, milliseconds in Meta's Postman sample. */
  created_timestamp?: number | string;
  hash?: string;
}

export interface WireSystem {
  body?: string;
  /** New wa_id for `user_changed_number`. */
  wa_id?: string;
  new_wa_id?: string;
  type?: 'user_changed_number' | 'customer_identity_changed' | (string & {});
  customer?: string;
  identity?: WireIdentity;
}

export interface WireUnsupported {
  type?: string;
}

export interface WireRevoke {
  original_message_id?: string;
}

export interface WireEdit {
  original_message_id?: string;
  /** The edited content: a partial message (type + payload, no id/from/timestamp). */
  message?: WireMessage;
}

/** messages[] item. `type` names the payload key that carries the content. */
export interface WireMessage {
  from?: string;
  from_user_id?: string;
  id?: string;
  /** Unix seconds as a string. */
  timestamp?: string;
  type?: string;
  context?: WireMessageContext;
  referral?: WireReferral;
  errors?: WireError[];
  /** Older identity-change placement (top level, next to `system`). */
  identity?: WireIdentity;
  text?: WireText;
  image?: WireImage;
  video?: WireVideo;
  audio?: WireAudio;
  document?: WireDocument;
  sticker?: WireSticker;
  location?: WireLocation;
  contacts?: WireContactCard[];
  reaction?: WireReaction;
  interactive?: WireInteractive;
  button?: WireButton;
  order?: WireOrder;
  system?: WireSystem;
  unsupported?: WireUnsupported;
  revoke?: WireRevoke;
  edit?: WireEdit;
}

export interface WireConversation {
  id?: string;
  /** Only on `sent`. */
  expiration_timestamp?: string | number;
  origin?: { type?: string };
}

export interface WirePricing {
  billable?: boolean;
  pricing_model?: 'CBP' | 'PMP' | (string & {});
  type?: string;
  category?: string;
}

/** statuses[] item: the lifecycle of a message the business sent. */
export interface WireStatus {
  id?: string;
  status?: 'sent' | 'delivered' | 'read' | 'played' | 'failed' | (string & {});
  /** Unix seconds as a string. */
  timestamp?: string;
  recipient_id?: string;
  recipient_type?: string;
  recipient_participant_id?: string;
  recipient_identity_key_hash?: string;
  biz_opaque_callback_data?: string;
  /** Omitted from v24.0 except inside a free-entry-point window. */
  conversation?: WireConversation;
  pricing?: WirePricing;
  errors?: WireError[];
}

/** value of a `flows` change (SPEC C.6). */
export interface WireFlowsValue {
  event?:
    | 'FLOW_STATUS_CHANGE'
    | 'CLIENT_ERROR_RATE'
    | 'ENDPOINT_ERROR_RATE'
    | 'ENDPOINT_LATENCY'
    | 'ENDPOINT_AVAILABILITY'
    | 'FLOW_VERSION_EXPIRY_WARNING'
    | (string & {});
  message?: string;
  flow_id?: string;
  old_status?: string;
  new_status?: string;
  alert_state?: 'ACTIVATED' | 'DEACTIVATED' | (string & {});
  threshold?: number;
  error_rate?: number;
  errors?: { error_type?: string; error_rate?: number; error_count?: number }[];
  p50_latency?: number;
  p90_latency?: number;
  requests_count?: number;
  availability?: number;
  warning?: string;
}
