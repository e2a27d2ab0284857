// Simulated customers over real loopback sockets: the emulator and a receiver both listen on
// 127.0.0.1, webhooks travel through the global fetch, the receiver verifies signatures and parses
// with parseWebhook, and each customer action yields the expected event kind and fields.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOfKind, WebhookEvent, WebhookEventKind } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { createWebhookReceiver, type WebhookReceiver } from './testing.js';
import type { Emulator, SimulatedCustomer } from './types.js';

const SECRET = 'loopback-secret';
const TOKEN = 'loopback-token';
let emulator: Emulator;
let receiver: WebhookReceiver;
let graphUrl: string;
let customer: SimulatedCustomer;

beforeAll(async () => {
  receiver = createWebhookReceiver({ appSecret: SECRET, verifyToken: 'vt' });
  const webhookUrl = await receiver.listen();
  emulator = createEmulator({ appSecret: SECRET, accessToken: TOKEN, webhookUrl, statusDelayMs: 5 });
  graphUrl = (await emulator.listen(0)).url;
  customer = emulator.customer('16505551234', 'Sheena Nelson');
});

afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

/** Runs an action, waits for delivery, and returns the one event it produced. */
async function only<K extends WebhookEventKind>(kind: K, action: () => Promise<string>): Promise<EventOfKind<K>> {
  const before = receiver.received.length;
  const wamid = await action();
  await emulator.idle();
  const fresh = receiver.received.slice(before);
  expect(fresh.every((r) => r.verified)).toBe(true);
  const events: WebhookEvent[] = fresh.flatMap((r) => r.events);
  expect(events.map((e) => e.kind)).toEqual([kind]);
  const event = events[0] as EventOfKind<K>;
  expect(event).toMatchObject({
    id: wamid,
    from: '+16505551234',
    fromWaId: '16505551234',
    profileName: 'Sheena Nelson',
    wabaId: '102290129340398',
    phoneNumberId: '106540352242922',
  });
  return event;
}

describe('simulated customers over loopback', () => {
  it('listens on a real port and passes the GET verification handshake', async () => {
    expect(emulator.graphBaseUrl).toBe(graphUrl);
    expect(graphUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(emulator.verifyWebhook('vt')).resolves.toMatchObject({ ok: true });
  });

  it('text, with and without a reply context', async () => {
    const plain = await only('message.text', () => customer.sendText('Hello, world'));
    expect(plain.text).toBe('Hello, world');
    expect(plain.context).toBeNull();
    const reply = await only('message.text', () => customer.sendText('answering', { replyTo: 'wamid.PREVIOUS' }));
    expect(reply.context).toMatchObject({ id: 'wamid.PREVIOUS', from: '15550783881' });
  });

  it('image, downloadable through the Graph API with the token', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);
    const event = await only('message.image', () => customer.sendImage(bytes, { caption: 'Taj Mahal' }));
    expect(event.media).toMatchObject({
      mimeType: 'image/jpeg',
      caption: 'Taj Mahal',
      sha256: expect.any(String) as unknown,
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const info = (await (await fetch(`${graphUrl}/v24.0/${event.media.id}`, { headers: auth })).json()) as {
      url: string;
      sha256: string;
    };
    expect(info.url.startsWith(graphUrl)).toBe(true);
    expect(info.sha256).toBe(event.media.sha256);
    expect(new Uint8Array(await (await fetch(info.url, { headers: auth })).arrayBuffer())).toEqual(bytes);
    expect((await fetch(info.url)).status).toBe(401);
  });

  it('document, audio (voice), video and sticker', async () => {
    const doc = await only('message.document', () => customer.sendDocument(new Uint8Array([1]), 'terms.pdf'));
    expect(doc.media).toMatchObject({ filename: 'terms.pdf', mimeType: 'application/pdf' });
    const voice = await only('message.audio', () => customer.sendAudio(new Uint8Array([2]), { voice: true }));
    expect(voice.media).toMatchObject({ voice: true, mimeType: 'audio/ogg; codecs=opus' });
    const video = await only('message.video', () => customer.sendVideo(new Uint8Array([3]), { caption: 'clip' }));
    expect(video.media).toMatchObject({ caption: 'clip', mimeType: 'video/mp4' });
    const sticker = await only('message.sticker', () => customer.sendSticker(new Uint8Array([4]), { animated: true }));
    expect(sticker.media).toMatchObject({ animated: true, mimeType: 'image/webp' });
  });

  it('location and contacts', async () => {
    const location = await only('message.location', () =>
      customer.sendLocation({ latitude: 38.9, longitude: -77.03, name: 'Office', address: '1 Main St' }),
    );
    expect(location).toMatchObject({
      location: { latitude: 38.9, longitude: -77.03, name: 'Office', address: '1 Main St' },
    });
    const card = {
      name: { formatted_name: 'Jane Doe', first_name: 'Jane' },
      phones: [{ phone: '+1 555 0100', wa_id: '15550100', type: 'CELL' }],
    };
    const contacts = await only('message.contacts', () => customer.sendContacts([card]));
    expect(contacts.contacts).toEqual([card]);
  });

  it('reactions and their removal', async () => {
    const reaction = await only('message.reaction', () => customer.react('wamid.TARGET', '😮'));
    expect(reaction.reaction).toEqual({ messageId: 'wamid.TARGET', emoji: '😮', removed: false });
    const removed = await only('message.reaction', () => customer.react('wamid.TARGET', ''));
    expect(removed.reaction).toMatchObject({ messageId: 'wamid.TARGET', removed: true });
  });

  it('button taps, list selections and template quick replies carry the context', async () => {
    const button = await only('message.button_reply', () =>
      customer.tapButton({ id: 'yes', title: 'Yes' }, 'wamid.ASKED'),
    );
    expect(button.reply).toEqual({ id: 'yes', title: 'Yes' });
    expect(button.context?.id).toBe('wamid.ASKED');
    const list = await only('message.list_reply', () =>
      customer.selectListItem({ id: 'r1', title: 'Row 1', description: 'first' }, 'wamid.LIST'),
    );
    expect(list.reply).toEqual({ id: 'r1', title: 'Row 1', description: 'first' });
    const template = await only('message.button', () =>
      customer.tapTemplateButton('Stop promotions', 'STOP', 'wamid.TEMPLATE'),
    );
    expect(template.button).toEqual({ text: 'Stop promotions', payload: 'STOP' });
    expect(template.context?.id).toBe('wamid.TEMPLATE');
  });

  it('flow completion (nfm_reply) with a stringified response_json', async () => {
    const response = { flow_token: 'tok-1', rating: '5', comment: 'Très bien' };
    const flow = await only('message.flow_reply', () => customer.sendFlowReply(response, 'wamid.FLOW'));
    expect(flow.flow).toMatchObject({
      name: 'flow',
      body: 'Sent',
      flowToken: 'tok-1',
      responseJson: response,
      responseJsonRaw: JSON.stringify(response),
    });
    expect(flow.context?.id).toBe('wamid.FLOW');
  });

  it('raw messages get id, from and timestamp filled in', async () => {
    const order = {
      type: 'order',
      order: {
        catalog_id: 'cat-1',
        text: 'two please',
        product_items: [{ product_retailer_id: 'sku-1', quantity: 2, item_price: 9.5, currency: 'USD' }],
      },
    };
    const event = await only('message.order', () => customer.sendRaw(order));
    expect(event.order).toEqual({
      catalogId: 'cat-1',
      text: 'two please',
      items: [{ productRetailerId: 'sku-1', quantity: 2, itemPrice: 9.5, currency: 'USD' }],
    });
    expect(event.timestamp).toEqual(expect.any(Number) as unknown);
  });

  it('a business reply over loopback gets sent → delivered → read in order', async () => {
    const before = receiver.received.length;
    const response = await fetch(`${graphUrl}/v24.0/106540352242922/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'text',
        text: { body: 'Thanks!' },
      }),
    });
    const { messages } = (await response.json()) as { messages: { id: string }[] };
    await emulator.idle();
    const kinds = receiver.received
      .slice(before)
      .flatMap((r) => r.events)
      .filter((e) => e.category === 'status' && e.messageId === messages[0]!.id)
      .map((e) => e.kind);
    expect(kinds).toEqual(['status.sent', 'status.delivered', 'status.read']);
  });
});
