// The forwarder against real receivers on loopback: signed bodies, retries after a failing answer,
// exactly one accepted delivery per event and receiver.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startTestApp, textWebhook, waitFor, type TestApp } from './helpers.js';

const FORWARD_SECRET = 'forward-secret-0123456789';

interface Delivery {
  body: string;
  signature: string | undefined;
  valid: boolean;
  answered: number;
}

async function receiver(
  answer: (n: number) => number,
): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-flowgate-signature'] as string | undefined;
      const expected = Buffer.from(`sha256=${createHmac('sha256', FORWARD_SECRET).update(body).digest('hex')}`);
      const valid =
        signature !== undefined &&
        signature.length === expected.length &&
        timingSafeEqual(Buffer.from(signature), expected);
      const status = answer(deliveries.length);
      deliveries.push({ body, signature, valid, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, deliveries, server };
}

let t: TestApp | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await t?.stop();
  t = null;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('forwarder', () => {
  it('POSTs each event as normalized JSON signed with the forward secret', async () => {
    const r = await receiver(() => 200);
    servers.push(r.server);
    t = await startTestApp({ forwardUrls: [r.url], forwardSecret: FORWARD_SECRET });
    expect((await t.post(textWebhook([{ id: 'wamid.fwd-1', text: 'forward me' }]))).status).toBe(200);
    await waitFor(() => r.deliveries.length === 1 || undefined);
    const [d] = r.deliveries;
    expect(d!.valid).toBe(true);
    const payload = JSON.parse(d!.body) as { kind: string; event: { id: string; text: string; from: string } };
    expect(payload.kind).toBe('message.text');
    expect(payload.event.id).toBe('wamid.fwd-1');
    expect(payload.event.text).toBe('forward me');
    expect(payload.event.from).toBe('+16505551234');
  });

  it('retries a receiver that answers 500, then delivers exactly once', async () => {
    const flaky = await receiver((n) => (n === 0 ? 500 : 200));
    const healthy = await receiver(() => 204);
    servers.push(flaky.server, healthy.server);
    t = await startTestApp({ forwardUrls: [flaky.url, healthy.url], forwardSecret: FORWARD_SECRET });
    expect((await t.post(textWebhook([{ id: 'wamid.fwd-retry' }]))).status).toBe(200);
    await waitFor(() => flaky.deliveries.length === 2 || undefined);
    await waitFor(async () => ((await t!.app.gateway.queue.counts()).ready === 0 ? true : undefined));
    expect(flaky.deliveries.map((d) => d.answered)).toEqual([500, 200]);
    expect(flaky.deliveries.every((d) => d.valid)).toBe(true);
    expect(healthy.deliveries).toHaveLength(1);
    // The same webhook again (a Meta retry) forwards nothing new.
    expect((await t.post(textWebhook([{ id: 'wamid.fwd-retry' }]))).status).toBe(200);
    await waitFor(async () => ((await t!.app.gateway.store.inbox.counts()).pending === 0 ? true : undefined));
    await t.app.gateway.dispatcher.drain();
    expect(flaky.deliveries.filter((d) => d.answered === 200)).toHaveLength(1);
    expect(healthy.deliveries).toHaveLength(1);
  });

  it('dead-letters after max attempts against a receiver that keeps failing', async () => {
    const down = await receiver(() => 503);
    servers.push(down.server);
    t = await startTestApp({ forwardUrls: [down.url], forwardSecret: FORWARD_SECRET, jobMaxAttempts: 2 });
    expect((await t.post(textWebhook([{ id: 'wamid.fwd-dead' }]))).status).toBe(200);
    const dead = await waitFor(async () => {
      const rows = await t!.app.gateway.queue.listDead({ queue: 'forward' });
      return rows.length === 1 ? rows : undefined;
    });
    expect(dead[0]!.lastError).toMatch(/answered HTTP 503/);
    expect(dead[0]!.lastError).not.toContain('/hook');
    expect(down.deliveries).toHaveLength(2);
  });
});
