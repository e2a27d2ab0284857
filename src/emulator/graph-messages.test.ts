// POST /{phone-number-id}/messages: acceptance and validation like Meta, status webhooks in order,
// the 24-hour window (131047), marks-as-read, auth, and the send fault knobs.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { createWebhookReceiver, manualClock, seededRandom } from './testing.js';
import type { Emulator, EmulatorOptions } from './types.js';

const FIXTURES = new URL('../../../shared/protocol/fixtures/graph_api/', import.meta.url);
const TOKEN = 'graph-token';
const CUSTOMER = '16505551234';
let emulator: Emulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

function fixture(name: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
  // Meta's Postman samples carry placeholders; a real language code replaces this one.
  const template = json.template as { language?: { code: string } } | undefined;
  if (template?.language?.code === 'language-and-locale-code') template.language.code = 'en_US';
  return json;
}

function setup(options: Partial<EmulatorOptions> = {}) {
  const receiver = createWebhookReceiver({ appSecret: 's3cret' });
  const clock = manualClock();
  emulator = createEmulator({
    appSecret: 's3cret',
    accessToken: TOKEN,
    webhookUrl: 'http://receiver.test/webhook',
    fetch: receiver.fetch,
    now: clock.now,
    random: seededRandom(11),
    statusDelayMs: 5,
    ...options,
  });
  const em = emulator;
  const send = (body: unknown, { version = 'v24.0', token = TOKEN, phone = '106540352242922' } = {}) =>
    em.fetch(
      new Request(`http://graph.test/${version}/${phone}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  return { emulator: em, receiver, clock, send };
}

const text = (body: string, to = CUSTOMER) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body },
});

function statuses(events: ReturnType<ReturnType<typeof createWebhookReceiver>['events']>): StatusEvent[] {
  return events.filter((e): e is StatusEvent => e.category === 'status');
}

describe('sending messages', () => {
  it('accepts a valid send with the documented success shape, then sent → delivered → read', async () => {
    const { emulator, receiver, send } = setup();
    await emulator.customer(CUSTOMER).sendText('hi');
    const response = await send(text('Hello!', `+${CUSTOMER}`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { messages: { id: string }[] };
    const shape = fixture('messages_send__response.json');
    expect(Object.keys(body)).toEqual(Object.keys(shape));
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }],
      messages: [{ id: expect.stringMatching(/^wamid\.HBgL[A-Za-z0-9+/=]+$/) as unknown }],
    });
    const wamid = body.messages[0]!.id;
    await emulator.idle();
    const mine = statuses(receiver.events()).filter((s) => s.messageId === wamid);
    expect(mine.map((s) => s.kind)).toEqual(['status.sent', 'status.delivered', 'status.read']);
    expect(mine.every((s) => s.recipient === `+${CUSTOMER}`)).toBe(true);
    expect(mine[0]!.pricing).toEqual({
      billable: false,
      pricingModel: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
    expect(mine[0]!.conversation).toBeNull(); // v24.0+ omits it
    expect(mine[2]!.pricing).toBeNull();
    expect(emulator.sentMessages()).toMatchObject([
      { wamid, to: CUSTOMER, type: 'text', status: 'read', body: text('Hello!', `+${CUSTOMER}`) },
    ]);
  });

  it('includes conversation objects up to v23.0, with the expiry only on sent', async () => {
    const { emulator, receiver, send } = setup();
    await emulator.customer(CUSTOMER).sendText('hi');
    await send(text('old version'), { version: 'v21.0' });
    await emulator.idle();
    const [sent, delivered] = statuses(receiver.events());
    expect(sent!.conversation).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      originType: 'service',
    });
    expect(sent!.conversation!.expiresAt).toEqual(expect.any(Number) as unknown);
    expect(delivered!.conversation).toMatchObject({ id: sent!.conversation!.id, expiresAt: null });
  });

  it('passes biz_opaque_callback_data through to the statuses', async () => {
    const { emulator, receiver, send } = setup();
    await emulator.customer(CUSTOMER).sendText('hi');
    await send({ ...text('tracked'), biz_opaque_callback_data: 'order-42' });
    await emulator.idle();
    expect(statuses(receiver.events()).map((s) => s.bizOpaqueCallbackData)).toEqual([
      'order-42',
      'order-42',
      'order-42',
    ]);
  });

  it.each([
    ['interactive_reply_buttons', 'messages_send_interactive_reply_buttons__request.json'],
    ['interactive_list', 'messages_send_interactive_list__request.json'],
    ['interactive_flow', 'messages_send_interactive_flow_published_by_id_navigate__request.json'],
    ['interactive_flow_draft', 'messages_send_interactive_flow_draft_by_name__request.json'],
    ['template', 'messages_send_template_text_currency_datetime__request.json'],
    ['template_flow_button', 'messages_send_template_with_flow_button__request.json'],
  ])('accepts Meta’s %s request fixture', async (_name, file) => {
    const { emulator, send } = setup();
    await emulator.customer(CUSTOMER).sendText('hi');
    const body = { ...fixture(file), to: CUSTOMER };
    const response = await send(body);
    expect(await response.json()).toMatchObject({ messages: [{ id: expect.stringMatching(/^wamid\./) as unknown }] });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['missing messaging_product', { to: CUSTOMER, type: 'text', text: { body: 'x' } }, /messaging_product is required/],
    ['wrong messaging_product', { ...text('x'), messaging_product: 'sms' }, /messaging_product must be "whatsapp"/],
    ['to with letters', text('x', 'bob'), /Param to must be a phone number/],
    ['unknown type', { ...text('x'), type: 'hologram' }, /Param type must be one of/],
    ['type object missing', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image' }, /image is required/],
    ['empty text', text(''), /text\['body'\] must be at least 1 character/],
    ['text too long', text('x'.repeat(4097)), /text\['body'\] must be at most 4096 characters/],
    [
      'four buttons',
      {
        ...fixture('messages_send_interactive_reply_buttons__request.json'),
        to: CUSTOMER,
        interactive: {
          type: 'button',
          body: { text: 'pick' },
          action: { buttons: [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } })) },
        },
      },
      /buttons'\] must contain at most 3 elements/,
    ],
    [
      'eleven list rows',
      {
        messaging_product: 'whatsapp',
        to: CUSTOMER,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'pick' },
          action: {
            button: 'Open',
            sections: [
              { title: 'A', rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
              { title: 'B', rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
            ],
          },
        },
      },
      /at most 10 rows in total/,
    ],
    ['flow message version 2', flowSend({ flow_message_version: '2' }), /flow_message_version'\] must be "3"/],
    ['flow with id and name', flowSend({ flow_name: 'both' }), /exactly one of flow_id or flow_name/],
    ['flow with neither id nor name', flowSend({ flow_id: undefined }), /exactly one of flow_id or flow_name/],
    [
      'template without language',
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'template', template: { name: 'hello' } },
      /template\['language'\] is required/,
    ],
    [
      'unknown media id',
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { id: '999' } },
      /not a valid media id/,
    ],
    [
      'media with id and link',
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { id: '1', link: 'https://x.test/a.png' } },
      /exactly one of/,
    ],
  ];

  it.each(bad)('refuses %s with a Meta-shaped 400', async (_name, body, details) => {
    const { send, emulator } = setup();
    const response = await send(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({
      message: expect.stringMatching(/^\(#100\) /) as unknown,
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: expect.stringMatching(details) as unknown },
      fbtrace_id: expect.stringMatching(/^[A-Za-z0-9_-]{23}$/) as unknown,
    });
    expect(emulator.sentMessages()).toEqual([]);
  });

  it('answers an unknown phone-number-id with 400/100 and a bad token with 401/190', async () => {
    const { send } = setup();
    const unknown = await send(text('x'), { phone: '999' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: { code: 100, error_subcode: 33, type: 'GraphMethodException' },
    });
    const self = await send(text('x', '15550783881'));
    expect(await self.json()).toMatchObject({ error: { code: 131021 } });
    const unauthorized = await send(text('x'), { token: 'nope' });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { code: 190, type: 'OAuthException' } });
  });

  it('marks a message as read with {"success": true} and records nothing', async () => {
    const { send, emulator } = setup();
    const wamid = await emulator.customer(CUSTOMER).sendText('read me');
    for (const file of [
      'messages_mark_as_read__request.json',
      'messages_read_receipt_with_typing_indicator__request.json',
    ]) {
      const response = await send({ ...fixture(file), message_id: wamid });
      expect(await response.json()).toEqual(fixture('messages_mark_as_read__response.json'));
    }
    expect(emulator.sentMessages()).toEqual([]);
  });
});

function flowSend(parameters: Record<string, unknown>): Record<string, unknown> {
  const base = JSON.parse(
    readFileSync(new URL('messages_send_interactive_flow_published_by_id_navigate__request.json', FIXTURES), 'utf8'),
  ) as {
    interactive: { action: { parameters: Record<string, unknown> } };
  };
  base.interactive.action.parameters = { ...base.interactive.action.parameters, ...parameters };
  return { ...base, to: CUSTOMER };
}

describe('the 24-hour customer service window', () => {
  it('fails a free-form message with 131047 once the last inbound is older than 24 h; templates still deliver', async () => {
    const { emulator, receiver, send, clock } = setup();
    await emulator.customer(CUSTOMER).sendText('hello');
    clock.advance(24 * 60 * 60 * 1000 + 1);
    const accepted = await send(text('too late'));
    expect(accepted.status).toBe(200);
    const { messages } = (await accepted.json()) as { messages: { id: string }[] };
    const template = await send({
      ...fixture('messages_send_template_text_currency_datetime__request.json'),
      to: CUSTOMER,
    });
    const templateId = ((await template.json()) as { messages: { id: string }[] }).messages[0]!.id;
    await emulator.idle();
    const all = statuses(receiver.events());
    const failed = all.filter((s) => s.messageId === messages[0]!.id);
    expect(failed.map((s) => s.kind)).toEqual(['status.failed']);
    expect(failed[0]!.errors).toEqual([
      expect.objectContaining({
        code: 131047,
        title: 'Re-engagement message',
        details: expect.stringContaining('24 hours') as unknown,
      }) as unknown,
    ]);
    expect(all.filter((s) => s.messageId === templateId).map((s) => s.kind)).toEqual([
      'status.sent',
      'status.delivered',
      'status.read',
    ]);
    expect(all.find((s) => s.messageId === templateId)!.pricing).toMatchObject({
      billable: true,
      category: 'utility',
      type: 'regular',
    });
    expect(emulator.sentMessages().map((m) => m.status)).toEqual(['failed', 'read']);
  });

  it('treats a customer who never wrote as outside the window', async () => {
    const { emulator, receiver, send } = setup();
    await send(text('cold outreach', '4915112345678'));
    await emulator.idle();
    expect(statuses(receiver.events()).map((s) => s.kind)).toEqual(['status.failed']);
  });
});

describe('send fault knobs', () => {
  it('rateLimit answers every N-th send with 429, Retry-After and a 130429 body', async () => {
    const { emulator, send } = setup();
    await emulator.customer(CUSTOMER).sendText('hi');
    emulator.setFaults({ rateLimit: { every: 2, retryAfterSeconds: 7 } });
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await send(text(`n${i}`)));
    expect(results.map((r) => r.status)).toEqual([200, 429, 200, 429]);
    expect(results[1]!.headers.get('retry-after')).toBe('7');
    const body = (await results[1]!.json()) as { error: Record<string, unknown> };
    const documented = fixture('error_response_130429_meta_docs.json').error as Record<string, unknown>;
    expect(body.error).toMatchObject({ ...documented, fbtrace_id: expect.any(String) as unknown });
    expect(emulator.sentMessages()).toHaveLength(2);
  });

  it('throughputPerSecond refuses sends beyond the sliding second with 130429', async () => {
    const { emulator, send, clock } = setup();
    await emulator.customer(CUSTOMER).sendText('hi');
    emulator.setFaults({ throughputPerSecond: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1) codes.push((await send(text(`n${i}`))).status);
    expect(codes).toEqual([200, 200, 200, 400]);
    const refused = await send(text('again'));
    expect(await refused.json()).toMatchObject({ error: { code: 130429 } });
    clock.advance(1001);
    expect((await send(text('next second'))).status).toBe(200);
  });

  it('serverErrorRate 1 answers 500 (131000, transient); latencyMs delays answers', async () => {
    const { emulator, send } = setup();
    emulator.setFaults({ serverErrorRate: 1 });
    const failed = await send(text('x'));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { code: 131000, is_transient: true } });
    emulator.setFaults({ serverErrorRate: 0, latencyMs: 60 });
    const started = performance.now();
    await send(text('x'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
