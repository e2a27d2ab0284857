// Messages Meta would reject: one row per rule, each asserting the wire path and the exact message
// of the MessageValidationError thrown before any request is made. Inputs the types already forbid
// go through `untyped`, standing for callers that reach the builders through JSON.

import { describe, expect, it } from 'vitest';
import { buildMarkRead, buildMessage } from './build.js';
import { MessageValidationError } from './errors.js';
import type { BuildOptions, OutboundMessage, TemplateComponent } from './types.js';
import { thrown } from '../thrown.test-util.js';

const TO = '16505551234';

function untyped(value: unknown): OutboundMessage {
  return value as OutboundMessage;
}

function buttons(count: number): { id: string; title: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: `b${i}`, title: `Button ${i}` }));
}

function rows(prefix: string, count: number): { id: string; title: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${prefix}${i}` }));
}

const flow = { type: 'flow', body: 'Book a table', cta: 'Book', flowId: '1234567890' } as const;

function template(...components: unknown[]): OutboundMessage {
  return untyped({ type: 'template', name: 'order_update', language: 'en_US', components });
}

const body = (...parameters: unknown[]): unknown => ({ type: 'body', parameters });

interface Row {
  message: OutboundMessage;
  to?: string;
  options?: BuildOptions;
  path: string;
  error: string;
}

const ROWS: Record<string, Row> = {
  // text
  'text too long': {
    message: { type: 'text', body: 'x'.repeat(4097) },
    path: 'text.body',
    error: 'text.body: at most 4096 characters (got 4097)',
  },
  'empty text': { message: { type: 'text', body: '' }, path: 'text.body', error: 'text.body: must not be empty' },
  'text body not a string': {
    message: untyped({ type: 'text', body: 42 }),
    path: 'text.body',
    error: 'text.body: must be a string (got 42)',
  },
  'preview_url not a boolean': {
    message: untyped({ type: 'text', body: 'hi', previewUrl: 'yes' }),
    path: 'text.preview_url',
    error: 'text.preview_url: must be true or false (got "yes")',
  },

  // recipient and options
  'to too short': {
    message: { type: 'text', body: 'hi' },
    to: '123456',
    path: 'to',
    error: 'to: must be a phone number in E.164 form, 7–15 digits with an optional leading "+" (got "123456")',
  },
  'to too long': {
    message: { type: 'text', body: 'hi' },
    to: '+1234567890123456',
    path: 'to',
    error:
      'to: must be a phone number in E.164 form, 7–15 digits with an optional leading "+" (got "+1234567890123456")',
  },
  'to with spaces': {
    message: { type: 'text', body: 'hi' },
    to: '+1 650 555 1234',
    path: 'to',
    error: 'to: must be a phone number in E.164 form, 7–15 digits with an optional leading "+" (got "+1 650 555 1234")',
  },
  'to with a leading zero': {
    message: { type: 'text', body: 'hi' },
    to: '06505551234',
    path: 'to',
    error: 'to: must be a phone number in E.164 form, 7–15 digits with an optional leading "+" (got "06505551234")',
  },
  'to placeholder': {
    message: { type: 'text', body: 'hi' },
    to: '{{Recipient-Phone-Number}}',
    path: 'to',
    error:
      'to: must be a phone number in E.164 form, 7–15 digits with an optional leading "+" (got "{{Recipient-Phone-Number}}")',
  },
  'empty replyTo': {
    message: { type: 'text', body: 'hi' },
    options: { replyTo: '' },
    path: 'context.message_id',
    error: 'context.message_id: must not be empty',
  },
  'reaction sent as a reply': {
    message: { type: 'reaction', messageId: 'wamid.A', emoji: '👍' },
    options: { replyTo: 'wamid.B' },
    path: 'context',
    error: 'context: a reaction cannot be sent as a reply; reaction.message_id already names the message',
  },
  'biz_opaque_callback_data too long': {
    message: { type: 'text', body: 'hi' },
    options: { bizOpaqueCallbackData: 'x'.repeat(513) },
    path: 'biz_opaque_callback_data',
    error: 'biz_opaque_callback_data: at most 512 characters (got 513)',
  },
  'unsupported type': {
    message: untyped({ type: 'poll', question: '?' }),
    path: 'type',
    error: 'type: unsupported message type "poll"',
  },

  // media
  'link not https': {
    message: { type: 'image', link: 'http://example.com/a.jpg' },
    path: 'image.link',
    error: 'image.link: must be an https:// URL (got "http://example.com/a.jpg")',
  },
  'link not a URL': {
    message: { type: 'video', link: 'example.com/a.mp4' },
    path: 'video.link',
    error: 'video.link: must be an https:// URL (got "example.com/a.mp4")',
  },
  'both mediaId and link': {
    message: untyped({ type: 'image', mediaId: '123', link: 'https://example.com/a.jpg' }),
    path: 'image',
    error: 'image: give either mediaId or link, not both',
  },
  'neither mediaId nor link': {
    message: untyped({ type: 'sticker' }),
    path: 'sticker',
    error: 'sticker: needs a mediaId or a link',
  },
  'caption on audio': {
    message: untyped({ type: 'audio', mediaId: '123', caption: 'listen' }),
    path: 'audio.caption',
    error: 'audio.caption: captions are allowed only on image, video and document messages, not audio',
  },
  'caption on sticker': {
    message: untyped({ type: 'sticker', mediaId: '123', caption: 'hi' }),
    path: 'sticker.caption',
    error: 'sticker.caption: captions are allowed only on image, video and document messages, not sticker',
  },
  'filename on image': {
    message: untyped({ type: 'image', mediaId: '123', filename: 'a.jpg' }),
    path: 'image.filename',
    error: 'image.filename: a file name is allowed only on document messages, not image',
  },
  'caption too long': {
    message: { type: 'document', mediaId: '123', caption: 'c'.repeat(1025) },
    path: 'document.caption',
    error: 'document.caption: at most 1024 characters (got 1025)',
  },

  // location, contacts, reaction
  'latitude out of range': {
    message: { type: 'location', latitude: 91, longitude: 0 },
    path: 'location.latitude',
    error: 'location.latitude: must be between -90 and 90 (got 91)',
  },
  'longitude not a number': {
    message: { type: 'location', latitude: 0, longitude: Number.NaN },
    path: 'location.longitude',
    error: 'location.longitude: must be a number (got NaN)',
  },
  'no contacts': {
    message: { type: 'contacts', contacts: [] },
    path: 'contacts',
    error: 'contacts: at least 1 contacts (got 0)',
  },
  'contact without formatted_name': {
    message: untyped({ type: 'contacts', contacts: [{ name: { firstName: 'Ada' } }] }),
    path: 'contacts[0].name.formatted_name',
    error: 'contacts[0].name.formatted_name: is required',
  },
  'contact with formatted_name only': {
    message: { type: 'contacts', contacts: [{ name: { formattedName: 'Ada Lovelace' } }] },
    path: 'contacts[0].name',
    error:
      'contacts[0].name: besides formatted_name, give at least one of first_name, last_name, middle_name, suffix, prefix',
  },
  'contact birthday not YYYY-MM-DD': {
    message: {
      type: 'contacts',
      contacts: [{ name: { formattedName: 'Ada Lovelace', firstName: 'Ada' }, birthday: '10/12/1815' }],
    },
    path: 'contacts[0].birthday',
    error: 'contacts[0].birthday: must be a date in YYYY-MM-DD form (got "10/12/1815")',
  },
  'reaction that is not an emoji': {
    message: { type: 'reaction', messageId: 'wamid.A', emoji: 'ok' },
    path: 'reaction.emoji',
    error: 'reaction.emoji: must be a single emoji, or "" to remove the reaction (got "ok")',
  },
  'reaction with two emoji': {
    message: { type: 'reaction', messageId: 'wamid.A', emoji: '👍👍' },
    path: 'reaction.emoji',
    error: 'reaction.emoji: must be a single emoji, or "" to remove the reaction (got "👍👍")',
  },
  'reaction without message id': {
    message: { type: 'reaction', messageId: '', emoji: '👍' },
    path: 'reaction.message_id',
    error: 'reaction.message_id: must not be empty',
  },

  // reply buttons
  '4 reply buttons': {
    message: { type: 'interactive_buttons', body: 'Pick one', buttons: buttons(4) },
    path: 'interactive.action.buttons[3]',
    error: 'interactive.action.buttons: at most 3 reply buttons (got 4)',
  },
  'no reply buttons': {
    message: { type: 'interactive_buttons', body: 'Pick one', buttons: [] },
    path: 'interactive.action.buttons',
    error: 'interactive.action.buttons: at least 1 reply buttons (got 0)',
  },
  'duplicate button titles': {
    message: {
      type: 'interactive_buttons',
      body: 'Pick one',
      buttons: [
        { id: 'yes-1', title: 'Yes' },
        { id: 'yes-2', title: 'Yes' },
      ],
    },
    path: 'interactive.action.buttons[1].reply.title',
    error: 'interactive.action.buttons[1].reply.title: duplicate button title "Yes" (must be unique)',
  },
  'duplicate button ids': {
    message: {
      type: 'interactive_buttons',
      body: 'Pick one',
      buttons: [
        { id: 'same', title: 'Yes' },
        { id: 'same', title: 'No' },
      ],
    },
    path: 'interactive.action.buttons[1].reply.id',
    error: 'interactive.action.buttons[1].reply.id: duplicate button id "same" (must be unique)',
  },
  'button title too long': {
    message: { type: 'interactive_buttons', body: 'Pick one', buttons: [{ id: 'a', title: 't'.repeat(21) }] },
    path: 'interactive.action.buttons[0].reply.title',
    error: 'interactive.action.buttons[0].reply.title: at most 20 characters (got 21)',
  },
  'button id with a trailing space': {
    message: { type: 'interactive_buttons', body: 'Pick one', buttons: [{ id: 'yes ', title: 'Yes' }] },
    path: 'interactive.action.buttons[0].reply.id',
    error: 'interactive.action.buttons[0].reply.id: must not start or end with spaces',
  },
  'buttons body too long': {
    message: { type: 'interactive_buttons', body: 'b'.repeat(1025), buttons: buttons(1) },
    path: 'interactive.body.text',
    error: 'interactive.body.text: at most 1024 characters (got 1025)',
  },
  'header text too long': {
    message: {
      type: 'interactive_buttons',
      header: { type: 'text', text: 'h'.repeat(61) },
      body: 'Pick one',
      buttons: buttons(1),
    },
    path: 'interactive.header.text',
    error: 'interactive.header.text: at most 60 characters (got 61)',
  },
  'footer too long': {
    message: { type: 'interactive_buttons', body: 'Pick one', footer: 'f'.repeat(61), buttons: buttons(1) },
    path: 'interactive.footer.text',
    error: 'interactive.footer.text: at most 60 characters (got 61)',
  },
  'header of unknown type': {
    message: untyped({ type: 'interactive_buttons', header: { type: 'gif' }, body: 'Pick one', buttons: buttons(1) }),
    path: 'interactive.header.type',
    error: 'interactive.header.type: must be "text", "image", "video" or "document" (got "gif")',
  },

  // lists
  '11 rows in total': {
    message: {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: [
        { title: 'A', rows: rows('a', 6) },
        { title: 'B', rows: rows('b', 5) },
      ],
    },
    path: 'interactive.action.sections[1].rows[4]',
    error: 'interactive.action.sections: at most 10 rows in total (got 11)',
  },
  'missing section title with 2 sections': {
    message: {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: [{ rows: rows('a', 1) }, { title: 'B', rows: rows('b', 1) }],
    },
    path: 'interactive.action.sections[0].title',
    error: 'interactive.action.sections[0].title: required when the list has more than one section (it has 2)',
  },
  '11 sections': {
    message: {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(`s${i}-`, 1) })),
    },
    path: 'interactive.action.sections[10]',
    error: 'interactive.action.sections: at most 10 sections (got 11)',
  },
  'section without rows': {
    message: { type: 'interactive_list', body: 'Menu', buttonText: 'Open', sections: [{ title: 'A', rows: [] }] },
    path: 'interactive.action.sections[0].rows',
    error: 'interactive.action.sections[0].rows: at least 1 rows (got 0)',
  },
  'duplicate row ids across sections': {
    message: {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: [
        { title: 'A', rows: [{ id: 'x', title: 'One' }] },
        { title: 'B', rows: [{ id: 'x', title: 'Two' }] },
      ],
    },
    path: 'interactive.action.sections[1].rows[0].id',
    error: 'interactive.action.sections[1].rows[0].id: duplicate row id "x" (must be unique)',
  },
  'row description too long': {
    message: {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: [{ rows: [{ id: 'x', title: 'One', description: 'd'.repeat(73) }] }],
    },
    path: 'interactive.action.sections[0].rows[0].description',
    error: 'interactive.action.sections[0].rows[0].description: at most 72 characters (got 73)',
  },
  'section title too long': {
    message: {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: [{ title: 's'.repeat(25), rows: rows('a', 1) }],
    },
    path: 'interactive.action.sections[0].title',
    error: 'interactive.action.sections[0].title: at most 24 characters (got 25)',
  },
  'list button text too long': {
    message: { type: 'interactive_list', body: 'Menu', buttonText: 'b'.repeat(21), sections: [{ rows: rows('a', 1) }] },
    path: 'interactive.action.button',
    error: 'interactive.action.button: at most 20 characters (got 21)',
  },
  'list with an image header': {
    message: untyped({
      type: 'interactive_list',
      header: { type: 'image', link: 'https://example.com/a.jpg' },
      body: 'Menu',
      buttonText: 'Open',
      sections: [{ rows: rows('a', 1) }],
    }),
    path: 'interactive.header.type',
    error: 'interactive.header.type: this message takes only a text header (got "image")',
  },

  // CTA URL
  'cta_url with an http link': {
    message: { type: 'interactive_cta_url', body: 'Docs', displayText: 'Open', url: 'http://example.com' },
    path: 'interactive.action.parameters.url',
    error: 'interactive.action.parameters.url: must be an https:// URL (got "http://example.com")',
  },
  'cta_url display text too long': {
    message: { type: 'interactive_cta_url', body: 'Docs', displayText: 'd'.repeat(21), url: 'https://example.com' },
    path: 'interactive.action.parameters.display_text',
    error: 'interactive.action.parameters.display_text: at most 20 characters (got 21)',
  },

  // Flows
  'both flowId and flowName': {
    message: untyped({ ...flow, flowName: 'booking' }),
    path: 'interactive.action.parameters',
    error: 'interactive.action.parameters: give exactly one of flowId or flowName, not both',
  },
  'neither flowId nor flowName': {
    message: untyped({ type: 'flow', body: 'Book a table', cta: 'Book' }),
    path: 'interactive.action.parameters',
    error: 'interactive.action.parameters: needs a flowId or a flowName',
  },
  'payload with data_exchange': {
    message: untyped({ ...flow, action: 'data_exchange', screen: 'WELCOME', data: { a: 1 } }),
    path: 'interactive.action.parameters.flow_action_payload',
    error:
      'interactive.action.parameters.flow_action_payload: screen and data are allowed only with flow_action "navigate"; with "data_exchange" your endpoint returns the first screen',
  },
  'empty data': {
    message: { ...flow, screen: 'WELCOME', data: {} },
    path: 'interactive.action.parameters.flow_action_payload.data',
    error: 'interactive.action.parameters.flow_action_payload.data: must be a non-empty object (got an object)',
  },
  'data given as a string': {
    message: untyped({ ...flow, screen: 'WELCOME', data: '{"a":1}' }),
    path: 'interactive.action.parameters.flow_action_payload.data',
    error: 'interactive.action.parameters.flow_action_payload.data: must be a non-empty object (got "{\\"a\\":1}")',
  },
  'data without a screen': {
    message: { ...flow, data: { a: 1 } },
    path: 'interactive.action.parameters.flow_action_payload.screen',
    error:
      'interactive.action.parameters.flow_action_payload.screen: required when data is given (the id of an entry screen)',
  },
  'CTA too long': {
    message: { ...flow, cta: 'c'.repeat(31) },
    path: 'interactive.action.parameters.flow_cta',
    error: 'interactive.action.parameters.flow_cta: at most 30 characters (got 31)',
  },
  'CTA with emoji': {
    message: { ...flow, cta: 'Book now 📅' },
    path: 'interactive.action.parameters.flow_cta',
    error: 'interactive.action.parameters.flow_cta: must not contain emoji (got "Book now 📅")',
  },
  'CTA with a flag': {
    message: { ...flow, cta: 'Entrar 🇧🇷' },
    path: 'interactive.action.parameters.flow_cta',
    error: 'interactive.action.parameters.flow_cta: must not contain emoji (got "Entrar 🇧🇷")',
  },
  'unknown flow mode': {
    message: untyped({ ...flow, mode: 'preview' }),
    path: 'interactive.action.parameters.mode',
    error: 'interactive.action.parameters.mode: must be "draft" or "published" (got "preview")',
  },
  'unknown flow action': {
    message: untyped({ ...flow, action: 'complete' }),
    path: 'interactive.action.parameters.flow_action',
    error: 'interactive.action.parameters.flow_action: must be "navigate" or "data_exchange" (got "complete")',
  },

  // templates
  'bad language code': {
    message: { type: 'template', name: 'hello_world', language: 'english' },
    path: 'template.language.code',
    error: 'template.language.code: must be a language code such as "en" or "en_US" (got "english")',
  },
  'bad currency code': {
    message: template(body({ type: 'currency', fallbackValue: '$1', code: 'usd', amount1000: 1000 })),
    path: 'template.components[0].parameters[0].currency.code',
    error:
      'template.components[0].parameters[0].currency.code: must be an ISO 4217 code of 3 upper-case letters such as "USD" (got "usd")',
  },
  'non-integer amount': {
    message: template(body({ type: 'currency', fallbackValue: '$100.99', code: 'USD', amount1000: 100.99 })),
    path: 'template.components[0].parameters[0].currency.amount_1000',
    error:
      'template.components[0].parameters[0].currency.amount_1000: must be an integer: the amount multiplied by 1000, 100.99 → 100990 (got 100.99)',
  },
  'body parameter with a new line': {
    message: template(body({ type: 'text', text: 'line one\nline two' })),
    path: 'template.components[0].parameters[0].text',
    error:
      'template.components[0].parameters[0].text: must not contain new lines, tabs or more than 4 consecutive spaces',
  },
  'header text parameter too long': {
    message: template({ type: 'header', parameters: [{ type: 'text', text: 'h'.repeat(61) }] }),
    path: 'template.components[0].parameters[0].text',
    error: 'template.components[0].parameters[0].text: at most 60 characters (got 61)',
  },
  'body text parameter over 1024 beside other components': {
    message: template(
      { type: 'header', parameters: [{ type: 'text', text: 'Hi' }] },
      body({ type: 'text', text: 'b'.repeat(1025) }),
    ),
    path: 'template.components[1].parameters[0].text',
    error: 'template.components[1].parameters[0].text: at most 1024 characters (got 1025)',
  },
  'two header parameters': {
    message: template({
      type: 'header',
      parameters: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ],
    }),
    path: 'template.components[0].parameters[1]',
    error: 'template.components[0].parameters: at most 1 header parameter (one text or one media item) (got 2)',
  },
  'currency in a header': {
    message: template({
      type: 'header',
      parameters: [{ type: 'currency', fallbackValue: '$1', code: 'USD', amount1000: 1 }],
    }),
    path: 'template.components[0].parameters[0].type',
    error:
      'template.components[0].parameters[0].type: a header parameter is text, image, video or document (got "currency")',
  },
  'image in a body': {
    message: template(body({ type: 'image', link: 'https://example.com/a.jpg' })),
    path: 'template.components[0].parameters[0].type',
    error: 'template.components[0].parameters[0].type: a body parameter is text, currency or date_time (got "image")',
  },
  'header image over http': {
    message: template({ type: 'header', parameters: [{ type: 'image', link: 'http://example.com/a.jpg' }] }),
    path: 'template.components[0].parameters[0].image.link',
    error: 'template.components[0].parameters[0].image.link: must be an https:// URL (got "http://example.com/a.jpg")',
  },
  'two body components': {
    message: template(body({ type: 'text', text: 'a' }), body({ type: 'text', text: 'b' })),
    path: 'template.components[1]',
    error: 'template.components[1]: at most one body component',
  },
  'duplicate button index': {
    message: template(
      { type: 'button', subType: 'quick_reply', index: 0, payload: 'a' },
      { type: 'button', subType: 'quick_reply', index: 0, payload: 'b' },
    ),
    path: 'template.components[1].index',
    error: 'template.components[1].index: duplicate button index 0 (each button is given once)',
  },
  'button index out of range': {
    message: template({ type: 'button', subType: 'url', index: 10, text: 'abc' }),
    path: 'template.components[0].index',
    error: 'template.components[0].index: must be between 0 and 9 (got 10)',
  },
  'unknown button sub_type': {
    message: template({ type: 'button', subType: 'catalog', index: 0 }),
    path: 'template.components[0].sub_type',
    error: 'template.components[0].sub_type: must be "quick_reply", "url" or "flow" (got "catalog")',
  },
  'flow button with empty flow_action_data': {
    message: template({ type: 'button', subType: 'flow', index: 0, flowActionData: {} }),
    path: 'template.components[0].parameters[0].action.flow_action_data',
    error: 'template.components[0].parameters[0].action.flow_action_data: must be a non-empty object (got an object)',
  },
  'quick reply without payload': {
    message: template({ type: 'button', subType: 'quick_reply', index: 0 }),
    path: 'template.components[0].parameters[0].payload',
    error: 'template.components[0].parameters[0].payload: is required',
  },
  'unknown component type': {
    message: template({ type: 'footer', parameters: [] }),
    path: 'template.components[0].type',
    error: 'template.components[0].type: must be "header", "body" or "button" (got "footer")',
  },
};

const caught = (run: () => unknown): MessageValidationError => thrown(MessageValidationError, run);

describe('outbound builders reject what Meta would reject', () => {
  it.each(Object.entries(ROWS))('%s', (_name, row) => {
    const error = caught(() => buildMessage(row.to ?? TO, row.message, row.options));
    expect(error.path).toBe(row.path);
    expect(error.message).toBe(row.error);
  });

  it('throws a typed, namespaced 400 error', () => {
    const error = caught(() => buildMessage('nope', { type: 'text', body: 'hi' }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MessageValidationError');
    expect(error.code).toBe('flowgate.message.invalid');
    expect(error.status).toBe(400);
  });

  it('checks the mark-read message id', () => {
    const error = caught(() => buildMarkRead(''));
    expect(error.path).toBe('message_id');
    expect(error.message).toBe('message_id: must not be empty');
  });

  it('a typed template component list is accepted by the same checks', () => {
    const components: TemplateComponent[] = [{ type: 'body', parameters: [{ type: 'text', text: 'a\tb' }] }];
    const error = caught(() => buildMessage(TO, { type: 'template', name: 't', language: 'en', components }));
    expect(error.path).toBe('template.components[0].parameters[0].text');
  });
});
