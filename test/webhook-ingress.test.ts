// Webhook ingress end to end over real HTTP on loopback with a real SQLite store: the GET challenge,
// signatures, limits, durability, every item of a batch, and exactly-once handling under duplicates.
import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  APP_SECRET,
  VERIFY_TOKEN,
  envelope,
  messagesChange,
  readFixture,
  startTestApp,
  textWebhook,
  waitFor,
  type TestApp,
} from './helpers.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

describe('GET /webhook challenge', () => {
  const get = (app: TestApp, query: string) => fetch(`${app.url}/webhook?${query}`);

  it('answers the raw challenge as text/plain for the right token and mode', async () => {
    t = await startTestApp();
    const res = await get(t, `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it('refuses a wrong token or mode with 403 and missing parameters with 400', async () => {
    t = await startTestApp();
    expect((await get(t, `hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    expect((await get(t, `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}x&hub.challenge=1`)).status).toBe(403);
    expect((await get(t, `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    expect((await get(t, `hub.mode=subscribe&hub.challenge=1`)).status).toBe(400);
    expect((await get(t, `hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(400);
    expect((await get(t, `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`)).status).toBe(400);
  });
});

describe('POST /webhook signature and limits', () => {
  it('accepts a valid signature and stores the exact bytes', async () => {
    t = await startTestApp();
    const body = textWebhook([{ id: 'wamid.sig-ok' }]);
    const res = await t.post(body);
    expect(res.status).toBe(200);
    const row = (await t.app.gateway.store.inbox.get(1))!;
    expect(Buffer.from(row.body).toString('utf8')).toBe(body);
  });

  it.each([
    ['missing', null, /missing/],
    ['wrong secret', `sha256=${createHmac('sha256', 'other').update('x').digest('hex')}`, /does not match/],
    ['short digest', 'sha256=abc123', /malformed/],
    ['long digest', `sha256=${'a'.repeat(65)}`, /malformed/],
    ['uppercase digest', `sha256=${'A'.repeat(64)}`, /malformed/],
    ['non-hex digest', `sha256=${'g'.repeat(64)}`, /malformed/],
    ['no prefix', 'a'.repeat(64), /malformed/],
  ])('rejects a %s signature with 401 and stores nothing', async (_name, signature, message) => {
    t ??= await startTestApp();
    const res = await t.post(textWebhook([{ id: 'wamid.bad-sig' }]), { signature });
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(message);
    expect((await t.app.gateway.store.inbox.counts()).total).toBe(0);
  });

  it('verifies a body with \\u-escaped non-ASCII on its raw bytes', async () => {
    t = await startTestApp();
    const body = textWebhook([{ id: 'wamid.unicode', text: 'PLACEHOLDER' }]).replace(
      'PLACEHOLDER',
      '\\u00e4\\u00f6\\u00e5',
    );
    expect((await t.post(body)).status).toBe(200);
    const [event] = await waitFor(async () => {
      const rows = await t!.app.gateway.store.events.list();
      return rows.length === 1 ? rows : undefined;
    });
    expect(event!.event.kind === 'message.text' && event!.event.text).toBe('äöå');
  });

  it('accepts the previous app secret during rotation', async () => {
    t = await startTestApp({ appSecret: 'new-secret-abcdefghijklmnop', appSecretPrevious: APP_SECRET });
    expect((await t.post(textWebhook([{ id: 'wamid.rotation' }]))).status).toBe(200);
    expect(
      (
        await t.post(textWebhook([{ id: 'wamid.rotation2' }]), {
          signature: `sha256=${createHmac('sha256', 'stale').update('x').digest('hex')}`,
        })
      ).status,
    ).toBe(401);
  });

  it('answers 413 for a body over the limit, by Content-Length or by streaming', async () => {
    t = await startTestApp({ webhookMaxBytes: 1024 });
    const big = textWebhook([{ id: 'wamid.big', text: 'x'.repeat(2000) }]);
    const res = await t.post(big);
    expect(res.status).toBe(413);
    // Chunked upload without Content-Length: the stream is cut at the limit.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(512).fill(0x20));
        controller.close();
      },
    });
    const chunked = await fetch(`${t.url}/webhook`, {
      method: 'POST',
      body: stream,
      headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect((await t.app.gateway.store.inbox.counts()).total).toBe(0);
  });

  it('keeps a signed body that is not JSON (or is empty) and surfaces a parse_error event', async () => {
    t = await startTestApp();
    expect((await t.post('{"object": "whatsapp_business_account", "entry": [')).status).toBe(200);
    expect((await t.post('')).status).toBe(200);
    const events = await waitFor(async () => {
      const rows = await t!.app.gateway.store.events.list({ kind: 'parse_error' });
      return rows.length === 2 ? rows : undefined;
    });
    expect(events.every((e) => e.kind === 'parse_error')).toBe(true);
    const inbox = await t.app.gateway.store.inbox.counts();
    expect(inbox).toEqual({ total: 2, pending: 0 });
  });

  it('answers 503 when the inbox cannot commit, so Meta retries', async () => {
    t = await startTestApp();
    await t.app.gateway.store.opened.inbox.schema.dropTable('inbox').execute();
    const res = await t.post(textWebhook([{ id: 'wamid.db-down' }]));
    expect(res.status).toBe(503);
  });
});

describe('every item, exactly once', () => {
  it('turns one POST of 1,000 updates over several entries and changes into 1,000 events', async () => {
    let handled = 0;
    t = await startTestApp({}, {}, (app) =>
      app.on('*', () => {
        handled++;
      }),
    );
    const entries: Record<string, unknown>[][] = [];
    let n = 0;
    for (let e = 0; e < 4; e++) {
      const changes: Record<string, unknown>[] = [];
      for (let c = 0; c < 5; c++) {
        const messages = Array.from({ length: 30 }, () => ({
          id: `wamid.batch-${n++}`,
          from: `1650555${String(n % 997).padStart(4, '0')}`,
        }));
        const statuses = Array.from({ length: 20 }, () => ({ id: `wamid.out-${n++}`, status: 'delivered' }));
        changes.push(messagesChange(messages, statuses));
      }
      entries.push(changes);
    }
    expect(n).toBe(1000);
    expect((await t.post(envelope(entries))).status).toBe(200);
    await waitFor(() => handled === 1000 || undefined, 20_000, '1,000 handled events');
    expect(await t.app.gateway.store.events.count()).toBe(1000);
  });

  it('dispatches a backlog of 150 bodies, each once, with the dispatcher pacing itself between batches', async () => {
    let handled = 0;
    // The tests share the cores, so the HTTP thread may well wait for one: pacing on or off, nothing is lost.
    t = await startTestApp({ dispatchShareWhenContended: 0.25 }, {}, (app) =>
      app.on('message.text', () => {
        handled++;
      }),
    );
    const app = t;
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => app.post(textWebhook([{ id: `wamid.paced-${i}` }]))),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    await waitFor(() => handled === 150 || undefined, 20_000, '150 handled events');
    expect(await app.app.gateway.store.events.count()).toBe(150);
    expect((await app.app.gateway.store.inbox.counts()).pending).toBe(0);
  });

  it('handles a message delivered twice in one POST and again in a later POST once', async () => {
    const seen: string[] = [];
    t = await startTestApp({}, {}, (app) =>
      app.on('message.text', (ctx) => {
        seen.push(ctx.event.id);
      }),
    );
    const dup = { id: 'wamid.dup-1', text: 'once please' };
    expect((await t.post(textWebhook([dup, dup, { id: 'wamid.other' }]))).status).toBe(200);
    await waitFor(() => seen.length === 2 || undefined);
    expect((await t.post(textWebhook([dup]))).status).toBe(200);
    await waitFor(async () => ((await t!.app.gateway.store.inbox.counts()).pending === 0 ? true : undefined));
    await t.app.gateway.dispatcher.drain();
    expect(seen.sort()).toEqual(['wamid.dup-1', 'wamid.other']);
  });

  it('stores contacts, inbound messages and statuses from real fixtures', async () => {
    t = await startTestApp();
    expect((await t.post(readFixture('webhooks/meta_docs/messages_text.json'))).status).toBe(200);
    const events = await waitFor(async () => {
      const rows = await t!.app.gateway.store.events.list();
      return rows.length > 0 ? rows : undefined;
    });
    const event = events[0]!.event;
    expect(event.kind).toBe('message.text');
    if (event.category !== 'message') throw new Error('expected a message');
    const contact = await t.app.gateway.store.records.contact(event.fromWaId);
    expect(contact?.phone).toBe(event.from);
    expect(contact?.profile_name).toBe(event.profileName);
    const stored = await t.app.gateway.store.records.messageByWamid(event.id);
    expect(stored?.direction).toBe('in');
    expect(stored?.type).toBe('text');
  });
});

describe('handlers', () => {
  it('retries a throwing handler and dead-letters it with its error after max attempts', async () => {
    let calls = 0;
    t = await startTestApp({ jobMaxAttempts: 3 }, {}, (app) =>
      app.on('message.text', () => {
        calls++;
        throw new Error('boom from handler');
      }),
    );
    expect((await t.post(textWebhook([{ id: 'wamid.fails' }]))).status).toBe(200);
    const dead = await waitFor(async () => {
      const rows = await t!.app.gateway.queue.listDead();
      return rows.length === 1 ? rows : undefined;
    });
    expect(calls).toBe(3);
    expect(dead[0]!.lastError).toMatch(/handler message\.text#0 failed: boom from handler/);
  });

  it('does not re-run a handler that finished when a later handler fails and the job retries', async () => {
    let first = 0;
    let second = 0;
    t = await startTestApp({ jobMaxAttempts: 5 }, {}, (app) => {
      app.on('message.text', () => {
        first++;
      });
      app.on('message.*', () => {
        second++;
        if (second < 3) throw new Error('flaky');
      });
    });
    expect((await t.post(textWebhook([{ id: 'wamid.partial' }]))).status).toBe(200);
    await waitFor(() => second === 3 || undefined);
    await waitFor(async () => ((await t!.app.gateway.queue.counts()).ready === 0 ? true : undefined));
    expect(first).toBe(1);
  });
});

describe('operations endpoints and reprocessing', () => {
  it('answers /healthz, /readyz and /metrics, and 404 with a JSON error', async () => {
    t = await startTestApp();
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: true });
    await t.post(textWebhook([{ id: 'wamid.metrics' }]));
    await t.post('{}', { signature: null });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/flowgate_webhook_requests_total\{outcome="accepted"\} 1/);
    expect(metrics).toMatch(/flowgate_webhook_requests_total\{outcome="signature_missing"\} 1/);
    const missing = await fetch(`${t.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });

  it('re-dispatches requeued inbox bodies without duplicating events or handler runs', async () => {
    let handled = 0;
    t = await startTestApp({}, {}, (app) =>
      app.on('message.*', () => {
        handled++;
      }),
    );
    expect((await t.post(textWebhook([{ id: 'wamid.re-1' }, { id: 'wamid.re-2' }]))).status).toBe(200);
    await waitFor(() => handled === 2 || undefined);
    expect(await t.app.gateway.store.inbox.requeueSince(0)).toBe(1);
    // The background dispatcher may pick the row up first; either way nothing new is claimed.
    const result = await t.app.gateway.dispatcher.drain();
    expect(result.claimed).toBe(0);
    await waitFor(async () => ((await t!.app.gateway.store.inbox.counts()).pending === 0 ? true : undefined));
    await waitFor(async () => ((await t!.app.gateway.queue.counts()).ready === 0 ? true : undefined));
    expect(handled).toBe(2);
    expect(await t.app.gateway.store.events.count()).toBe(2);
  });
});
