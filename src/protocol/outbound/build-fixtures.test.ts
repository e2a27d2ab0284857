// buildMessage / buildMarkRead against Meta's own request bodies: each case builds the message from
// typed input and must equal the parsed fixture (toStrictEqual), and mostly in the same key order.
//
// Meta's samples hold placeholders. Those that are just strings ("<BUTTON_TEXT>", "{{flow-id}}")
// are passed through as input. Those the builders would rightly reject are replaced, in the parsed
// fixture copy only and by exact value, with a real value that is also given as input:
//   - the recipient ("{{Recipient-Phone-Number}}" …) → "16505551234" (input "+16505551234", which
//     also checks that the "+" is dropped);
//   - "language-and-locale-code" → "en_US"; "http(s)://…" links → https://example.com/…;
//   - "<LOCATION_LATITUDE>"/"<LOCATION_LONGITUDE>" → the coordinates of Meta's location example;
//   - "<CONTACT_BIRTHDAY>" → "1990-01-31"; "<EMOJI>" → "👍".
// Samples that leave out `recipient_type` (Meta's default "individual") get it added, since
// Flowgate always sends it. Every fixture file with a send or mark-read body is either a case here
// or listed in NOT_BUILT with the reason; a new file fails the suite until it is one or the other.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMarkRead, buildMessage } from './build.js';
import type { BuildOptions, OutboundMessage } from './types.js';

const FIXTURES = new URL('../../../../shared/protocol/fixtures/', import.meta.url);
const TO = '16505551234';
const RECIPIENTS = ['{{Recipient-Phone-Number}}', '{{customer-phone-number}}', '{{Recipient-WA-ID}}'];
const LANGUAGE = { 'language-and-locale-code': 'en_US' };
const IMAGE = 'https://example.com/image.jpg';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function substitute(value: Json, map: Readonly<Record<string, string>>): Json {
  if (typeof value === 'string') return Object.hasOwn(map, value) ? map[value]! : value;
  if (Array.isArray(value)) return value.map((item) => substitute(item, map));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, map)]));
  }
  return value;
}

function fixture(name: string, substitutions: Readonly<Record<string, string>> = {}): Record<string, Json> {
  const parsed = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, Json>;
  const map = { ...Object.fromEntries(RECIPIENTS.map((p) => [p, TO])), ...substitutions };
  return substitute(parsed, map) as Record<string, Json>;
}

/** Every key path in document order: equal lists mean equal key order. */
function keyOrder(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyOrder(item, `${prefix}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [`${prefix}.${key}`, ...keyOrder(item, `${prefix}.${key}`)]);
}

interface Case {
  message: OutboundMessage;
  options?: BuildOptions;
  substitutions?: Record<string, string>;
  /** The sample omits recipient_type. */
  addRecipientType?: true;
  /** exact: whole body; payload: all but the top level (the sample puts `to` first); none: see comment. */
  order?: 'exact' | 'payload' | 'none';
}

// ---------------------------------------------------------------------------------------------
// Reusable inputs

const listMessage: OutboundMessage = {
  type: 'interactive_list',
  header: { type: 'text', text: '<HEADER_TEXT>' },
  body: '<BODY_TEXT>',
  footer: '<FOOTER_TEXT>',
  buttonText: '<BUTTON_TEXT>',
  sections: [1, 2].map((s) => ({
    title: `<LIST_SECTION_${s}_TITLE>`,
    rows: [1, 2].map((r) => ({
      id: `<LIST_SECTION_${s}_ROW_${r}_ID>`,
      title: `<SECTION_${s}_ROW_${r}_TITLE>`,
      description: `<SECTION_${s}_ROW_${r}_DESC>`,
    })),
  })),
};

const replyButtons: OutboundMessage = {
  type: 'interactive_buttons',
  body: '<BUTTON_TEXT>',
  buttons: [
    { id: '<UNIQUE_BUTTON_ID_1>', title: '<BUTTON_TITLE_1>' },
    { id: '<UNIQUE_BUTTON_ID_2>', title: '<BUTTON_TITLE_2>' },
  ],
};

const flowData = { '<CUSTOM_KEY>': '<CUSTOM_VALUE>' };

function publishedFlow(target: { flowId: string } | { flowName: string }): OutboundMessage {
  return {
    type: 'flow',
    header: { type: 'text', text: '<HEADER_TEXT>' },
    body: '<BODY_TEXT>',
    footer: '<FOOTER_TEXT>',
    action: 'navigate',
    flowToken: '<FLOW_TOKEN>',
    ...target,
    cta: 'Open Flow!',
    screen: '<SCREEN_ID>',
    data: flowData,
  };
}

function draftFlow(target: { flowId: string } | { flowName: string }): OutboundMessage {
  const hidden = 'Not shown in draft mode';
  return {
    type: 'flow',
    header: { type: 'text', text: hidden },
    body: hidden,
    footer: hidden,
    flowToken: '<FLOW_TOKEN>',
    ...target,
    cta: hidden,
    mode: 'draft',
    screen: '<SCREEN_ID>',
    data: flowData,
  };
}

const bodyParameters = {
  type: 'body',
  parameters: [
    { type: 'text', text: 'text-string' },
    { type: 'currency', fallbackValue: '$100.99', code: 'USD', amount1000: 100990 },
    {
      type: 'date_time',
      fallbackValue: 'February 25, 1977',
      dayOfWeek: 5,
      year: 1977,
      month: 2,
      dayOfMonth: 25,
      hour: 15,
      minute: 33,
      calendar: 'GREGORIAN',
    },
  ],
} as const;

const imageHeader = { type: 'header', parameters: [{ type: 'image', link: IMAGE }] } as const;

const templateText: OutboundMessage = {
  type: 'template',
  name: 'template-name',
  language: 'en_US',
  components: [bodyParameters],
};
const templateMedia: OutboundMessage = { ...templateText, components: [imageHeader, bodyParameters] };
const templateInteractive: OutboundMessage = {
  ...templateText,
  components: [
    imageHeader,
    bodyParameters,
    { type: 'button', subType: 'quick_reply', index: 0, payload: 'aGlzIHRoaXMgaXMgY29v' },
    { type: 'button', subType: 'quick_reply', index: 1, payload: '9rwnB8RbYmPF5t2Mn09x4h' },
  ],
};
const templateFlowButton: OutboundMessage = {
  type: 'template',
  name: '<TEMPLATE_NAME>',
  language: 'en_US',
  components: [{ type: 'button', subType: 'flow', index: 0, flowToken: '<FLOW_TOKEN>', flowActionData: flowData }],
};
const helloWorld: OutboundMessage = { type: 'template', name: 'hello_world', language: 'en_US' };

const contactCard: OutboundMessage = {
  type: 'contacts',
  contacts: [
    {
      addresses: [
        {
          street: '<ADDRESS_STREET>',
          city: '<ADDRESS_CITY>',
          state: '<ADDRESS_STATE>',
          zip: '<ADDRESS_ZIP>',
          country: '<ADDRESS_COUNTRY>',
          countryCode: '<ADDRESS_COUNTRY_CODE>',
          type: '<HOME|WORK>',
        },
      ],
      birthday: '1990-01-31',
      emails: [{ email: '<CONTACT_EMAIL>', type: '<WORK|HOME>' }],
      name: {
        formattedName: '<CONTACT_FORMATTED_NAME>',
        firstName: '<CONTACT_FIRST_NAME>',
        lastName: '<CONTACT_LAST_NAME>',
        middleName: '<CONTACT_MIDDLE_NAME>',
        suffix: '<CONTACT_SUFFIX>',
        prefix: '<CONTACT_PREFIX>',
      },
      org: { company: '<CONTACT_ORG_COMPANY>', department: '<CONTACT_ORG_DEPARTMENT>', title: '<CONTACT_ORG_TITLE>' },
      phones: [{ phone: '<CONTACT_PHONE>', waId: '<CONTACT_WA_ID>', type: '<HOME|WORK>' }],
      urls: [{ url: '<CONTACT_URL>', type: '<HOME|WORK>' }],
    },
  ],
};

const location: OutboundMessage = {
  type: 'location',
  latitude: 37.44216251868683,
  longitude: -122.16153582049394,
  name: '<LOCATION_NAME>',
  address: '<LOCATION_ADDRESS>',
};
const LOCATION = { '<LOCATION_LATITUDE>': '37.44216251868683', '<LOCATION_LONGITUDE>': '-122.16153582049394' };

const text: OutboundMessage = { type: 'text', body: 'text-message-content' };
const AUDIO = 'https://example.com/audio.ogg';
const DOCUMENT = 'https://example.com/document.pdf';
const STICKER = 'https://example.com/sticker.webp';
const VIDEO = 'https://example.com/video.mp4';
const byUrl = {
  'http(s)://audio-url': AUDIO,
  'http(s)://image-url': IMAGE,
  '<http(s)://document-url>': DOCUMENT,
  '<http(s)://sticker-url>': STICKER,
  '<http(s)://video-url>': VIDEO,
};

const media = {
  audioById: { type: 'audio', mediaId: '<AUDIO_OBJECT_ID>' },
  audioByUrl: { type: 'audio', link: AUDIO },
  imageById: { type: 'image', mediaId: '<IMAGE_OBJECT_ID>' },
  imageByUrl: { type: 'image', link: IMAGE },
  documentById: {
    type: 'document',
    mediaId: '<DOCUMENT_OBJECT_ID>',
    caption: '<DOCUMENT_CAPTION_TO_SEND>',
    filename: '<DOCUMENT_FILENAME>',
  },
  documentByUrl: { type: 'document', link: DOCUMENT, caption: '<DOCUMENT_CAPTION_TEXT>' },
  stickerById: { type: 'sticker', mediaId: '<MEDIA_OBJECT_ID>' },
  stickerByUrl: { type: 'sticker', link: STICKER },
  videoById: { type: 'video', mediaId: '<VIDEO_OBJECT_ID>', caption: '<VIDEO_CAPTION_TEXT>' },
  videoByUrl: { type: 'video', link: VIDEO, caption: '<VIDEO_CAPTION_TEXT>' },
} satisfies Record<string, OutboundMessage>;

const reply = (replyTo: string): BuildOptions => ({ replyTo });
const PREV = '<MSGID_OF_PREV_MSG>';
const REPLYING = '<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>';

const GA = 'graph_api/';
const PM = 'meta_postman/cloudapi__';

const SEND_CASES: Record<string, Case> = {
  [`${GA}messages_send_text__request.json`]: { message: text },
  [`${GA}messages_send_interactive_reply_buttons__request.json`]: { message: replyButtons },
  [`${GA}messages_send_interactive_list__request.json`]: { message: listMessage },
  [`${GA}messages_send_interactive_flow_published_by_id_navigate__request.json`]: {
    message: publishedFlow({ flowId: '{{flow-id}}' }),
    order: 'payload',
  },
  [`${GA}messages_send_interactive_flow_draft_by_name__request.json`]: {
    message: draftFlow({ flowName: '{{flow-name}}' }),
    order: 'payload',
  },
  [`${GA}messages_send_template_text_currency_datetime__request.json`]: {
    message: templateText,
    substitutions: LANGUAGE,
  },
  [`${GA}messages_send_template_media__request.json`]: {
    message: templateMedia,
    substitutions: { ...LANGUAGE, 'http(s)://the-image-url': IMAGE },
  },
  [`${GA}messages_send_template_interactive__request.json`]: {
    message: templateInteractive,
    substitutions: { ...LANGUAGE, 'http(s)://the-image-url': IMAGE },
  },
  [`${GA}messages_send_template_with_flow_button__request.json`]: {
    message: templateFlowButton,
    addRecipientType: true,
  },

  [`${PM}messages_send_text_message__request.json`]: { message: text },
  [`${PM}messages_send_reply_to_text_message__request.json`]: {
    message: { type: 'text', body: '<TEXT_MSG_CONTENT>' },
    options: reply(PREV),
  },
  [`${PM}messages_send_reply_button__request.json`]: { message: replyButtons },
  [`${PM}messages_send_list_message__request.json`]: { message: listMessage },
  [`${PM}messages_send_reply_to_list_message__request.json`]: { message: listMessage, options: reply(PREV) },
  [`${PM}messages_send_location_message__request.json`]: { message: location, substitutions: LOCATION },
  [`${PM}messages_send_reply_to_location_message__request.json`]: {
    message: location,
    options: reply(PREV),
    substitutions: LOCATION,
  },
  [`${PM}messages_send_contact_message__request.json`]: {
    message: contactCard,
    substitutions: { '<CONTACT_BIRTHDAY>': '1990-01-31' },
    addRecipientType: true,
  },
  [`${PM}messages_send_reply_to_contact_message__request.json`]: {
    message: contactCard,
    options: reply(PREV),
    substitutions: { '<CONTACT_BIRTHDAY>': '1990-01-31' },
    addRecipientType: true,
  },
  [`${PM}messages_send_reply_with_reaction_message__request.json`]: {
    message: { type: 'reaction', messageId: '<WAM_ID>', emoji: '👍' },
    substitutions: { '<EMOJI>': '👍' },
  },
  [`${PM}messages_send_audio_message_by_id__request.json`]: { message: media.audioById },
  [`${PM}messages_send_audio_message_by_url__request.json`]: { message: media.audioByUrl, substitutions: byUrl },
  [`${PM}messages_send_image_message_by_id__request.json`]: { message: media.imageById },
  [`${PM}messages_send_image_message_by_url__request.json`]: { message: media.imageByUrl, substitutions: byUrl },
  [`${PM}messages_send_document_message_by_id__request.json`]: { message: media.documentById },
  [`${PM}messages_send_document_message_by_url__request.json`]: {
    message: media.documentByUrl,
    substitutions: byUrl,
  },
  [`${PM}messages_send_sticker_message_by_id__request.json`]: { message: media.stickerById },
  [`${PM}messages_send_sticker_message_by_url__request.json`]: { message: media.stickerByUrl, substitutions: byUrl },
  // Meta's sample writes caption before id; key order carries no meaning in JSON.
  [`${PM}messages_send_video_message_by_id__request.json`]: { message: media.videoById, order: 'none' },
  [`${PM}messages_send_video_message_by_url__request.json`]: { message: media.videoByUrl, substitutions: byUrl },
  [`${PM}messages_send_reply_to_audio_message_by_id__request.json`]: {
    message: media.audioById,
    options: reply(REPLYING),
  },
  [`${PM}messages_send_reply_to_audio_message_by_url__request.json`]: {
    message: media.audioByUrl,
    options: reply(REPLYING),
    substitutions: byUrl,
  },
  [`${PM}messages_send_reply_to_image_message_by_id__request.json`]: { message: media.imageById, options: reply(PREV) },
  [`${PM}messages_send_reply_to_image_message_by_url__request.json`]: {
    message: media.imageByUrl,
    options: reply(PREV),
    substitutions: byUrl,
  },
  [`${PM}messages_send_reply_to_document_message_by_id__request.json`]: {
    message: media.documentById,
    options: reply(REPLYING),
  },
  [`${PM}messages_send_reply_to_document_message_by_url__request.json`]: {
    message: media.documentByUrl,
    options: reply(REPLYING),
    substitutions: byUrl,
  },
  [`${PM}messages_send_reply_to_sticker_message_by_id__request.json`]: {
    message: media.stickerById,
    options: reply(REPLYING),
  },
  [`${PM}messages_send_reply_to_sticker_message_by_url__request.json`]: {
    message: media.stickerByUrl,
    options: reply(REPLYING),
    substitutions: byUrl,
  },
  [`${PM}messages_send_reply_to_video_message_by_id__request.json`]: {
    message: media.videoById,
    options: reply(REPLYING),
    order: 'none',
  },
  [`${PM}messages_send_reply_to_video_message_by_url__request.json`]: {
    message: media.videoByUrl,
    options: reply(REPLYING),
    substitutions: byUrl,
  },
  [`${PM}messages_send_message_template_text__request.json`]: { message: templateText, substitutions: LANGUAGE },
  [`${PM}messages_send_message_template_media__request.json`]: {
    message: templateMedia,
    substitutions: { ...LANGUAGE, 'http(s)://the-image-url': IMAGE },
  },
  [`${PM}messages_send_message_template_interactive__request.json`]: {
    message: templateInteractive,
    substitutions: { ...LANGUAGE, 'http(s)://the-image-url': IMAGE },
  },
  [`${PM}get_started_send_test_message__request.json`]: { message: helloWorld, addRecipientType: true },
  [`${PM}examples_send_sample_text_message__request.json`]: { message: helloWorld, addRecipientType: true },
  [`${PM}flows_send_flow_send_published_flow_by_id__request.json`]: {
    message: publishedFlow({ flowId: '{{Flow-ID}}' }),
    order: 'payload',
  },
  [`${PM}flows_send_flow_send_published_flow_by_name__request.json`]: {
    message: publishedFlow({ flowName: '{{Flow-Name}}' }),
    order: 'payload',
  },
  [`${PM}flows_send_flow_send_draft_flow_by_id__request.json`]: {
    message: draftFlow({ flowId: '{{Flow-ID}}' }),
    order: 'payload',
  },
  [`${PM}flows_send_flow_send_draft_flow_by_name__request.json`]: {
    message: draftFlow({ flowName: '{{Flow-Name}}' }),
    order: 'payload',
  },
  [`${PM}flows_send_flow_send_flow_template_message__request.json`]: {
    message: templateFlowButton,
    addRecipientType: true,
  },
};

const MARK_READ_CASES: Record<string, { messageId: string; typing?: boolean }> = {
  [`${GA}messages_mark_as_read__request.json`]: { messageId: '<INCOMING_MSG_ID>' },
  [`${GA}messages_read_receipt_with_typing_indicator__request.json`]: {
    messageId: '<WHATSAPP_MESSAGE_ID>',
    typing: true,
  },
  [`${PM}messages_mark_message_as_read__request.json`]: { messageId: '<INCOMING_MSG_ID>' },
};

/** Send bodies of kinds or fields the builders do not produce (yet). */
const NOT_BUILT: Record<string, string> = {
  [`${PM}messages_send_catalog_message__request.json`]: 'catalog_message interactive',
  [`${PM}messages_send_catalog_template_message__request.json`]: 'CATALOG template button',
  [`${PM}messages_send_single_product_message__request.json`]: 'product interactive',
  [`${PM}messages_send_multi_product_message__request.json`]: 'product_list interactive',
  [`${PM}examples_send_sample_issue_resolution_template__request.json`]:
    'quick_reply buttons with text parameters and language.policy',
  [`${PM}examples_send_sample_shipping_confirmation_template__request.json`]: 'language.policy',
  [`${PM}messages_send_text_message_with_preview_url__request.json`]:
    'sample omits type and recipient_type; its text object is checked below',
};

function listSendFixtures(): string[] {
  const graph = readdirSync(new URL(GA, FIXTURES))
    .filter((f) => /^messages_.*__request\.json$/.test(f))
    .map((f) => `${GA}${f}`);
  const postman = readdirSync(new URL('meta_postman/', FIXTURES))
    .filter((f) =>
      /^cloudapi__(messages_|examples_send_|get_started_send_|flows_send_flow_send_).*__request\.json$/.test(f),
    )
    .map((f) => `meta_postman/${f}`);
  return [...graph, ...postman].sort();
}

describe('outbound builders reproduce Meta request bodies', () => {
  it('covers every send and mark-read fixture, or says why not', () => {
    const known = new Set([...Object.keys(SEND_CASES), ...Object.keys(MARK_READ_CASES), ...Object.keys(NOT_BUILT)]);
    const files = listSendFixtures();
    expect(files.filter((f) => !known.has(f))).toStrictEqual([]);
    expect([...known].filter((f) => !files.includes(f))).toStrictEqual([]);
  });

  it.each(Object.entries(SEND_CASES))('%s', (file, c) => {
    let expected = fixture(file, c.substitutions);
    if (c.addRecipientType === true) {
      expect(expected).not.toHaveProperty('recipient_type');
      const { messaging_product: product, ...rest } = expected;
      expect(product).toBe('whatsapp');
      expected = { messaging_product: 'whatsapp', recipient_type: 'individual', ...rest };
    }
    const built = buildMessage(`+${TO}`, c.message, c.options);
    expect(built).toStrictEqual(expected);
    const order = c.order ?? 'exact';
    if (order === 'exact') expect(keyOrder(built)).toStrictEqual(keyOrder(expected));
    if (order === 'payload') {
      const type = built.type;
      expect(keyOrder(built[type as keyof typeof built])).toStrictEqual(keyOrder(expected[type]));
    }
  });

  it.each(Object.entries(MARK_READ_CASES))('%s', (file, c) => {
    const expected = fixture(file);
    const built = buildMarkRead(c.messageId, c.typing === undefined ? {} : { typing: c.typing });
    expect(built).toStrictEqual(expected);
    expect(keyOrder(built)).toStrictEqual(keyOrder(expected));
  });

  it('text with preview_url matches the text object of Meta’s preview sample', () => {
    const expected = fixture(`${PM}messages_send_text_message_with_preview_url__request.json`);
    const body = 'Please visit https://youtu.be/hpltvTEiRrY to inspire your day!';
    const built = buildMessage(TO, { type: 'text', body, previewUrl: true });
    expect(built).toMatchObject({ messaging_product: 'whatsapp', to: expected.to, type: 'text' });
    expect('text' in built && built.text).toStrictEqual(expected.text);
  });
});
