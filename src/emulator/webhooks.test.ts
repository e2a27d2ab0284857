// Webhook delivery: envelope shape and Meta-style serialization, signatures over the exact bytes,
// retries with backoff on non-200 and network errors (bounded), duplicates, batching, timeouts,
// and holding webhooks until a URL is set.

import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { createWebhookReceiver, manualClock, seededRandom } from './testing.js';
import type { Emulator, EmulatorOptions } from './types.js';
import { serializeLikeMeta } from './webhooks.js';

const SECRET = 'app-secret-webhooks';
const URL_ = 'http://receiver.test/webhook';
let emulator: Emulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

function setup(options: Partial<EmulatorOptions> = {}, status?: (i: number) => number) {
  const receiver = createWebhookReceiver({ appSecret: SECRET, ...(status ? { status } : {}) });
  const clock = manualClock();
  emulator = createEmulator({
    appSecret: SECRET,
    accessToken: 'token',
    webhookUrl: URL_,
    fetch: receiver.fetch,
    now: clock.now,
    random: seededRandom(7),
    retryBaseMs: 5,
    ...options,
  });
  return { emulator, receiver, clock };
}

describe('serializeLikeMeta', () => {
  it('escapes non-ASCII per UTF-16 unit in lower-case hex and escapes slashes', () => {
    expect(serializeLikeMeta({ s: 'äöå 😮 a/b' })).toBe('{"s":"\\u00e4\\u00f6\\u00e5 \\ud83d\\ude2e a\\/b"}');
    expect(JSON.parse(serializeLikeMeta({ s: 'äöå 😮 a/b' }))).toEqual({ s: 'äöå 😮 a/b' });
  });
});

describe('webhook deliveries', () => {
  it('sends the SPEC C.3 envelope, signed over the exact escaped bytes', async () => {
    const { emulator, receiver } = setup();
    const wamid = await emulator.customer('16505551234', 'Zoë Ünal').sendText('Grüße 👋');
    await emulator.idle();
    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit!.verified).toBe(true);
    expect(hit!.signature).toBe(signBody(hit!.body, SECRET));
    expect(hit!.body).toContain('Gr\\u00fc\\u00dfe \\ud83d\\udc4b');
    expect(hit!.body).not.toMatch(/[^\x20-\x7e]/);
    expect(JSON.parse(hit!.body)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Zoë Ünal' }, wa_id: '16505551234' }],
                messages: [
                  {
                    from: '16505551234',
                    id: wamid,
                    timestamp: expect.stringMatching(/^\d+$/) as unknown,
                    text: { body: 'Grüße 👋' },
                    type: 'text',
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    });
    expect(hit!.events.map((e) => e.kind)).toEqual(['message.text']);
  });

  it('redelivers the same bytes after a 500 until the receiver answers 200', async () => {
    const { emulator, receiver } = setup({}, (i) => (i === 0 ? 500 : 200));
    await emulator.customer('16505551234').sendText('retry me');
    await emulator.idle();
    const attempts = emulator.deliveries();
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(attempts[0]!.body).toBe(attempts[1]!.body);
    expect(receiver.events().map((e) => e.kind)).toEqual(['message.text']);
  });

  it('retries network errors and gives up after the bounded number of attempts', async () => {
    let calls = 0;
    emulator = createEmulator({
      appSecret: SECRET,
      accessToken: 'token',
      webhookUrl: URL_,
      retryBaseMs: 1,
      maxDeliveryAttempts: 4,
      fetch: () => {
        calls += 1;
        return Promise.reject(new TypeError('fetch failed'));
      },
    });
    await emulator.customer('16505551234').sendText('nobody home');
    await emulator.idle();
    expect(calls).toBe(4);
    expect(emulator.deliveries().map((d) => [d.attempt, d.status, d.error])).toEqual([
      [1, null, 'fetch failed'],
      [2, null, 'fetch failed'],
      [3, null, 'fetch failed'],
      [4, null, 'fetch failed'],
    ]);
  });

  it('times out a receiver that never answers and retries', async () => {
    let calls = 0;
    emulator = createEmulator({
      appSecret: SECRET,
      accessToken: 'token',
      webhookUrl: URL_,
      retryBaseMs: 1,
      maxDeliveryAttempts: 2,
      deliveryTimeoutMs: 20,
      fetch: () => {
        calls += 1;
        return new Promise<Response>(() => undefined);
      },
    });
    await emulator.customer('16505551234').sendText('slow');
    await emulator.idle();
    expect(calls).toBe(2);
    expect(emulator.deliveries()[0]!.error).toMatch(/timed out/);
  });

  it('backs off exponentially between attempts', async () => {
    const times: number[] = [];
    emulator = createEmulator({
      appSecret: SECRET,
      accessToken: 'token',
      webhookUrl: URL_,
      retryBaseMs: 20,
      maxDeliveryAttempts: 4,
      random: () => 0.5, // jitter factor 1
      fetch: () => {
        times.push(performance.now());
        return Promise.resolve(new Response('no', { status: 503 }));
      },
    });
    await emulator.customer('16505551234').sendText('backoff');
    await emulator.idle();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
  });

  it('with duplicateRate 1 delivers every webhook twice, byte for byte', async () => {
    const { emulator, receiver } = setup({ duplicateRate: 1 });
    const customer = emulator.customer('16505551234');
    await customer.sendText('one');
    await customer.sendText('two');
    await emulator.idle();
    expect(receiver.received).toHaveLength(4);
    expect(receiver.received[0]!.body).toBe(receiver.received[1]!.body);
    expect(receiver.received[2]!.body).toBe(receiver.received[3]!.body);
    const texts = receiver.events().map((e) => (e.kind === 'message.text' ? e.text : e.kind));
    expect(texts).toEqual(['one', 'one', 'two', 'two']);
  });

  it('with batchRate 1 merges webhooks into one envelope with several entries/changes', async () => {
    const { emulator, receiver } = setup({ batchRate: 1, batchWindowMs: 30, random: seededRandom(3) });
    const customer = emulator.customer('16505551234');
    await customer.sendText('a');
    await customer.sendText('b');
    await customer.sendText('c');
    await customer.sendText('d');
    await emulator.idle();
    expect(receiver.received).toHaveLength(1);
    const envelope = JSON.parse(receiver.received[0]!.body) as { entry: { id: string; changes: unknown[] }[] };
    const changes = envelope.entry.reduce((n, e) => n + e.changes.length, 0);
    expect(changes).toBe(4);
    expect(envelope.entry.every((e) => e.id === '102290129340398')).toBe(true);
    expect(envelope.entry.length).toBeGreaterThan(1);
    expect(envelope.entry.some((e) => e.changes.length > 1)).toBe(true);
    expect(receiver.events().map((e) => (e.kind === 'message.text' ? e.text : e.kind))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('holds webhooks while no URL is set and delivers them once one is', async () => {
    const { emulator, receiver } = setup({ webhookUrl: null });
    await emulator.customer('16505551234').sendText('early');
    await emulator.idle();
    expect(receiver.received).toHaveLength(0);
    emulator.setWebhookUrl(URL_);
    await emulator.idle();
    expect(receiver.events().map((e) => e.kind)).toEqual(['message.text']);
  });

  it('performs the GET verification handshake', async () => {
    const receiver = createWebhookReceiver({ appSecret: SECRET, verifyToken: 'verify-me' });
    emulator = createEmulator({ appSecret: SECRET, accessToken: 't', webhookUrl: URL_, fetch: receiver.fetch });
    await expect(emulator.verifyWebhook('verify-me')).resolves.toMatchObject({ ok: true, status: 200 });
    await expect(emulator.verifyWebhook('wrong')).resolves.toMatchObject({ ok: false, status: 403 });
  });

  it('close() drops pending retries and resolves idle()', async () => {
    const { emulator } = setup({ retryBaseMs: 60_000 }, () => 500);
    await emulator.customer('16505551234').sendText('never acknowledged');
    await new Promise((r) => setTimeout(r, 20));
    const idle = emulator.idle();
    await emulator.close();
    await idle;
    expect(emulator.deliveries()).toHaveLength(1);
  });
});
