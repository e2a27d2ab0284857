// Representative field values per event category, read from the real webhook fixtures (the kinds
// of every fixture are pinned in parse.test.ts).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventOfKind, WebhookEvent, WebhookEventKind } from './events.js';
import { parseWebhook } from './parse.js';

const FIXTURES = new URL('../../../../shared/protocol/fixtures/webhooks/', import.meta.url);

function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

function fixtureText(name: string): string {
  return fixtureBytes(name).toString('utf8');
}

/** Asserts the kind and narrows, so the field checks are type-checked. */
function ofKind<K extends WebhookEventKind>(event: WebhookEvent | undefined, kind: K): EventOfKind<K> {
  expect(event?.kind).toBe(kind);
  return event as EventOfKind<K>;
}

/** The single event a fixture parses to. */
function only<K extends WebhookEventKind>(name: string, kind: K): EventOfKind<K> {
  const events = parseWebhook(fixtureBytes(name));
  expect(events).toHaveLength(1);
  return ofKind(events[0], kind);
}

describe('parseWebhook — message fields', () => {
  it('text: E.164 sender, integer timestamp, profile join, envelope ids', () => {
    const event = only('meta_docs/messages_text.json', 'message.text');
    expect(event).toMatchObject({
      category: 'message',
      field: 'messages',
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      dedupKey: 'msg:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      from: '+16505551234',
      fromWaId: '16505551234',
      profileName: 'Sheena Nelson',
      timestamp: 1749416383,
      text: 'Does it come in another color?',
      context: null,
      referral: null,
      errors: [],
    });
    expect(Number.isInteger(event.timestamp)).toBe(true);
    expect(event.raw.type).toBe('text');
  });

  it('profile name: single-contact fallback, and null without contacts', () => {
    // wa_id 972987654321 does not match from 16505551234, but it is the only contact.
    expect(only('pywa/edited_message__image.json', 'message.edit').profileName).toBe('Test Name');
    expect(only('pywa/system__phone_number_change.json', 'message.system').profileName).toBeNull();
  });

  it('referral (click-to-WhatsApp ad) is camelCased', () => {
    const event = only('meta_docs/messages_text_click_to_whatsapp_ad_referral.json', 'message.text');
    expect(event.referral).toMatchObject({
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      sourceId: '120226305854810726',
      sourceType: 'ad',
      mediaType: 'image',
      videoUrl: null,
      welcomeMessage: { text: 'Hi there! Let us know how we can help!' },
    });
    expect(event.referral?.ctwaClid).toMatch(/^Aff-/);
  });

  it('context: referred product, reply target, forwarded flags', () => {
    const product = only('meta_docs/messages_text_message_business_button_referred_product.json', 'message.text');
    expect(product.context).toEqual({
      from: '15550783881',
      id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
      forwarded: false,
      frequentlyForwarded: false,
      referredProduct: { catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4' },
    });
    expect(only('pywa/message__forwarded.json', 'message.text').context?.forwarded).toBe(true);
    expect(only('pywa/message__forwarded_many_times.json', 'message.text').context?.frequentlyForwarded).toBe(true);
  });

  it('media: caption, url, filename, voice and animated flags', () => {
    expect(only('meta_docs/messages_image.json', 'message.image').media).toMatchObject({
      id: '1003383421387256',
      mimeType: 'image/jpeg',
      caption: 'Taj Mahal',
      voice: false,
    });
    expect(only('pywa/message__media_with_url.json', 'message.image').media.url).toMatch(/^https:\/\/lookaside/);
    expect(only('pywa/message__document.json', 'message.document').media.filename).toBe('filename.pdf');
    expect(only('pywa/message__voice.json', 'message.audio').media.voice).toBe(true);
    expect(only('pywa/message__audio.json', 'message.audio').media.voice).toBe(false);
    expect(only('pywa/message__animated_sticker.json', 'message.sticker').media.animated).toBe(true);
    expect(only('pywa/message__video.json', 'message.video').media.caption).toBe('caption');
  });

  it('location: numbers, optional name/address/url', () => {
    expect(only('pywa/message__chosen_location.json', 'message.location').location).toEqual({
      latitude: 37.4611978,
      longitude: -122.2164385,
      name: 'Facebook HQ',
      address: '1 Hacker Way, Menlo Park, CA 94025',
      url: 'https://maps.google.com/?cid=2000000000000000000',
    });
    expect(only('pywa/message__current_location.json', 'message.location').location).toMatchObject({
      latitude: 12.25089,
      name: null,
    });
  });

  it('location sent as strings becomes numbers', () => {
    const body = fixtureText('pywa/message__current_location.json')
      .replace('"latitude": 12.25089', '"latitude": "12.25089"')
      .replace('"longitude": 43.90539', '"longitude": "43.90539"');
    expect(body).toContain('"12.25089"');
    const [event] = parseWebhook(body);
    expect(ofKind(event, 'message.location').location).toMatchObject({ latitude: 12.25089, longitude: 43.90539 });
  });

  it('reaction and removed reactions (empty or absent emoji)', () => {
    expect(only('pywa/message__reaction.json', 'message.reaction').reaction).toEqual({
      messageId: 'wamid.yzxyzx=',
      emoji: '\u{1F62E}',
      removed: false,
    });
    for (const file of ['pywa/message__unreaction_empty.json', 'pywa/message__unreaction_no_emoji.json']) {
      expect(only(file, 'message.reaction').reaction).toEqual({
        messageId: 'wamid.yzxyzx=',
        emoji: null,
        removed: true,
      });
    }
  });

  it("reaction: accepts the Postman sample's messsage_id typo", () => {
    const body = fixtureText('meta_postman/messages_reaction.json')
      .replace('"sender_wa_id"', '"16505551234"')
      .replace('"message_timestamp"', '"1700000000"');
    const [event] = parseWebhook(body);
    expect(ofKind(event, 'message.reaction').reaction).toEqual({
      messageId: '<WAMID>',
      emoji: '<emoji>',
      removed: false,
    });
  });

  it('button_reply, list_reply (with and without description), template button', () => {
    expect(only('meta_docs/messages_interactive_button_reply.json', 'message.button_reply').reply).toEqual({
      id: 'cancel-button',
      title: 'Cancel',
    });
    expect(only('meta_docs/messages_interactive_list_reply.json', 'message.list_reply').reply).toEqual({
      id: 'priority_express',
      title: 'Priority Mail Express',
      description: 'Next Day to 2 Days',
    });
    expect(only('pywa/callback_selection__callback.json', 'message.list_reply').reply.description).toBeNull();
    const button = only('meta_postman/messages_button_template_quick_reply.json', 'message.button');
    expect(button.button).toEqual({ text: 'No', payload: 'No-Button-Payload' });
    expect(button.context?.id).toBe('wamid.gBGGFlCGg0cvAgkLFm4e9tICiTI');
    expect(only('pywa/callback_button__quick_reply_without_context.json', 'message.button').fromUserId).toBe(
      'US.13491208655302741918',
    );
  });

  it('flow_reply: decoded response_json and flow_token', () => {
    const event = only('pywa/flow_completion__completion.json', 'message.flow_reply');
    expect(event.flow).toMatchObject({
      name: 'flow',
      body: 'Sent',
      flowToken: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
      responseJsonError: null,
    });
    expect(event.flow.responseJson).toMatchObject({ comment_text: 'Comment Text', delivery_rating: '4' });
    expect(event.flow.responseJsonRaw).toMatch(/^\{"comment_text"/);
    expect(event.context?.id).toBe('wamid.gvwegfretge==');
    const noToken = only('pywa/flow_completion__without_flow_token.json', 'message.flow_reply');
    expect(noToken.flow.flowToken).toBeNull();
    expect(noToken.flow.responseJson).toMatchObject({ cs_rating: '0' });
  });

  it('order: numeric item fields', () => {
    expect(only('pywa/message__order.json', 'message.order').order).toEqual({
      catalogId: '354160437058781',
      text: '',
      items: [
        { productRetailerId: 'HAMBURGER', quantity: 3, itemPrice: 30, currency: 'ILS' },
        { productRetailerId: 'FRENCH_FRIES', quantity: 2, itemPrice: 35, currency: 'ILS' },
        { productRetailerId: 'SODA', quantity: 2, itemPrice: 10, currency: 'ILS' },
      ],
    });
  });

  it('system: changed number and identity change', () => {
    expect(only('meta_docs/messages_system_user_changed_number.json', 'message.system').system).toEqual({
      type: 'user_changed_number',
      body: 'User Sheena Nelson changed from 16505551234 to 12195555358',
      newWaId: '12195555358',
      identity: null,
    });
    expect(only('pywa/system__identity_change.json', 'message.system').system).toMatchObject({
      type: 'customer_identity_changed',
      identity: { acknowledged: true, createdTimestamp: 1697044706, hash: 'xyzxyz' },
    });
  });

  it('unsupported, including the legacy "unknown"/130501 spelling', () => {
    const current = only('meta_docs/messages_unsupported_131051.json', 'message.unsupported');
    expect(current.unsupportedType).toBe('edit');
    expect(current.errors).toEqual([
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'Message type is currently not supported.',
        href: null,
      },
    ]);
    const legacy = only('meta_postman/messages_unknown_130501_legacy.json', 'message.unsupported');
    expect(legacy.unsupportedType).toBeNull();
    expect(legacy.errors[0]).toMatchObject({ code: 130501, details: 'Message type is not currently supported' });
  });

  it('edit and revoke', () => {
    const edit = only('pywa/edited_message__image.json', 'message.edit');
    expect(edit.originalMessageId).toBe('wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=');
    expect(edit.edited?.type).toBe('image');
    const body = fixtureText('pywa/deleted_message__revoke.json').replace(
      '"<WHATSAPP_USER_PHONE_NUMBER>"',
      '"972987654321"',
    );
    const [revoke] = parseWebhook(body);
    expect(ofKind(revoke, 'message.revoke').originalMessageId).toBe('<ORIGINAL_WHATSAPP_MESSAGE_ID>');
  });

  it('unmodelled interactive sub-types are message.unknown with the raw payload', () => {
    const event = only('pywa/call_permission_update__accept.json', 'message.unknown');
    expect(event.type).toBe('interactive');
    expect(event.raw.interactive?.type).toBe('call_permission_reply');
  });

  it('placeholder senders are parse errors that name the item', () => {
    const event = only('pywa/deleted_message__revoke.json', 'parse_error');
    expect(event.path).toBe('entry[0].changes[0].value.messages[0]');
    expect(event.error).toContain('"<WHATSAPP_USER_PHONE_NUMBER>", which is not a phone number');
    expect(event.field).toBe('messages');
  });
});

describe('parseWebhook — statuses, errors, flows, unknown', () => {
  it('failed status carries 131049', () => {
    const event = only('meta_docs/status_failed_131049.json', 'status.failed');
    expect(event).toMatchObject({
      category: 'status',
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
      dedupKey: 'status:wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA:failed',
      status: 'failed',
      recipient: '+16505551234',
      timestamp: 1751142888,
      conversation: null,
      pricing: null,
    });
    expect(event.errors[0]).toMatchObject({
      code: 131049,
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
      href: '/documentation/business-messaging/whatsapp/support/error-codes',
    });
  });

  it('failed status carries 131014 (Postman sample with its placeholders quoted)', () => {
    const body = fixtureText('meta_postman/status_failed_131014_VERBATIM_INVALID_JSON.txt')
      .replace(/: TIMESTAMP\b/g, ': "1700000000"')
      .replace(/: PHONE_NUMBER_ID\b/g, ': "123"')
      .replace(/: PHONE_NUMBER\b/g, ': "16505551234"');
    const [event] = parseWebhook(body);
    const failed = ofKind(event, 'status.failed');
    expect(failed.errors).toEqual([
      {
        code: 131014,
        title: 'Request for url https://URL.jpg failed with error: 404 (Not Found)',
        message: null,
        details: null,
        href: null,
      },
    ]);
    expect(failed.timestamp).toBe(1700000000);
  });

  it('conversation and pricing (PMP) with integer expiry', () => {
    const event = only('meta_docs/status_sent_with_conversation_and_pricing_pmp.json', 'status.sent');
    expect(event.conversation).toEqual({
      id: '72b14d6bd5407799e66f64d1b338e567',
      expiresAt: 1750116480,
      originType: 'marketing',
    });
    expect(event.pricing).toEqual({ billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' });
    expect(only('meta_docs/status_sent_v24_minimal.json', 'status.sent')).toMatchObject({
      conversation: null,
      pricing: null,
    });
  });

  it('biz_opaque_callback_data, played, group recipients', () => {
    expect(only('pywa/message_status__with_tracker.json', 'status.sent').bizOpaqueCallbackData).toBe('some data');
    expect(only('pywa/message_status__played.json', 'status.played').status).toBe('played');
    const group = only('pywa/message_status__group.json', 'status.read');
    expect(group).toMatchObject({ recipient: null, recipientType: 'group' });
  });

  it('value.errors item becomes an error event', () => {
    const event = only('meta_docs/value_errors_130429.json', 'error');
    expect(event.error).toMatchObject({
      code: 130429,
      title: 'Rate limit hit',
      href: '/documentation/business-messaging/whatsapp/support/error-codes',
    });
    expect(event.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(event.phoneNumberId).toBe('106540352242922');
    const [, valueError] = parseWebhook(fixtureBytes('pywa/message__interactive_message_with_err.json'));
    expect(ofKind(valueError, 'error').error.code).toBe(131000);
  });

  it('flows events take their timestamp from entry.time', () => {
    const event = only('flows/normalized__flows_CLIENT_ERROR_RATE.json', 'flows.client_error_rate');
    expect(event).toMatchObject({
      category: 'flows',
      field: 'flows',
      event: 'CLIENT_ERROR_RATE',
      flowId: '691244242662581',
      timestamp: 1674160476,
      wabaId: '106181168862417',
    });
    expect(event.message).toMatch(/^The flow client request error rate/);
    expect(event.value['threshold']).toBe(10);
    const warning = only(
      'flows/normalized__flows_FLOW_VERSION_EXPIRY_WARNING.json',
      'flows.flow_version_expiry_warning',
    );
    expect(warning.message).toMatch(/^Your current Flow version will freeze/);
  });

  it('other fields are unknown events with the raw value', () => {
    const account = only('pywa/account_update__account_deleted.json', 'unknown');
    expect(account.field).toBe('account_update');
    expect(account.timestamp).toBe(1743451903);
    expect(account.value).toMatchObject({ event: 'ACCOUNT_DELETED' });
    const calls = only('pywa/call_connect__user_initiated.json', 'unknown');
    expect(calls.field).toBe('calls');
    expect(calls.phoneNumberId).toBe('743897493242');
  });
});
