// Test helper for the Flow client tests: a small real business endpoint on loopback that decrypts
// with the protocol's decryptFlowRequest and answers with encryptFlowResponse (a scripted answer
// per decrypted payload), and an emulator with the endpoint's public key uploaded through its
// Graph route. Everything started is closed by closeAll().

import { serve, type ServerType } from '@hono/node-server';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Hono } from 'hono';
import { decryptFlowRequest, encryptFlowResponse, publicKeyPem, verifyWebhookSignature } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { manualClock, seededRandom } from './testing.js';
import type { Emulator } from './types.js';

export const APP_SECRET = 'flow-client-app-secret';
export const PHONE = '106540352242922';
export const WA_ID = '15551234567';
export const TOKEN = 'flow-token-1';

export interface Answer {
  status: number;
  body?: unknown;
  raw?: string;
}

export interface Received {
  payload: Record<string, unknown>;
  signatureOk: boolean;
}

const closers: (() => Promise<void>)[] = [];

/** Closes everything the helpers started, last first (call it in afterEach). */
export async function closeAll(): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}

export function onClose(close: () => Promise<void>): void {
  closers.push(close);
}

export function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

export function newKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** A business endpoint the way SPEC A describes it, with a scripted answer per decrypted payload. */
export async function startEndpoint(answer: (payload: Record<string, unknown>) => Answer) {
  const state: { key: KeyObject; received: Received[] } = { key: newKey(), received: [] };
  const app = new Hono();
  app.post('/flows/test', async (c) => {
    const raw = await c.req.text();
    const signatureOk = verifyWebhookSignature(raw, c.req.header('x-hub-signature-256'), [APP_SECRET]).ok;
    if (!signatureOk) return new Response('', { status: 432 });
    let decrypted;
    try {
      decrypted = decryptFlowRequest(JSON.parse(raw), state.key);
    } catch {
      return new Response('', { status: 421 });
    }
    state.received.push({ payload: decrypted.payload, signatureOk });
    const { status, body, raw: rawBody } = answer(decrypted.payload);
    const text = rawBody ?? (body === undefined ? '' : encryptFlowResponse(body, decrypted.aesKey, decrypted.iv));
    return new Response(text, { status, headers: { 'content-type': 'text/plain' } });
  });
  const { server, url } = await new Promise<{ server: ServerType; url: string }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({ server: s, url: `http://127.0.0.1:${info.port}/flows/test` });
    });
  });
  onClose(() => closeServer(server));
  return { url, state };
}

/** Uploads the public half of `key` through POST /{phone-number-id}/whatsapp_business_encryption. */
export async function uploadKey(emulator: Emulator, key: KeyObject): Promise<void> {
  const response = await emulator.fetch(
    new Request(`http://graph.test/v24.0/${PHONE}/whatsapp_business_encryption`, {
      method: 'POST',
      headers: { authorization: 'Bearer token', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ business_public_key: publicKeyPem(key) }).toString(),
    }),
  );
  if (response.status !== 200) throw new Error(`key upload answered ${response.status}`);
}

export function emulatorWithKey(key: KeyObject, options: { webhookUrl?: string; fetch?: typeof fetch } = {}) {
  const clock = manualClock();
  const emulator = createEmulator({
    appSecret: APP_SECRET,
    accessToken: 'token',
    now: clock.now,
    random: seededRandom(4),
    ...options,
  });
  onClose(() => emulator.close());
  return { emulator, clock, upload: (k: KeyObject) => uploadKey(emulator, k), ready: uploadKey(emulator, key) };
}

export function isErrorReport(payload: Record<string, unknown>): boolean {
  const data = payload.data;
  return typeof data === 'object' && data !== null && 'error' in data;
}

export const acknowledged: Answer = { status: 200, body: { data: { acknowledged: true } } };
