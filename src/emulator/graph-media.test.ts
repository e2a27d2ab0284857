// Media endpoints: multipart upload, GET /{media-id} with a 5-minute download URL on the
// emulator's origin (Bearer token required, 404 after expiry on the injected clock), DELETE, and
// media sent by simulated customers being downloadable the same way.

import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaMessageEvent } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { createWebhookReceiver, manualClock, seededRandom } from './testing.js';
import type { Emulator } from './types.js';

const TOKEN = 'media-token';
const PHONE = '106540352242922';
const BASE = 'http://graph.local:9999';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
let emulator: Emulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

function setup() {
  const clock = manualClock();
  const receiver = createWebhookReceiver({ appSecret: 'x' });
  emulator = createEmulator({
    appSecret: 'x',
    accessToken: TOKEN,
    webhookUrl: 'http://receiver.test/webhook',
    fetch: receiver.fetch,
    now: clock.now,
    random: seededRandom(5),
  });
  const em = emulator;
  const call = (
    method: string,
    url: string,
    init: { body?: NonNullable<RequestInit['body']>; token?: string | null } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
    return em.fetch(
      new Request(url.startsWith('http') ? url : `${BASE}${url}`, {
        method,
        headers,
        ...(init.body ? { body: init.body } : {}),
      }),
    );
  };
  const upload = (
    bytes: Uint8Array,
    type: string,
    extra: Record<string, string> = { messaging_product: 'whatsapp' },
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    form.set('type', type);
    form.set('file', new Blob([bytes], { type }), 'upload.bin');
    return call('POST', `/v24.0/${PHONE}/media`, { body: form });
  };
  return { emulator: em, clock, call, upload, receiver };
}

interface MediaInfo {
  messaging_product: string;
  url: string;
  mime_type: string;
  sha256: string;
  file_size: string;
  id: string;
}

describe('media', () => {
  it('uploads, describes, downloads with the token, and expires the URL after 5 minutes', async () => {
    const { call, upload, clock } = setup();
    const uploaded = await upload(PNG, 'image/png');
    expect(uploaded.status).toBe(200);
    const { id } = (await uploaded.json()) as { id: string };
    expect(id).toMatch(/^\d{16}$/);

    const info = (await (await call('GET', `/v24.0/${id}`)).json()) as MediaInfo;
    expect(Object.keys(info)).toEqual(['messaging_product', 'url', 'mime_type', 'sha256', 'file_size', 'id']);
    expect(info).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('base64'),
      file_size: String(PNG.byteLength),
      id,
    });
    expect(info.url.startsWith(`${BASE}/whatsapp_business/attachments/?mid=${id}&`)).toBe(true);

    const download = await call('GET', info.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);

    const anonymous = await call('GET', info.url, { token: null });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 190 } });
    expect((await call('GET', info.url, { token: 'stale' })).status).toBe(401);

    clock.advance(5 * 60 * 1000 + 1);
    expect((await call('GET', info.url)).status).toBe(404);
    const fresh = (await (await call('GET', `/v24.0/${id}`)).json()) as MediaInfo;
    expect(fresh.url).not.toBe(info.url);
    expect((await call('GET', fresh.url)).status).toBe(200);
  });

  it('deletes media: the id and its URLs stop working', async () => {
    const { call, upload } = setup();
    const { id } = (await (await upload(PNG, 'image/png')).json()) as { id: string };
    const { url } = (await (await call('GET', `/v24.0/${id}`)).json()) as MediaInfo;
    const deleted = await call('DELETE', `/v24.0/${id}`);
    expect(await deleted.json()).toEqual({ success: true });
    expect((await call('GET', url)).status).toBe(404);
    const gone = await call('GET', `/v24.0/${id}`);
    expect(gone.status).toBe(400);
    expect(await gone.json()).toMatchObject({ error: { code: 100, error_subcode: 33 } });
  });

  it('checks phone_number_id when given', async () => {
    const { call, upload } = setup();
    const { id } = (await (await upload(PNG, 'image/png')).json()) as { id: string };
    expect((await call('GET', `/v24.0/${id}?phone_number_id=${PHONE}`)).status).toBe(200);
    const other = await call('GET', `/v24.0/${id}?phone_number_id=123`);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: { code: 100 } });
  });

  it.each([
    [
      'an unsupported MIME type',
      () => ({ type: 'image/gif', extra: { messaging_product: 'whatsapp' } }),
      /following types/,
    ],
    ['no messaging_product', () => ({ type: 'image/png', extra: {} }), /messaging_product is required/],
    [
      'a wrong messaging_product',
      () => ({ type: 'image/png', extra: { messaging_product: 'sms' } }),
      /must be "whatsapp"/,
    ],
  ])('refuses an upload with %s', async (_name, make, details) => {
    const { upload } = setup();
    const { type, extra } = make();
    const response = await upload(PNG, type, extra);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 100, error_data: { details: expect.stringMatching(details) as unknown } },
    });
  });

  it('refuses oversized files', async () => {
    const { upload } = setup();
    const response = await upload(new Uint8Array(600 * 1024), 'image/webp');
    expect(await response.json()).toMatchObject({
      error: { code: 100, error_data: { details: expect.stringMatching(/maximum size/) as unknown } },
    });
  });

  it('lets the business send an uploaded media id', async () => {
    const { upload, emulator } = setup();
    await emulator.customer('16505551234').sendText('send me a picture');
    const { id } = (await (await upload(PNG, 'image/png')).json()) as { id: string };
    const form = JSON.stringify({
      messaging_product: 'whatsapp',
      to: '16505551234',
      type: 'image',
      image: { id, caption: 'here' },
    });
    const response = await emulator.fetch(
      new Request(`${BASE}/v24.0/${PHONE}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: form,
      }),
    );
    expect(response.status).toBe(200);
    expect(emulator.sentMessages()[0]).toMatchObject({ type: 'image' });
  });

  it('stores customer media so the business can download it through the Graph API', async () => {
    const { call, emulator, receiver } = setup();
    const pdf = new TextEncoder().encode('%PDF-1.7 fake');
    await emulator.customer('16505551234').sendImage(PNG, { mimeType: 'image/png', caption: 'receipt' });
    await emulator.customer('16505551234').sendDocument(pdf, 'invoice.pdf');
    await emulator.idle();
    const events = receiver
      .events()
      .filter((e): e is MediaMessageEvent => e.kind === 'message.image' || e.kind === 'message.document');
    expect(events.map((e) => e.kind)).toEqual(['message.image', 'message.document']);
    for (const [event, bytes] of [
      [events[0]!, PNG],
      [events[1]!, pdf],
    ] as const) {
      const info = (await (await call('GET', `/v24.0/${event.media.id}`)).json()) as MediaInfo;
      expect(info.sha256).toBe(event.media.sha256);
      expect(info.mime_type).toBe(event.media.mimeType);
      expect(new Uint8Array(await (await call('GET', info.url)).arrayBuffer())).toEqual(bytes);
    }
    expect(events[1]!.media.filename).toBe('invoice.pdf');
    expect(emulator.media(events[0]!.media.id)?.bytes).toEqual(PNG);
  });
});
