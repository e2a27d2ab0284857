// A webhook receiver for tests that drive the emulator: verifies X-Hub-Signature-256 over the raw
// bytes and parses every body with parseWebhook, answering each POST with a scripted status. Works
// in-process (receiver.fetch) or on loopback (receiver.listen()).

import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { parseWebhook, verifyWebhookSignature, type WebhookEvent } from '../protocol/index.js';

export interface ReceivedWebhook {
  body: string;
  signature: string | null;
  verified: boolean;
  events: WebhookEvent[];
  /** Status this receiver answered with. */
  answered: number;
}

export interface WebhookReceiver {
  readonly app: Hono;
  /** A fetch that routes into the receiver in-process; pass it as the emulator's `fetch`. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Every POST, in arrival order. */
  readonly received: ReceivedWebhook[];
  /** Events of the answered-200 POSTs, in arrival order. */
  events(): WebhookEvent[];
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface WebhookReceiverOptions {
  appSecret: string;
  /** Status to answer the n-th POST (0-based) with; default 200. */
  status?: (index: number, body: string) => number;
  /** GET verification: the verify token to accept. */
  verifyToken?: string;
}

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const received: ReceivedWebhook[] = [];
  const app = new Hono();
  let server: ServerType | null = null;

  app.get('/webhook', (c) => {
    const ok = c.req.query('hub.mode') === 'subscribe' && c.req.query('hub.verify_token') === options.verifyToken;
    return ok ? c.text(c.req.query('hub.challenge') ?? '') : c.text('forbidden', 403);
  });
  app.post('/webhook', async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const body = new TextDecoder().decode(raw);
    const signature = c.req.header('x-hub-signature-256') ?? null;
    const verified = verifyWebhookSignature(raw, signature, [options.appSecret]).ok;
    const answered = verified ? (options.status?.(received.length, body) ?? 200) : 401;
    received.push({ body, signature, verified, events: parseWebhook(raw), answered });
    return new Response(answered === 200 ? 'EVENT_RECEIVED' : 'no', { status: answered });
  });

  return {
    app,
    fetch: (input, init) => Promise.resolve(app.fetch(new Request(input, init))),
    received,
    events: () => received.filter((r) => r.answered === 200).flatMap((r) => r.events),
    listen: () =>
      new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
          resolve(`http://127.0.0.1:${info.port}/webhook`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (server === null) {
          resolve();
          return;
        }
        server.close(() => {
          resolve();
        });
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** A deterministic PRNG in [0, 1) (mulberry32) for reproducible ids, jitter and rates. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An injectable clock: `now` for the emulator, `advance` to move time forward. */
export function manualClock(startMs = Date.UTC(2025, 6, 1, 12)): { now: () => number; advance: (ms: number) => void } {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}
