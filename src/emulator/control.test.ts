// The /_emulator control API: customer messages (incl. inline base64 media), sent messages,
// delivery attempts, fault knobs, the webhook URL and Flow JSON.

import { afterEach, describe, expect, it } from 'vitest';
import type { MediaMessageEvent } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { createWebhookReceiver, manualClock, seededRandom } from './testing.js';
import type { Emulator } from './types.js';

let emulator: Emulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

function setup() {
  const receiver = createWebhookReceiver({ appSecret: 'ctl' });
  emulator = createEmulator({
    appSecret: 'ctl',
    accessToken: 'tok',
    fetch: receiver.fetch,
    now: manualClock().now,
    random: seededRandom(1),
    statusDelayMs: 1,
  });
  const em = emulator;
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await em.fetch(
      new Request(`http://emulator.test/_emulator${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: response.status, json: await response.json() };
  };
  return { emulator: em, receiver, control };
}

describe('control API', () => {
  it('sets the webhook URL and makes customers send text and base64 media', async () => {
    const { emulator, receiver, control } = setup();
    expect((await control('POST', '/webhook', { url: 'http://receiver.test/webhook' })).json).toEqual({
      url: 'http://receiver.test/webhook',
    });
    const text = await control('POST', '/customers/4915112345678/messages', {
      type: 'text',
      text: { body: 'hi' },
      profile_name: 'Jonas',
    });
    expect(text.json).toEqual({ id: expect.stringMatching(/^wamid\./) as unknown });
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const image = await control('POST', '/customers/4915112345678/messages', {
      type: 'image',
      image: { data_base64: bytes.toString('base64'), mime_type: 'image/png', caption: 'scan' },
    });
    await emulator.idle();
    const events = receiver.events();
    expect(events.map((e) => e.kind)).toEqual(['message.text', 'message.image']);
    expect(events[0]).toMatchObject({
      id: (text.json as { id: string }).id,
      profileName: 'Jonas',
      from: '+4915112345678',
    });
    const media = (events[1] as MediaMessageEvent).media;
    expect(events[1]).toMatchObject({ id: (image.json as { id: string }).id, profileName: 'Jonas' });
    expect(media).toMatchObject({ mimeType: 'image/png', caption: 'scan' });
    expect(Buffer.from(emulator.media(media.id)!.bytes)).toEqual(bytes);
  });

  it('refuses malformed customer messages', async () => {
    const { control } = setup();
    expect((await control('POST', '/customers/abc/messages', { type: 'text', text: { body: 'x' } })).status).toBe(400);
    expect((await control('POST', '/customers/4915112345678/messages', { text: { body: 'x' } })).status).toBe(400);
    expect(
      (await control('POST', '/customers/4915112345678/messages', { type: 'image', image: { data_base64: 5 } })).status,
    ).toBe(400);
  });

  it('lists sent messages and delivery attempts', async () => {
    const { emulator, control } = setup();
    emulator.setWebhookUrl('http://receiver.test/webhook');
    await control('POST', '/customers/4915112345678/messages', { type: 'text', text: { body: 'hi' } });
    const sent = await emulator.fetch(
      new Request('http://emulator.test/v24.0/106540352242922/messages', {
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: '4915112345678', text: { body: 'hello back' } }),
      }),
    );
    const wamid = ((await sent.json()) as { messages: { id: string }[] }).messages[0]!.id;
    await emulator.idle();
    const messages = (await control('GET', '/messages')).json as {
      wamid: string;
      type: string;
      to: string;
      status: string;
    }[];
    expect(messages).toMatchObject([{ wamid, type: 'text', to: '4915112345678', status: 'read' }]);
    const deliveries = (await control('GET', '/deliveries')).json as { status: number; attempt: number }[];
    expect(deliveries).toHaveLength(4); // the inbound text + sent, delivered, read
    expect(deliveries.every((d) => d.status === 200 && d.attempt === 1)).toBe(true);
  });

  it('sets and validates fault knobs', async () => {
    const { emulator, control } = setup();
    const set = await control('POST', '/faults', {
      rateLimit: { every: 3 },
      latencyMs: 0,
      serverErrorRate: 0.25,
      throughputPerSecond: 80,
      keyStatus: 'MISMATCH',
    });
    expect(set.json).toEqual({
      rateLimit: { every: 3 },
      latencyMs: 0,
      serverErrorRate: 0.25,
      throughputPerSecond: 80,
      keyStatus: 'MISMATCH',
    });
    expect(emulator.faults()).toMatchObject({ rateLimit: { every: 3 }, serverErrorRate: 0.25 });
    expect((await control('POST', '/faults', { serverErrorRate: 2 })).status).toBe(400);
    expect((await control('POST', '/faults', { bogus: true })).status).toBe(400);
    expect((await control('POST', '/faults', { rateLimit: null, serverErrorRate: 0 })).json).toMatchObject({
      rateLimit: null,
      serverErrorRate: 0,
    });
  });

  it('serves Flow JSON by flow id', async () => {
    const { emulator, control } = setup();
    const flowJson = '{"version":"7.3","screens":[{"id":"A","terminal":true,"layout":{}}]}';
    const created = await emulator.fetch(
      new Request('http://emulator.test/v24.0/102290129340398/flows', {
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'f', categories: ['OTHER'], flow_json: flowJson }),
      }),
    );
    const { id } = (await created.json()) as { id: string };
    const response = await emulator.fetch(new Request(`http://emulator.test/_emulator/flows/${id}/json`));
    expect(await response.text()).toBe(flowJson);
    expect((await control('GET', '/flows/404/json')).status).toBe(404);
  });
});
