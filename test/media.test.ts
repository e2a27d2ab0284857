// The media pipeline end to end: Flowgate and the emulator over loopback, a real SQLite file and blob
// directory. Inbound images and Flow PhotoPicker media land in the blob store verified against Meta's
// sha256; duplicates download once; expired URLs are re-resolved; a 429 goes back to the queue with its
// Retry-After; a wrong hash fails for good; the admin API's signed URL serves the bytes until it expires.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { FileBlobStore } from '../src/blobs/index.js';
import { createLogger } from '../src/log/index.js';
import type { CreateAppOptions, FlowgateApp } from '../src/index.js';
import type { MediaRecord } from '../src/media/index.js';
import { JPEG, pdf, png } from '../src/flows/flow-media.test-util.js';
import {
  ACCESS_TOKEN,
  ADMIN_TOKEN,
  PHONE_NUMBER_ID,
  startWithEmulator,
  waitFor,
  type EmulatorPair,
} from './helpers.js';
import { PYWA_KEY, staticKeys, testFlowJson } from './flows-helpers.js';

const CUSTOMER = '15557654321';

interface Pair extends EmulatorPair {
  blobRoot: string;
}

let pair: Pair | null = null;
afterEach(async () => {
  await pair?.t.stop();
  await pair?.emulator.close();
  if (pair !== null) rmSync(pair.blobRoot, { recursive: true, force: true });
  pair = null;
});

let blobClock = Date.now();

async function startPair(
  options: { duplicateRate?: number; setup?: (app: FlowgateApp) => void; app?: Omit<CreateAppOptions, 'config'> } = {},
): Promise<Pair> {
  const blobRoot = mkdtempSync(join(tmpdir(), 'flowgate-media-blobs-'));
  blobClock = Date.now();
  const blobs = new FileBlobStore({ root: blobRoot, secret: randomBytes(32), now: () => blobClock });
  const started = await startWithEmulator({
    app: { blobs, ...options.app },
    ...(options.setup === undefined ? {} : { setup: options.setup }),
    emulator: options.duplicateRate === undefined ? {} : { duplicateRate: options.duplicateRate },
  });
  return { ...started, blobRoot };
}

async function mediaFaults(p: Pair, faults?: Record<string, unknown>): Promise<{ downloads: number }> {
  const res = await fetch(`${p.graphUrl}/_emulator/media-faults`, {
    method: faults === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(faults === undefined ? {} : { body: JSON.stringify(faults) }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { downloads: number };
}

/** The media id of an inbound message, from the stored event. */
async function mediaIdOf(p: Pair, wamid: string, type = 'image'): Promise<string> {
  const row = await waitFor(async () => (await p.t.app.gateway.store.records.messageByWamid(wamid)) ?? undefined);
  const event = row.event_id === null ? null : await p.t.app.gateway.store.events.get(row.event_id);
  if (event?.event.category !== 'message') throw new Error('the stored message has no message event');
  const payload = event.event.raw as Record<string, { id?: string } | undefined>;
  const id = payload[type]?.id ?? payload.document?.id;
  if (id === undefined) throw new Error('no media id in the stored message');
  return id;
}

async function settled(p: Pair, mediaId: string): Promise<MediaRecord> {
  return waitFor(
    async () => {
      const row = await p.t.app.media.byMediaId(mediaId);
      return row !== null && row.status !== 'pending' ? row : undefined;
    },
    15_000,
    'the media row to settle',
  );
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('inbound media messages', () => {
  it('an image lands in the blob store with a matching sha256, and a duplicate delivery downloads once', async () => {
    pair = await startPair({ duplicateRate: 1 });
    const wamid = await pair.emulator.customer(CUSTOMER).sendImage(JPEG, { mimeType: 'image/jpeg' });
    const mediaId = await mediaIdOf(pair, wamid);
    const row = await settled(pair, mediaId);
    expect(row).toMatchObject({ status: 'stored', source: 'message', mimeType: 'image/jpeg', size: JPEG.length });
    expect(row.sha256).toBe(sha256Hex(JPEG));
    expect(row.waId).toBe(CUSTOMER);
    const { body } = await pair.t.app.media.open(row.id);
    expect((await readAll(body)).equals(JPEG)).toBe(true);
    expect(await pair.t.app.media.get(row.id)).toEqual(row);

    await pair.emulator.idle(); // both deliveries of the webhook are in
    await pair.t.app.gateway.dispatcher.drain();
    await waitFor(async () => (await pair!.t.app.gateway.queue.counts()).ready === 0);
    expect((await mediaFaults(pair)).downloads).toBe(1);
    expect(await pair.t.app.media.list()).toHaveLength(1);

    // A second job for the same media id (a replay, another message reusing it) finds the row stored.
    const payload = {
      mediaId,
      source: 'message',
      kind: 'image',
      eventId: row.eventId,
      waId: CUSTOMER,
      phoneNumberId: PHONE_NUMBER_ID,
      mimeType: 'image/jpeg',
    };
    expect(await pair.t.app.gateway.queue.enqueue([{ queue: 'media', key: `media:${mediaId}`, payload }])).toBe(1);
    await waitFor(
      async () =>
        (await pair!.t.app.gateway.queue.counts()).ready + (await pair!.t.app.gateway.queue.counts()).leased === 0,
    );
    expect((await mediaFaults(pair)).downloads).toBe(1);
  });

  it('a file over the limit of its type is refused before a byte is downloaded', async () => {
    pair = await startPair();
    const sticker = Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(600 * 1024)]);
    const wamid = await pair.emulator.customer(CUSTOMER).sendSticker(sticker, { mimeType: 'image/webp' });
    const row = await settled(pair, await mediaIdOf(pair, wamid, 'sticker'));
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/^flowgate\.media\.too_large/);
    expect((await mediaFaults(pair)).downloads).toBe(0);
  });

  it('a document is stored with its sniffed type', async () => {
    pair = await startPair();
    const bytes = pdf();
    const wamid = await pair.emulator.customer(CUSTOMER).sendDocument(bytes, 'invoice.pdf', 'application/pdf');
    const row = await settled(pair, await mediaIdOf(pair, wamid));
    expect(row).toMatchObject({ status: 'stored', mimeType: 'application/pdf', size: bytes.length });
    expect(row.blobKey).toBe(`media/${sha256Hex(bytes).slice(0, 2)}/${sha256Hex(bytes)}.pdf`);
  });

  it('an expired URL is re-resolved once and the download succeeds', async () => {
    pair = await startPair();
    await mediaFaults(pair, { expireNextUrls: 1 });
    const wamid = await pair.emulator.customer(CUSTOMER).sendImage(JPEG);
    const row = await settled(pair, await mediaIdOf(pair, wamid));
    expect(row.status).toBe('stored');
    expect((await mediaFaults(pair)).downloads).toBe(2); // the expired URL (404), then the fresh one
  });

  it('a 429 with Retry-After goes back to the queue and then succeeds', async () => {
    pair = await startPair();
    await mediaFaults(pair, { rateLimitDownloads: 1, retryAfterSeconds: 1 });
    const wamid = await pair.emulator.customer(CUSTOMER).sendImage(JPEG);
    const mediaId = await mediaIdOf(pair, wamid);
    const pending = await waitFor(async () => {
      const r = await pair!.t.app.media.byMediaId(mediaId);
      return r?.error?.startsWith('flowgate.media.rate_limited') === true ? r : undefined;
    });
    expect(pending.status).toBe('pending');
    const row = await settled(pair, mediaId);
    expect(row).toMatchObject({ status: 'stored', error: null });
    expect((await mediaFaults(pair)).downloads).toBe(2);
    const retried = (await pair.t.app.gateway.metrics.jobs.get()).values.find(
      (v) => v.labels.queue === 'media' && v.labels.outcome === 'retry',
    );
    expect(retried?.value).toBe(1);
  });

  it('a hash mismatch fails permanently: the row is failed, the job dead, nothing stored', async () => {
    pair = await startPair();
    await mediaFaults(pair, { wrongHash: true });
    const wamid = await pair.emulator.customer(CUSTOMER).sendImage(JPEG);
    const row = await settled(pair, await mediaIdOf(pair, wamid));
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/^flowgate\.media\.hash_mismatch/);
    expect(row.blobKey).toBeNull();
    const dead = await waitFor(async () => {
      const jobs = await pair!.t.app.gateway.queue.listDead({ queue: 'media' });
      return jobs.length > 0 ? jobs : undefined;
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attempts).toBe(1);
    expect(dead[0]?.lastError).not.toContain(row.mediaId);
    expect((await mediaFaults(pair)).downloads).toBe(1);
  });

  it('a file whose bytes contradict the declared type is refused', async () => {
    pair = await startPair();
    const wamid = await pair.emulator.customer(CUSTOMER).sendImage(pdf(), { mimeType: 'image/jpeg' });
    const row = await settled(pair, await mediaIdOf(pair, wamid));
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/^flowgate\.media\.mime_mismatch/);
  });
});

describe('logs', () => {
  it('name the media row id, never the media id, its URL or the phone number', async () => {
    const lines: string[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    pair = await startPair({ app: { logger: createLogger({ level: 'debug', destination }) } });
    await mediaFaults(pair, { rateLimitDownloads: 1, retryAfterSeconds: 0, expireNextUrls: 1 });
    const ok = await settled(pair, await mediaIdOf(pair, await pair.emulator.customer(CUSTOMER).sendImage(JPEG)));
    await mediaFaults(pair, { wrongHash: true });
    const bad = await settled(pair, await mediaIdOf(pair, await pair.emulator.customer(CUSTOMER).sendImage(png())));
    expect([ok.status, bad.status]).toEqual(['stored', 'failed']);
    const text = lines.join('');
    expect(text).toContain(`"mediaRowId":${ok.id}`);
    expect(text).toContain(`"mediaRowId":${bad.id}`);
    expect(text).toContain('job failed, will retry'); // the worker's own line, with the MediaError
    expect(text).toContain('job dead-lettered');
    for (const secret of [ok.mediaId, bad.mediaId, CUSTOMER, '/whatsapp_business/attachments', ACCESS_TOKEN]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('Flow completion media', () => {
  it('a PhotoPicker media id in response_json is downloaded and stored', async () => {
    pair = await startPair({
      app: { flowKeys: staticKeys(PYWA_KEY) },
      setup: (app) => {
        app.flow('photo', { json: testFlowJson(), screens: { MY_SCREEN: (ctx) => ctx.complete({}) } });
      },
    });
    const p = pair;
    await p.emulator.customer(CUSTOMER).sendText('hi'); // opens the 24-hour window
    const sent = await waitFor(async () => {
      try {
        return await p.t.app.sendFlow(`+${CUSTOMER}`, 'photo', { cta: 'Open' });
      } catch {
        return undefined;
      }
    });
    await waitFor(() => p.emulator.sentMessages().some((m) => m.to === CUSTOMER));
    const session = p.emulator.flowClient({
      endpointUrl: `${p.t.url}/flows/photo`,
      waId: CUSTOMER,
      flowToken: sent.token,
    });
    const item = session.responseMedia(JPEG, 'IMG_5237.jpg', 'image/jpeg');
    await session.complete({ photo_picker: [item] });
    const row = await settled(p, item.id);
    expect(row).toMatchObject({ status: 'stored', source: 'flow', waId: CUSTOMER, size: JPEG.length });
    expect(row.sha256).toBe(sha256Hex(JPEG));
  });
});

describe('admin API', () => {
  it('GET /api/media/:id gives the row and a signed URL that serves the bytes until expiry, never tampered', async () => {
    pair = await startPair();
    const p = pair;
    const wamid = await p.emulator.customer(CUSTOMER).sendImage(JPEG);
    const row = await settled(p, await mediaIdOf(p, wamid));
    const unauthorized = await fetch(`${p.t.url}/api/media/${row.id}`);
    expect(unauthorized.status).toBe(401);
    const res = await fetch(`${p.t.url}/api/media/${row.id}?ttl=60`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { media: MediaRecord; url: string; expiresAt: number };
    expect(body.media).toEqual(row);
    expect(body.url.startsWith('/blobs/')).toBe(true);

    const served = await fetch(`${p.t.url}${body.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer()).equals(JPEG)).toBe(true);

    const tampered = body.url.replace(/sig=([0-9a-f])/, (_m, c: string) => `sig=${c === '0' ? '1' : '0'}`);
    expect((await fetch(`${p.t.url}${tampered}`)).status).toBe(403);
    const otherKey = body.url.replace(/\.jpg\?/, '.png?');
    expect((await fetch(`${p.t.url}${otherKey}`)).status).toBe(403);

    blobClock += 61_000;
    expect((await fetch(`${p.t.url}${body.url}`)).status).toBe(403);

    const missing = await fetch(`${p.t.url}/api/media/999999`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(missing.status).toBe(404);
  });
});
