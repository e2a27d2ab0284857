// Wire types of outbound requests: the JSON bodies of `POST /<PHONE_NUMBER_ID>/messages` exactly
// as Meta documents them (snake_case, SPEC D.2). Optional keys are omitted, never set to undefined.
// Named WireOutbound* so they sit beside the webhook Wire* types without clashing.

export interface WireOutboundContext {
  message_id: string;
}

/** Keys every send body carries, in the order Meta's samples write them. */
export interface WireOutboundEnvelope {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  /** Digits only, no "+". */
  to: string;
  context?: WireOutboundContext;
  biz_opaque_callback_data?: string;
}

export interface WireOutboundText {
  preview_url: boolean;
  body: string;
}

/** One of id / link is present. */
export interface WireOutboundMedia {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}

export interface WireOutboundLocation {
  /** Decimal degrees as a string, as in Meta's examples ("37.44216251868683"). */
  latitude: string;
  longitude: string;
  name?: string;
  address?: string;
}

export interface WireOutboundContactCard {
  addresses?: {
    street?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
    country_code?: string;
    type?: string;
  }[];
  birthday?: string;
  emails?: { email?: string; type?: string }[];
  name: {
    formatted_name: string;
    first_name?: string;
    last_name?: string;
    middle_name?: string;
    suffix?: string;
    prefix?: string;
  };
  org?: { company?: string; department?: string; title?: string };
  phones?: { phone?: string; wa_id?: string; type?: string }[];
  urls?: { url?: string; type?: string }[];
}

export interface WireOutboundReaction {
  message_id: string;
  emoji: string;
}

// ---------------------------------------------------------------------------------------------
// Templates

export interface WireTemplateCurrency {
  fallback_value: string;
  code: string;
  amount_1000: number;
}

/** Only fallback_value is rendered today; the other fields are deprecated but accepted. */
export interface WireTemplateDateTime {
  fallback_value: string;
  day_of_week?: number;
  year?: number;
  month?: number;
  day_of_month?: number;
  hour?: number;
  minute?: number;
  calendar?: string;
}

export type WireTemplateParameter =
  | { type: 'text'; parameter_name?: string; text: string }
  | { type: 'currency'; parameter_name?: string; currency: WireTemplateCurrency }
  | { type: 'date_time'; parameter_name?: string; date_time: WireTemplateDateTime }
  | { type: 'image'; image: WireOutboundMedia }
  | { type: 'video'; video: WireOutboundMedia }
  | { type: 'document'; document: WireOutboundMedia }
  | { type: 'payload'; payload: string }
  | { type: 'action'; action: { flow_token?: string; flow_action_data?: Record<string, unknown> } };

export type WireTemplateComponent =
  | { type: 'header' | 'body'; parameters: WireTemplateParameter[] }
  | {
      type: 'button';
      sub_type: 'quick_reply' | 'url' | 'flow';
      /** The button's position as a string ("0"), as in Meta's samples. */
      index: string;
      parameters: WireTemplateParameter[];
    };

export interface WireOutboundTemplate {
  name: string;
  language: { code: string };
  components?: WireTemplateComponent[];
}

// ---------------------------------------------------------------------------------------------
// Interactive messages

export type WireInteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: WireOutboundMedia }
  | { type: 'video'; video: WireOutboundMedia }
  | { type: 'document'; document: WireOutboundMedia };

export interface WireInteractiveText {
  text: string;
}

export interface WireInteractiveButtons {
  type: 'button';
  header?: WireInteractiveHeader;
  body: WireInteractiveText;
  footer?: WireInteractiveText;
  action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] };
}

export interface WireInteractiveList {
  type: 'list';
  header?: WireInteractiveHeader;
  body: WireInteractiveText;
  footer?: WireInteractiveText;
  action: {
    button: string;
    sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
  };
}

export interface WireInteractiveCtaUrl {
  type: 'cta_url';
  header?: WireInteractiveHeader;
  body: WireInteractiveText;
  footer?: WireInteractiveText;
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}

export interface WireFlowParameters {
  flow_message_version: '3';
  flow_action: 'navigate' | 'data_exchange';
  flow_token?: string;
  flow_id?: string;
  flow_name?: string;
  flow_cta: string;
  mode?: 'draft' | 'published';
  flow_action_payload?: { screen?: string; data?: Record<string, unknown> };
}

export interface WireInteractiveFlow {
  type: 'flow';
  header?: WireInteractiveHeader;
  body: WireInteractiveText;
  footer?: WireInteractiveText;
  action: { name: 'flow'; parameters: WireFlowParameters };
}

export type WireOutboundInteractive =
  WireInteractiveButtons | WireInteractiveList | WireInteractiveCtaUrl | WireInteractiveFlow;

// ---------------------------------------------------------------------------------------------
// Whole bodies

/** `type` plus the object named by it. */
export type WireOutboundPayload =
  | { type: 'text'; text: WireOutboundText }
  | { type: 'image'; image: WireOutboundMedia }
  | { type: 'video'; video: WireOutboundMedia }
  | { type: 'document'; document: WireOutboundMedia }
  | { type: 'audio'; audio: WireOutboundMedia }
  | { type: 'sticker'; sticker: WireOutboundMedia }
  | { type: 'location'; location: WireOutboundLocation }
  | { type: 'contacts'; contacts: WireOutboundContactCard[] }
  | { type: 'reaction'; reaction: WireOutboundReaction }
  | { type: 'template'; template: WireOutboundTemplate }
  | { type: 'interactive'; interactive: WireOutboundInteractive };

/** Body of `POST /<PHONE_NUMBER_ID>/messages` that sends a message. */
export type WireOutboundMessage = WireOutboundEnvelope & WireOutboundPayload;

/** Body of `POST /<PHONE_NUMBER_ID>/messages` that marks an incoming message as read. */
export interface WireMarkRead {
  messaging_product: 'whatsapp';
  status: 'read';
  message_id: string;
  typing_indicator?: { type: 'text' };
}
