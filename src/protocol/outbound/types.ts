// Input types of the outbound builders: what a Flowgate user writes (camelCase), one case per
// message kind, discriminated on `type`. build.ts turns them into the Wire* bodies of wire.ts.
// The types encode the exclusive choices (mediaId XOR link, flowId XOR flowName, no payload with
// data_exchange); the builders check them again at run time, for callers that arrive through JSON.

/** Options that apply to every message kind. */
export interface BuildOptions {
  /** wamid of the message this one replies to (quoted in the chat) → `context.message_id`. */
  replyTo?: string;
  /** Echoed back by Meta in this message's status webhooks (≤ 512 characters). */
  bizOpaqueCallbackData?: string;
}

/** Exactly one of an uploaded media id or a public https:// link. */
export type MediaSource = { mediaId: string; link?: never } | { link: string; mediaId?: never };

export interface OutboundText {
  type: 'text';
  /** 1–4096 characters. */
  body: string;
  /** Render a link preview for the first URL in the body (Meta's default: false). */
  previewUrl?: boolean;
}

/** Image and video take a caption (≤ 1024 characters). */
export type OutboundImage = { type: 'image'; caption?: string } & MediaSource;
export type OutboundVideo = { type: 'video'; caption?: string } & MediaSource;
/** Document takes a caption and the file name shown to the user. */
export type OutboundDocument = { type: 'document'; caption?: string; filename?: string } & MediaSource;
/** Audio and sticker take neither caption nor file name. */
export type OutboundAudio = { type: 'audio' } & MediaSource;
export type OutboundSticker = { type: 'sticker' } & MediaSource;

export type OutboundMedia = OutboundImage | OutboundVideo | OutboundDocument | OutboundAudio | OutboundSticker;
export type OutboundMediaType = OutboundMedia['type'];

export interface OutboundLocation {
  type: 'location';
  /** Decimal degrees, -90..90. */
  latitude: number;
  /** Decimal degrees, -180..180. */
  longitude: number;
  name?: string;
  address?: string;
}

/** Meta's contact card, camelCased. Only `name.formattedName` is required. */
export interface OutboundContactCard {
  name: {
    formattedName: string;
    firstName?: string;
    lastName?: string;
    middleName?: string;
    suffix?: string;
    prefix?: string;
  };
  addresses?: readonly {
    street?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
    countryCode?: string;
    /** HOME | WORK */
    type?: string;
  }[];
  /** YYYY-MM-DD */
  birthday?: string;
  emails?: readonly { email?: string; type?: string }[];
  org?: { company?: string; department?: string; title?: string };
  phones?: readonly { phone?: string; waId?: string; type?: string }[];
  urls?: readonly { url?: string; type?: string }[];
}

export interface OutboundContacts {
  type: 'contacts';
  contacts: readonly OutboundContactCard[];
}

export interface OutboundReaction {
  type: 'reaction';
  /** wamid of the message reacted to. */
  messageId: string;
  /** One emoji; "" removes an earlier reaction. */
  emoji: string;
}

// ---------------------------------------------------------------------------------------------
// Templates

export interface TemplateTextParameter {
  type: 'text';
  /** Header: ≤ 60 characters. Body: ≤ 1024 characters, or ≤ 32768 when body is the only component. */
  text: string;
  /** For templates created with named parameters ({{customer_name}}). */
  parameterName?: string;
}

export interface TemplateCurrencyParameter {
  type: 'currency';
  /** Shown when the client cannot localize the amount. */
  fallbackValue: string;
  /** ISO 4217 code, three upper-case letters. */
  code: string;
  /** The amount multiplied by 1000, an integer (100.99 USD → 100990). */
  amount1000: number;
  parameterName?: string;
}

export interface TemplateDateTimeParameter {
  type: 'date_time';
  fallbackValue: string;
  /** Deprecated by Meta (only fallbackValue is rendered) but still accepted; 1 = Monday … 7 = Sunday. */
  dayOfWeek?: number;
  year?: number;
  month?: number;
  dayOfMonth?: number;
  hour?: number;
  minute?: number;
  calendar?: 'GREGORIAN' | 'SOLAR_HIJRI';
  parameterName?: string;
}

export type TemplateMediaParameter =
  | ({ type: 'image' } & MediaSource)
  | ({ type: 'video' } & MediaSource)
  | ({ type: 'document'; filename?: string } & MediaSource);

/** A header has exactly one parameter: one text variable or one media item. */
export type TemplateHeaderParameter = TemplateTextParameter | TemplateMediaParameter;
export type TemplateBodyParameter = TemplateTextParameter | TemplateCurrencyParameter | TemplateDateTimeParameter;

export interface TemplateHeaderComponent {
  type: 'header';
  parameters: readonly TemplateHeaderParameter[];
}

export interface TemplateBodyComponent {
  type: 'body';
  parameters: readonly TemplateBodyParameter[];
}

/** `index` is the button's position in the template, 0–9. */
export interface TemplateQuickReplyButton {
  type: 'button';
  subType: 'quick_reply';
  index: number;
  /** Returned in the button webhook when the user taps it. */
  payload: string;
}

export interface TemplateUrlButton {
  type: 'button';
  subType: 'url';
  index: number;
  /** The variable suffix appended to the template's dynamic URL. */
  text: string;
}

export interface TemplateFlowButton {
  type: 'button';
  subType: 'flow';
  index: number;
  /** Meta's default when omitted: "unused". */
  flowToken?: string;
  /** Data for the first screen; a non-empty object when given. */
  flowActionData?: Record<string, unknown>;
}

export type TemplateButtonComponent = TemplateQuickReplyButton | TemplateUrlButton | TemplateFlowButton;
export type TemplateComponent = TemplateHeaderComponent | TemplateBodyComponent | TemplateButtonComponent;

export interface OutboundTemplate {
  type: 'template';
  /** The approved template's name. */
  name: string;
  /** Language and locale code the template was approved in: "en", "en_US", "pt_BR". */
  language: string;
  components?: readonly TemplateComponent[];
}

// ---------------------------------------------------------------------------------------------
// Interactive messages

export interface InteractiveTextHeader {
  type: 'text';
  /** ≤ 60 characters. */
  text: string;
}

export type InteractiveHeader =
  | InteractiveTextHeader
  | ({ type: 'image' } & MediaSource)
  | ({ type: 'video' } & MediaSource)
  | ({ type: 'document'; filename?: string } & MediaSource);

export interface ReplyButton {
  /** Returned in the button_reply webhook; ≤ 256 characters, no leading/trailing spaces, unique. */
  id: string;
  /** 1–20 characters, unique within the message. */
  title: string;
}

export interface OutboundInteractiveButtons {
  type: 'interactive_buttons';
  /** ≤ 1024 characters. */
  body: string;
  header?: InteractiveHeader;
  /** ≤ 60 characters. */
  footer?: string;
  /** 1–3 buttons. */
  buttons: readonly ReplyButton[];
}

export interface ListRow {
  /** ≤ 200 characters, unique across all sections. */
  id: string;
  /** ≤ 24 characters. */
  title: string;
  /** ≤ 72 characters. */
  description?: string;
}

export interface ListSection {
  /** ≤ 24 characters; required when the list has more than one section. */
  title?: string;
  rows: readonly ListRow[];
}

export interface OutboundInteractiveList {
  type: 'interactive_list';
  /** ≤ 4096 characters. */
  body: string;
  header?: InteractiveTextHeader;
  footer?: string;
  /** Label of the button that opens the list, 1–20 characters. */
  buttonText: string;
  /** 1–10 sections, at most 10 rows in total. */
  sections: readonly ListSection[];
}

export interface OutboundInteractiveCtaUrl {
  type: 'interactive_cta_url';
  /** ≤ 1024 characters. */
  body: string;
  header?: InteractiveHeader;
  footer?: string;
  /** Button label, 1–20 characters. */
  displayText: string;
  /** https:// URL opened by the button. */
  url: string;
}

export type FlowTarget = { flowId: string; flowName?: never } | { flowName: string; flowId?: never };

/**
 * navigate opens `screen` (default: the flow's first entry screen) with `data`; data_exchange asks
 * the flow endpoint for the first screen instead, so it takes neither.
 */
export type FlowStart =
  | { action?: 'navigate'; screen?: string; data?: Record<string, unknown> }
  | { action: 'data_exchange'; screen?: never; data?: never };

export type OutboundFlow = {
  type: 'flow';
  /** ≤ 1024 characters. */
  body: string;
  header?: InteractiveTextHeader;
  footer?: string;
  /** Sent back in every endpoint request and in the completion webhook; Meta's default is "unused". */
  flowToken?: string;
  /** Button label, 1–30 characters, no emoji. */
  cta: string;
  /** Meta's default: published. */
  mode?: 'draft' | 'published';
} & FlowTarget &
  FlowStart;

export type OutboundMessage =
  | OutboundText
  | OutboundMedia
  | OutboundLocation
  | OutboundContacts
  | OutboundReaction
  | OutboundTemplate
  | OutboundInteractiveButtons
  | OutboundInteractiveList
  | OutboundInteractiveCtaUrl
  | OutboundFlow;

export type OutboundMessageType = OutboundMessage['type'];

export interface MarkReadOptions {
  /** Also show the typing indicator (dismissed when you reply, or after 25 seconds). */
  typing?: boolean;
}
