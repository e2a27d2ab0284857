// Outbound messaging end to end: Flowgate and the emulator (a local Meta) talk over real loopback HTTP.
// Replies, the admin API, the 24-hour window, rate limits with Retry-After, uncertain sends and statuses.
import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient, MediaUrlExpiredError } from '../src/graph/index.js';
import type { CreateAppOptions, FlowgateApp } from '../src/index.js';
import type { ConfigInput } from '../src/config/index.js';
import {
  ACCESS_TOKEN,
  ADMIN_TOKEN,
  PHONE_NUMBER_ID,
  startWithEmulator,
  waitFor,
  type EmulatorPair as Pair,
} from './helpers.js';

let pair: Pair | null = null;
afterEach(async () => {
  await pair?.t.stop();
  await pair?.emulator.close();
  pair = null;
});

function startPair(
  config: ConfigInput = {},
  setup?: (app: FlowgateApp) => void,
  app: Omit<CreateAppOptions, 'config'> = {},
  emulatorNow?: () => number,
): Promise<Pair> {
  return startWithEmulator({
    config,
    app,
    ...(setup === undefined ? {} : { setup }),
    emulator: emulatorNow === undefined ? {} : { now: emulatorNow },
  });
}

function api(p: Pair, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${p.t.url}/api${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

describe('replies and statuses', () => {
  it('a handler reply reaches the customer once and its statuses arrive in order', async () => {
    pair = await startPair({}, (app) =>
      app.on('message.text', async (ctx) => {
        await ctx.reply({ type: 'text', body: `echo: ${ctx.event.text}` }, { quote: true });
      }),
    );
    const customer = pair.emulator.customer('15557654321', 'Grace');
    const inbound = await customer.sendText('hello there');
    const sent = await waitFor(() => pair!.emulator.sentMessages().find((m) => m.status === 'read'));
    expect(sent.to).toBe('15557654321');
    expect(sent.body).toMatchObject({
      type: 'text',
      text: { body: 'echo: hello there' },
      context: { message_id: inbound },
    });
    const stored = await waitFor(async () => {
      const row = await pair!.t.app.gateway.store.records.messageByWamid(sent.wamid);
      return row?.status === 'read' ? row : undefined;
    });
    expect(stored.direction).toBe('out');
    expect(stored.state).toBe('accepted');
    expect(pair.emulator.sentMessages()).toHaveLength(1);
  });

  it('POST /api/messages → 202 {id}; GET /api/messages/:id shows the status history', async () => {
    pair = await startPair();
    await pair.emulator.customer('15550001111').sendText('hi');
    await waitFor(async () =>
      (await pair!.t.app.gateway.store.records.contact('15550001111')) === null ? undefined : true,
    );
    const res = await api(pair, '/messages', {
      method: 'POST',
      body: JSON.stringify({ to: '+15550001111', message: { type: 'text', body: 'Your order shipped' } }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const view = await waitFor(async () => {
      const body = (await (await api(pair!, `/messages/${id}`)).json()) as {
        status: string | null;
        statuses: { status: string }[];
        wamid: string;
        to: string;
      };
      return body.status === 'read' ? body : undefined;
    });
    expect(view.to).toBe('+15550001111');
    expect(view.wamid).toMatch(/^wamid\./);
    expect(view.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('the same idempotency key queues one message', async () => {
    pair = await startPair();
    await pair.emulator.customer('15550002222').sendText('hi');
    await waitFor(async () =>
      (await pair!.t.app.gateway.store.records.contact('15550002222')) === null ? undefined : true,
    );
    const body = JSON.stringify({
      to: '+15550002222',
      message: { type: 'text', body: 'once' },
      idempotencyKey: 'order-17-shipped',
    });
    const first = await api(pair, '/messages', { method: 'POST', body });
    const second = await api(pair, '/messages', { method: 'POST', body });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(((await second.json()) as { id: string; created: boolean }).created).toBe(false);
    await waitFor(() => pair!.emulator.sentMessages().length === 1 || undefined);
    await pair.t.app.gateway.stop();
    expect(pair.emulator.sentMessages()).toHaveLength(1);
  });
});

describe('admin API input and auth', () => {
  it('rejects bad tokens, bad JSON and invalid messages with specific errors', async () => {
    pair = await startPair();
    expect((await fetch(`${pair.t.url}/api/messages/x`)).status).toBe(401);
    expect((await api(pair, '/messages/x', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await api(pair, '/messages/nope')).status).toBe(404);
    const bad = async (body: string) => {
      const res = await api(pair!, '/messages', { method: 'POST', body });
      return { status: res.status, body: (await res.json()) as { error: string; message: string; path?: string } };
    };
    expect(await bad('{not json')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(await bad('{"to": 5, "message": {}}')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const tooMany = await bad(
      JSON.stringify({
        to: '+15550003333',
        message: {
          type: 'interactive_buttons',
          body: 'pick',
          buttons: ['a', 'b', 'c', 'd'].map((x) => ({ id: x, title: x })),
        },
      }),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toBe('flowgate.message.invalid');
    expect(tooMany.body.message).toMatch(/at most 3/);
    expect(pair.emulator.sentMessages()).toHaveLength(0);
  });
});

describe('the 24-hour window', () => {
  it('refuses a free-form message to a customer who never wrote, locally, and allows a template', async () => {
    pair = await startPair();
    const res = await api(pair, '/messages', {
      method: 'POST',
      body: JSON.stringify({ to: '+15550004444', message: { type: 'text', body: 'hello?' } }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('flowgate.outbound.outside_window');
    expect(body.message).toMatch(/template/);
    const template = await api(pair, '/messages', {
      method: 'POST',
      body: JSON.stringify({
        to: '+15550004444',
        message: { type: 'template', name: 'order_update', language: 'en_US' },
      }),
    });
    expect(template.status).toBe(202);
    await waitFor(() => pair!.emulator.sentMessages().length === 1 || undefined);
    expect(pair.emulator.sentMessages()[0]!.type).toBe('template');
  });

  it('uses the injected clock: a customer who wrote 25 hours ago is outside the window', async () => {
    let now = Date.UTC(2026, 10, 22, 12);
    pair = await startPair({}, undefined, { now: () => now }, () => now);
    await pair.emulator.customer('15550005555').sendText('hi');
    await waitFor(async () =>
      (await pair!.t.app.gateway.store.records.contact('15550005555')) === null ? undefined : true,
    );
    await expect(pair.t.app.send('+15550005555', { type: 'text', body: 'within the window' })).resolves.toMatchObject({
      created: true,
    });
    now += 25 * 3600 * 1000;
    await expect(pair.t.app.send('+15550005555', { type: 'text', body: 'too late' })).rejects.toMatchObject({
      name: 'OutsideWindowError',
    });
  });

  it('a message Meta fails with 131047 is marked failed and never retried', async () => {
    // Flowgate's clock thinks the customer wrote a minute ago; Meta's (the emulator's) is 2 days ahead.
    const base = Date.UTC(2026, 10, 22, 12);
    let metaNow = base;
    pair = await startPair({}, undefined, { now: () => base + 60_000 }, () => metaNow);
    await pair.emulator.customer('15550006666').sendText('hi');
    await waitFor(async () =>
      (await pair!.t.app.gateway.store.records.contact('15550006666')) === null ? undefined : true,
    );
    metaNow = base + 2 * 24 * 3600 * 1000;
    const { id } = await pair.t.app.send('+15550006666', { type: 'text', body: 'stale' });
    const record = await waitFor(async () => {
      const r = await pair!.t.app.gateway.store.outbound.get(id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(JSON.stringify(record.error)).toMatch(/131047/);
    await pair.emulator.idle();
    expect(pair.emulator.sentMessages().filter((m) => m.to === '15550006666')).toHaveLength(1);
  });
});

describe('Meta refusing or failing sends', () => {
  it('honours 429 Retry-After and delivers once', async () => {
    const slept: number[] = [];
    pair = await startPair({}, undefined, {});
    const graph = new GraphClient({
      baseUrl: pair.graphUrl,
      version: 'v24.0',
      accessToken: ACCESS_TOKEN,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    pair.emulator.setFaults({ rateLimit: { every: 1, retryAfterSeconds: 3 } });
    const sending = graph.sendMessage(PHONE_NUMBER_ID, {
      messaging_product: 'whatsapp',
      to: '15550007777',
      type: 'template',
      template: { name: 'x', language: { code: 'en_US' } },
    });
    await expect(sending).rejects.toMatchObject({ name: 'RateLimitError', retryAfterMs: 3000 });
    expect(slept.every((ms) => ms === 3000)).toBe(true);
    expect(slept.length).toBeGreaterThan(0);
    // Every second send is refused (the counter restarts with the knob): the first goes through at once,
    // the second after exactly the Retry-After wait.
    pair.emulator.setFaults({ rateLimit: { every: 2, retryAfterSeconds: 2 } });
    slept.length = 0;
    const template = {
      messaging_product: 'whatsapp',
      to: '15550007777',
      type: 'template',
      template: { name: 'x', language: { code: 'en_US' } },
    };
    expect((await graph.sendMessage(PHONE_NUMBER_ID, template)).wamid).toMatch(/^wamid\./);
    expect(slept).toEqual([]);
    expect((await graph.sendMessage(PHONE_NUMBER_ID, template)).wamid).toMatch(/^wamid\./);
    expect(slept).toEqual([2000]);
    expect(pair.emulator.sentMessages()).toHaveLength(2);
  });

  it('a 5xx on a send is not retried: the message is marked uncertain and dead-lettered for a person', async () => {
    pair = await startPair();
    pair.emulator.setFaults({ serverErrorRate: 1 });
    const { id } = await pair.t.app.send('+15550008888', { type: 'template', name: 'order_update', language: 'en_US' });
    const record = await waitFor(async () => {
      const r = await pair!.t.app.gateway.store.outbound.get(id);
      return r?.state === 'uncertain' ? r : undefined;
    });
    expect(record.wamid).toBeNull();
    const dead = await waitFor(async () => {
      const rows = await pair!.t.app.gateway.queue.listDead({ queue: 'outbound' });
      return rows.length === 1 ? rows : undefined;
    });
    expect(dead[0]!.attempts).toBe(1);
    expect(dead[0]!.lastError).toMatch(/may have been sent/);
  });
});

describe('media through the emulator', () => {
  it('re-resolves an expired media URL', async () => {
    let now = Date.UTC(2026, 10, 22, 12);
    pair = await startPair({}, undefined, {}, () => now);
    const graph = new GraphClient({ baseUrl: pair.graphUrl, version: 'v24.0', accessToken: ACCESS_TOKEN });
    const bytes = new TextEncoder().encode('%PDF-1.4 a tiny test document');
    const { id } = await graph.uploadMedia(PHONE_NUMBER_ID, {
      data: bytes,
      mimeType: 'application/pdf',
      filename: 'a.pdf',
    });
    const first = await graph.getMedia(id);
    now += 6 * 60 * 1000; // URLs live 5 minutes
    await expect(graph.downloadMedia(first.url)).rejects.toBeInstanceOf(MediaUrlExpiredError);
    const again = await graph.getMedia(id);
    const download = await graph.downloadMedia(again.url);
    expect(new Uint8Array(await new Response(download.body).arrayBuffer())).toEqual(bytes);
    expect(again.fileSize).toBe(bytes.byteLength);
  });
});

describe('throughput', () => {
  it('never exceeds the configured rate in any one-second window', async () => {
    // The limiter spaces the moments sends start; record those in the fetch the Graph client uses, on the
    // limiter's own clock (Date.now), which it reads right before the send is handed to fetch.
    const started: number[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/messages')) started.push(Date.now());
      return fetch(input, init);
    };
    pair = await startPair({ outboundRate: 5 }, undefined, { fetch: recordingFetch });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pair!.t.app.send('+15550009999', { type: 'template', name: `t${i}`, language: 'en_US' }),
      ),
    );
    await waitFor(() => pair!.emulator.sentMessages().length === 12 || undefined, 15_000);
    expect(started).toHaveLength(12);
    // Any 6 consecutive sends span at least one second (less the millisecond a send may take to reach fetch).
    for (let i = 5; i < started.length; i++) expect(started[i]! - started[i - 5]!).toBeGreaterThanOrEqual(999);
    // …and the limiter does not brake below the rate: the sends after the first 5 wait for the window, not more
    // (how fast the machine runs is not asserted here; the limiter's own tests check the full rate is used).
    expect(started[5]! - started[0]!).toBeGreaterThanOrEqual(999);
  });
});
