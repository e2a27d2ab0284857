// Behaviour of the builders beyond Meta's samples: recipient normalization, envelope options,
// defaults, kinds with no fixture (CTA URL, media headers, minimal Flows), limits at their edge,
// and the helpers used by the 24-hour window rule.

import { describe, expect, it } from 'vitest';
import { buildMessage, describeMessage, isFreeForm } from './build.js';
import { LIMITS } from './limits.js';
import { normalizeRecipient } from './recipient.js';
import type { OutboundMessage } from './types.js';

const TO = '16505551234';
const hi: OutboundMessage = { type: 'text', body: 'hi' };

describe('recipient', () => {
  it.each(['+16505551234', '16505551234'])('sends %s as digits only', (to) => {
    expect(normalizeRecipient(to)).toBe(TO);
    expect(buildMessage(to, hi).to).toBe(TO);
  });

  it('accepts the shortest and longest E.164 lengths', () => {
    expect(normalizeRecipient('+1234567')).toBe('1234567');
    expect(normalizeRecipient('+123456789012345')).toBe('123456789012345');
  });
});

describe('envelope', () => {
  it('puts context between to and type, and callback data last', () => {
    const built = buildMessage(TO, hi, { replyTo: 'wamid.PREV', bizOpaqueCallbackData: 'order-42' });
    expect(built).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TO,
      context: { message_id: 'wamid.PREV' },
      type: 'text',
      text: { preview_url: false, body: 'hi' },
      biz_opaque_callback_data: 'order-42',
    });
    expect(Object.keys(built)).toStrictEqual([
      'messaging_product',
      'recipient_type',
      'to',
      'context',
      'type',
      'text',
      'biz_opaque_callback_data',
    ]);
  });

  it('leaves optional keys out rather than sending undefined', () => {
    const built = buildMessage(TO, { type: 'image', mediaId: '123' }, { replyTo: undefined });
    expect(built).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TO,
      type: 'image',
      image: { id: '123' },
    });
  });

  it('does not share or mutate the input', () => {
    const data = { table: 4 };
    const message: OutboundMessage = {
      type: 'flow',
      body: 'b',
      cta: 'Book',
      flowId: '1',
      screen: 'S',
      data,
    };
    const before = structuredClone(message);
    buildMessage(TO, message);
    expect(message).toStrictEqual(before);
  });
});

describe('kinds and defaults', () => {
  it('text: preview_url when asked', () => {
    expect(buildMessage(TO, { type: 'text', body: 'https://example.com', previewUrl: true })).toMatchObject({
      text: { preview_url: true, body: 'https://example.com' },
    });
  });

  it('limits count characters, not UTF-16 units', () => {
    const body = '😀'.repeat(LIMITS.textBody);
    expect(body.length).toBe(2 * LIMITS.textBody);
    expect(buildMessage(TO, { type: 'text', body })).toMatchObject({ text: { body } });
  });

  it('document: caption and filename', () => {
    const built = buildMessage(TO, {
      type: 'document',
      link: 'https://example.com/invoice.pdf',
      caption: 'Your invoice',
      filename: 'invoice-42.pdf',
    });
    expect(built).toMatchObject({
      type: 'document',
      document: { link: 'https://example.com/invoice.pdf', caption: 'Your invoice', filename: 'invoice-42.pdf' },
    });
  });

  it('location: coordinates as decimal strings, never exponent notation', () => {
    const built = buildMessage(TO, { type: 'location', latitude: 1e-7, longitude: -180 });
    expect(built).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TO,
      type: 'location',
      location: { latitude: '0.0000001', longitude: '-180' },
    });
  });

  it.each(['', '👍', '❤️', '🇧🇷', '👩🏽‍💻', '1️⃣'])('reaction: accepts %j', (emoji) => {
    expect(buildMessage(TO, { type: 'reaction', messageId: 'wamid.A', emoji })).toMatchObject({
      reaction: { message_id: 'wamid.A', emoji },
    });
  });

  it('contacts: only the fields given', () => {
    const built = buildMessage(TO, {
      type: 'contacts',
      contacts: [{ name: { formattedName: 'Ada Lovelace', firstName: 'Ada' }, phones: [{ phone: '+441234567890' }] }],
    });
    expect(built).toMatchObject({
      contacts: [{ name: { formatted_name: 'Ada Lovelace', first_name: 'Ada' }, phones: [{ phone: '+441234567890' }] }],
    });
    expect('contacts' in built && Object.keys(built.contacts[0]!)).toStrictEqual(['name', 'phones']);
  });

  it('reply buttons: media header and footer', () => {
    const built = buildMessage(TO, {
      type: 'interactive_buttons',
      header: { type: 'document', mediaId: '77', filename: 'menu.pdf' },
      body: 'Lunch?',
      footer: 'Kitchen closes at 3',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
        { id: 'later', title: 'x'.repeat(LIMITS.replyButtonTitle) },
      ],
    });
    expect('interactive' in built && built.interactive).toStrictEqual({
      type: 'button',
      header: { type: 'document', document: { id: '77', filename: 'menu.pdf' } },
      body: { text: 'Lunch?' },
      footer: { text: 'Kitchen closes at 3' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
          { type: 'reply', reply: { id: 'no', title: 'No' } },
          { type: 'reply', reply: { id: 'later', title: 'x'.repeat(LIMITS.replyButtonTitle) } },
        ],
      },
    });
  });

  it('list: one section may go without a title; ten rows are allowed', () => {
    const rows = Array.from({ length: LIMITS.listRowsTotal }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    const built = buildMessage(TO, {
      type: 'interactive_list',
      body: 'Menu',
      buttonText: 'Open',
      sections: [{ rows }],
    });
    expect(built).toMatchObject({ interactive: { type: 'list', action: { button: 'Open', sections: [{ rows }] } } });
    expect('interactive' in built && built.interactive.action).not.toHaveProperty('sections.0.title');
  });

  it('cta_url: Meta’s documented shape', () => {
    const built = buildMessage(TO, {
      type: 'interactive_cta_url',
      header: { type: 'image', link: 'https://example.com/banner.png' },
      body: 'Tap to see our dates',
      footer: 'Dates subject to change',
      displayText: 'See Dates',
      url: 'https://example.com/dates?utm=wa',
    });
    expect('interactive' in built && built.interactive).toStrictEqual({
      type: 'cta_url',
      header: { type: 'image', image: { link: 'https://example.com/banner.png' } },
      body: { text: 'Tap to see our dates' },
      footer: { text: 'Dates subject to change' },
      action: { name: 'cta_url', parameters: { display_text: 'See Dates', url: 'https://example.com/dates?utm=wa' } },
    });
  });

  it('flow: the minimal request since Jan 2025, navigate by default', () => {
    const built = buildMessage(TO, { type: 'flow', body: 'Book a table', cta: 'Book', flowName: 'booking_v1' });
    expect('interactive' in built && built.interactive).toStrictEqual({
      type: 'flow',
      body: { text: 'Book a table' },
      action: {
        name: 'flow',
        parameters: { flow_message_version: '3', flow_action: 'navigate', flow_name: 'booking_v1', flow_cta: 'Book' },
      },
    });
  });

  it('flow: data_exchange takes no payload; navigate may name only a screen', () => {
    const exchange = buildMessage(TO, {
      type: 'flow',
      body: 'b',
      cta: 'Start',
      flowId: '1',
      action: 'data_exchange',
      mode: 'published',
    });
    expect(exchange).toMatchObject({
      interactive: {
        action: {
          parameters: { flow_action: 'data_exchange', flow_id: '1', flow_cta: 'Start', mode: 'published' },
        },
      },
    });
    expect(exchange).not.toHaveProperty('interactive.action.parameters.flow_action_payload');

    const screenOnly = buildMessage(TO, { type: 'flow', body: 'b', cta: 'Start', flowId: '1', screen: 'WELCOME' });
    expect(screenOnly).toMatchObject({
      interactive: { action: { parameters: { flow_action_payload: { screen: 'WELCOME' } } } },
    });
  });

  it('flow: a 30-character CTA and text-style symbols are allowed', () => {
    const cta = `Register™ ${'x'.repeat(LIMITS.flowCta - 10)}`;
    expect(buildMessage(TO, { type: 'flow', body: 'b', cta, flowId: '1' })).toMatchObject({
      interactive: { action: { parameters: { flow_cta: cta } } },
    });
  });

  it('template: named parameters, url and flow buttons', () => {
    const built = buildMessage(TO, {
      type: 'template',
      name: 'order_shipped',
      language: 'pt_BR',
      components: [
        { type: 'header', parameters: [{ type: 'video', mediaId: '9' }] },
        { type: 'body', parameters: [{ type: 'text', parameterName: 'customer', text: 'Ana' }] },
        { type: 'button', subType: 'url', index: 0, text: 'tracking/42' },
        { type: 'button', subType: 'flow', index: 1 },
      ],
    });
    expect('template' in built && built.template).toStrictEqual({
      name: 'order_shipped',
      language: { code: 'pt_BR' },
      components: [
        { type: 'header', parameters: [{ type: 'video', video: { id: '9' } }] },
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer', text: 'Ana' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'tracking/42' }] },
        { type: 'button', sub_type: 'flow', index: '1', parameters: [{ type: 'action', action: {} }] },
      ],
    });
  });

  it('template: a body alone may carry up to 32768 characters of parameter text', () => {
    const long = 'b'.repeat(LIMITS.templateBodyTextAlone);
    const message: OutboundMessage = {
      type: 'template',
      name: 'digest',
      language: 'en',
      components: [{ type: 'body', parameters: [{ type: 'text', text: long }] }],
    };
    expect(buildMessage(TO, message)).toMatchObject({ template: { components: [{ parameters: [{ text: long }] }] } });
  });
});

describe('isFreeForm and describeMessage', () => {
  const cases: [OutboundMessage, boolean, string][] = [
    [hi, true, 'text'],
    [{ type: 'sticker', mediaId: '1' }, true, 'sticker'],
    [{ type: 'reaction', messageId: 'wamid.A', emoji: '' }, true, 'reaction'],
    [{ type: 'flow', body: 'b', cta: 'Go', flowId: '1' }, true, 'flow'],
    [{ type: 'template', name: 'hello_world', language: 'en_US' }, false, 'template:hello_world'],
  ];

  it.each(cases)('%j', (message, freeForm, label) => {
    expect(isFreeForm(message)).toBe(freeForm);
    expect(describeMessage(message)).toBe(label);
  });
});
