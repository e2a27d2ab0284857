// DocumentPicker files in data_exchange requests, end to end: the emulator's Flow client uploads them to its
// CDN (encrypted like WhatsApp's), the endpoint stores them with storeFlowMedia in the blob store — before
// the handler with `awaitMedia: true` (ctx.media, per-media_id ctx.mediaErrors answered through the
// picker's error-message), or in a queued job after the answer otherwise.
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator } from '../src/emulator/index.js';
import {
  SAFE_ERROR_MESSAGE,
  type FlowReply,
  type FlowScreenContext,
  type StoredFlowMedia,
} from '../src/flows/index.js';
import { pdf, png } from '../src/flows/flow-media.test-util.js';
import { type FlowJson } from '../src/protocol/index.js';
import { FLOW_MEDIA_QUEUE } from '../src/flows/picker-media.js';
import { startTestApp, waitFor, type TestApp } from './helpers.js';
import { emulatorWithPywaKey, exchange, issueTestToken, PYWA_KEY, staticKeys } from './flows-helpers.js';

const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';
const CUSTOMER = '15557654321';
const json = (): FlowJson =>
  JSON.parse(readFileSync(new URL('./fixtures/flow-media-test.json', import.meta.url), 'utf8')) as FlowJson;

let emulator: Emulator;
let t: TestApp;
const seen: { media: readonly StoredFlowMedia[]; errors: Readonly<Record<string, string>> }[] = [];
/** Media ids of each token's last UPLOAD request (the 'finishing' flow). */
const lastUpload = new Map<string, string[]>();

function upload(ctx: FlowScreenContext) {
  seen.push({ media: ctx.media, errors: ctx.mediaErrors });
  if (Object.keys(ctx.mediaErrors).length > 0)
    return ctx.error('Some files were not accepted.', { doc_errors: ctx.mediaErrors });
  return ctx.next('DONE', { count: Array.isArray(ctx.data.doc) ? ctx.data.doc.length : 0 });
}

beforeAll(async () => {
  const started = await emulatorWithPywaKey({ statusDelayMs: 5 });
  emulator = started.emulator;
  const url = started.url;
  t = await startTestApp(
    { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: url },
    { flowKeys: staticKeys(PYWA_KEY) },
    (app) => {
      app.flow('awaited', { json: json(), awaitMedia: true, screens: { UPLOAD: upload } });
      app.flow('queued', { json: json(), screens: { UPLOAD: upload } });
      // The picker accepts PDF and PNG: the flow narrows that to PNG, or to a type the picker does not accept.
      app.flow('png-only', {
        json: json(),
        awaitMedia: true,
        allowedMimeTypes: ['image/png'],
        screens: { UPLOAD: upload },
      });
      app.flow('disjoint', {
        json: json(),
        awaitMedia: true,
        allowedMimeTypes: ['image/jpeg'],
        screens: { UPLOAD: upload },
      });
      // Finishes keeping only the files of its last upload; 'keeps-garbage' names them wrongly.
      app.flow('finishing', {
        json: json(),
        awaitMedia: true,
        screens: {
          UPLOAD: (ctx) => {
            lastUpload.set(
              ctx.token.token,
              ctx.media.map((m) => m.mediaId),
            );
            return upload(ctx);
          },
          DONE: (ctx) => ctx.complete({}, { keepOnlyMedia: lastUpload.get(ctx.token.token) ?? [] }),
        },
      });
      app.flow('keeps-one-id', {
        json: json(),
        awaitMedia: true,
        screens: {
          UPLOAD: upload,
          // A plain-JS handler naming its one file without the array.
          DONE: (ctx) => ctx.complete({}, { keepOnlyMedia: 'the-one-id' as unknown as string[] }),
        },
      });
      app.flow('keeps-garbage', {
        json: json(),
        awaitMedia: true,
        screens: {
          UPLOAD: upload,
          DONE: (ctx) => ({ ...ctx.complete({}), keepOnlyMedia: 'all of them' }) as unknown as FlowReply,
        },
      });
    },
  );
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

function issue(flow: string, token: string): Promise<void> {
  return issueTestToken(t.app, flow, token, CUSTOMER);
}

function session(flow: string, token: string) {
  return emulator.flowClient({
    endpointUrl: `${t.url}/flows/${flow}`,
    waId: CUSTOMER,
    flowToken: token,
    flowJson: json(),
  });
}

describe('picker files', () => {
  it('awaitMedia: stored before the handler; a refused type is answered per media_id', async () => {
    await issue('awaited', 'tok-media-1');
    const s = session('awaited', 'tok-media-1');
    const good = s.uploadMedia(pdf(), 'contract.pdf');
    const bad = s.uploadMedia(Buffer.from('just some text, not a pdf'), 'fake.pdf');
    const refused = await s.dataExchange('UPLOAD', { doc: [good, bad] });
    expect(refused).toMatchObject({
      kind: 'screen',
      screen: 'UPLOAD',
      errorMessage: 'Some files were not accepted.',
      data: { doc_errors: { [bad.media_id]: 'This file type is not accepted.' } },
    });
    const first = seen.at(-1);
    expect(first?.media).toHaveLength(1);
    expect(first?.media[0]).toMatchObject({
      mediaId: good.media_id,
      mimeType: 'application/pdf',
      fileName: 'contract.pdf',
    });
    const blob = first?.media[0]?.blobKey ?? '';
    expect((await t.app.blobs.stat(blob))?.size).toBe(pdf().length);

    const again = s.uploadMedia(png(), 'scan.png');
    expect(await s.dataExchange('UPLOAD', { doc: [good, again] })).toMatchObject({
      kind: 'screen',
      screen: 'DONE',
      data: { count: 2 },
    });
    const rows = await t.app.gateway.store.flows.listMedia('tok-media-1');
    expect(rows.map((r) => [r.file_name, r.mime_type, r.error]).sort()).toEqual([
      ['contract.pdf', 'application/pdf', null],
      ['fake.pdf', null, 'mime_not_allowed'],
      ['scan.png', 'image/png', null],
    ]);
  });

  it("a flow's allowedMimeTypes narrow the picker's list; lists that do not overlap accept nothing", async () => {
    await issue('png-only', 'tok-narrow-1');
    const narrowed = session('png-only', 'tok-narrow-1');
    const doc = narrowed.uploadMedia(pdf(), 'contract.pdf');
    const scan = narrowed.uploadMedia(png(), 'scan.png');
    expect(await narrowed.dataExchange('UPLOAD', { doc: [doc, scan] })).toMatchObject({
      kind: 'screen',
      screen: 'UPLOAD',
      data: { doc_errors: { [doc.media_id]: 'This file type is not accepted.' } },
    });
    expect(seen.at(-1)?.media.map((m) => m.mimeType)).toEqual(['image/png']);

    await issue('disjoint', 'tok-narrow-2');
    const disjoint = session('disjoint', 'tok-narrow-2');
    const doc2 = disjoint.uploadMedia(pdf(), 'contract.pdf');
    const scan2 = disjoint.uploadMedia(png(), 'scan.png');
    const refused = await disjoint.dataExchange('UPLOAD', { doc: [doc2, scan2] });
    expect(refused).toMatchObject({ kind: 'screen', screen: 'UPLOAD' });
    expect(seen.at(-1)?.media).toEqual([]);
    expect(Object.keys(seen.at(-1)?.errors ?? {}).sort()).toEqual([doc2.media_id, scan2.media_id].sort());
    const rows = await t.app.gateway.store.flows.listMedia('tok-narrow-2');
    expect(rows.map((r) => r.error)).toEqual(['mime_not_allowed', 'mime_not_allowed']);
  });

  it('by default the handler answers at once and a queued job stores the files', async () => {
    await issue('queued', 'tok-media-2');
    const s = session('queued', 'tok-media-2');
    const file = s.uploadMedia(png(), 'photo.png');
    expect(await s.dataExchange('UPLOAD', { doc: [file] })).toMatchObject({ screen: 'DONE', data: { count: 1 } });
    expect(seen.at(-1)?.media).toEqual([]);
    const [row] = await waitFor(async () => {
      const rows = await t.app.gateway.store.flows.listMedia('tok-media-2');
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toMatchObject({
      media_id: file.media_id,
      mime_type: 'image/png',
      error: null,
      flow: 'queued',
      screen: 'UPLOAD',
    });
    expect((await t.app.blobs.stat(row?.blob_key ?? ''))?.size).toBe(png().length);
  });

  it('queues only the fields a picker item has: a client that nests another deeply still gets its answer', async () => {
    await issue('queued', 'tok-media-deep');
    const s = session('queued', 'tok-media-deep');
    const file = s.uploadMedia(png(), 'photo.png');
    // Deeper than JSON.stringify can write back (JSON.parse reads it): the job was stringified whole.
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const item = JSON.stringify(file).replace(/^\{/, `{"extra":${deep},`);
    const text = `{"version":"3.0","action":"data_exchange","screen":"UPLOAD","flow_token":"tok-media-deep","data":{"doc":[${item}]}}`;
    const answer = await exchange(t.url, 'queued', text);
    expect(answer).toMatchObject({ status: 200, body: { screen: 'DONE', data: { count: 1 } } });
    const [row] = await waitFor(async () => {
      const rows = await t.app.gateway.store.flows.listMedia('tok-media-deep');
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toMatchObject({ media_id: file.media_id, mime_type: 'image/png', error: null });
    // The answer was remembered: the token moved on.
    expect(await t.app.gateway.store.flows.getToken('tok-media-deep')).toMatchObject({ state: 'in_progress' });
  });

  it('invalid picker input (too few files) is refused before anything is stored', async () => {
    await issue('queued', 'tok-media-3');
    const s = session('queued', 'tok-media-3');
    const calls = seen.length;
    const res = await s.dataExchange('UPLOAD', { doc: [] });
    expect(res).toMatchObject({ kind: 'screen', screen: 'UPLOAD', errorMessage: expect.any(String) as string });
    expect(seen.length).toBe(calls);
    expect(await t.app.gateway.store.flows.listMedia('tok-media-3')).toEqual([]);
  });

  it('a queued file that fails verification is recorded with its error and dead-lettered, not retried', async () => {
    await issue('queued', 'tok-media-4');
    const s = session('queued', 'tok-media-4');
    const file = s.uploadMedia(png(), 'tampered.png');
    // The CDN file no longer matches what the client declared: nothing to retry.
    const tampered = {
      ...file,
      encryption_metadata: { ...file.encryption_metadata, encrypted_hash: Buffer.alloc(32, 7).toString('base64') },
    };
    expect(await s.dataExchange('UPLOAD', { doc: [tampered] })).toMatchObject({ screen: 'DONE' });
    const [row] = await waitFor(async () => {
      const rows = await t.app.gateway.store.flows.listMedia('tok-media-4');
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toMatchObject({ media_id: file.media_id, error: 'hash_mismatch', blob_key: null, mime_type: null });
    const dead = await waitFor(async () => {
      const jobs = await t.app.gateway.queue.listDead({ queue: FLOW_MEDIA_QUEUE });
      const mine = jobs.filter((j) => JSON.stringify(j.payload).includes('tok-media-4'));
      return mine.length > 0 ? mine : undefined;
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 1 });
    expect(dead[0]?.lastError).toMatch(/flow picker file not stored \(hash_mismatch\)/);
  });

  it('awaitMedia: a file still downloading at the deadline is answered as too slow, given up, and recorded so', async () => {
    // A CDN that takes the request and answers only when told to.
    const held: ServerResponse[] = [];
    const cdn = createServer((_req, res) => held.push(res));
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    try {
      await issue('awaited', 'tok-media-5');
      const s = session('awaited', 'tok-media-5');
      const quick = s.uploadMedia(pdf(), 'quick.pdf');
      const uploaded = s.uploadMedia(png(), 'slow.png');
      const slow = { ...uploaded, cdn_url: `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/slow.png` };

      const answer = await s.dataExchange('UPLOAD', { doc: [quick, slow] });
      expect(answer).toMatchObject({
        kind: 'screen',
        screen: 'UPLOAD',
        data: { doc_errors: { [slow.media_id]: 'The upload took too long. Try again.' } },
      });
      expect(seen.at(-1)?.media.map((m) => m.mediaId)).toEqual([quick.media_id]);
      expect(held.length).toBeGreaterThan(0);

      // The download was given up at the deadline (its place is free for other requests), not left to run
      // its 8 s attempts and retries: no other attempt comes.
      const rows = await waitFor(async () => {
        const all = await t.app.gateway.store.flows.listMedia('tok-media-5');
        return all.some((r) => r.media_id === slow.media_id) ? all : undefined;
      }, 10_000);
      expect(rows.map((r) => [r.file_name, r.error]).sort()).toEqual([
        ['quick.pdf', null],
        ['slow.png', 'deadline'],
      ]);
      expect(held).toHaveLength(1);
    } finally {
      for (const res of held) res.destroy();
      cdn.close();
    }
  }, 40_000);
});

describe('finishing with keepOnlyMedia', () => {
  it('deletes the files the finished flow does not keep at SUCCESS, without a completion webhook', async () => {
    await issue('finishing', 'tok-finish-1');
    const s = session('finishing', 'tok-finish-1');
    const first = s.uploadMedia(pdf(), 'first.pdf');
    expect(await s.dataExchange('UPLOAD', { doc: [first] })).toMatchObject({ screen: 'DONE' });
    // The person goes back and sends another file instead.
    const second = s.uploadMedia(png(), 'second.png');
    expect(await s.dataExchange('UPLOAD', { doc: [second] })).toMatchObject({ screen: 'DONE' });
    const flows = t.app.gateway.store.flows;
    const keys = new Map((await flows.listMedia('tok-finish-1')).map((r) => [r.media_id, r.blob_key]));

    expect(await s.dataExchange('DONE', { done: true })).toMatchObject({ kind: 'success' });
    const rows = await waitFor(async () => {
      const all = await flows.listMedia('tok-finish-1');
      return all.some((r) => r.media_id === first.media_id && r.blob_key === null) ? all : undefined;
    });
    expect(rows.map((r) => [r.media_id, r.blob_key, r.error])).toEqual([
      [first.media_id, null, 'superseded'],
      [second.media_id, keys.get(second.media_id), null],
    ]);
    expect(await t.app.blobs.stat(keys.get(first.media_id)!)).toBeNull();
    expect((await t.app.blobs.stat(keys.get(second.media_id)!))?.size).toBe(png().length);
    expect(await flows.getToken('tok-finish-1')).toMatchObject({
      state: 'completed',
      media_kept: '["' + second.media_id + '"]',
      media_released_at: expect.any(Number) as number,
    });
  });

  it.each([
    ['keeps-garbage', 'on the reply'],
    ['keeps-one-id', 'given to ctx.complete'],
  ])('%s: a list of what it keeps that is no list of media ids (%s) is a handler bug: the safe error', async (flow) => {
    const token = `tok-${flow}`;
    await issue(flow, token);
    const s = session(flow, token);
    const file = s.uploadMedia(pdf(), 'kept.pdf');
    expect(await s.dataExchange('UPLOAD', { doc: [file] })).toMatchObject({ screen: 'DONE' });
    expect(await s.dataExchange('DONE', { done: true })).toMatchObject({
      kind: 'screen',
      screen: 'DONE',
      errorMessage: SAFE_ERROR_MESSAGE,
    });
    expect(await t.app.gateway.store.flows.getToken(token)).toMatchObject({ state: 'in_progress' });
    const [row] = await t.app.gateway.store.flows.listMedia(token);
    expect(row).toMatchObject({ error: null });
    expect(await t.app.blobs.stat(row!.blob_key!)).not.toBeNull();
  });
});

describe('one budget for the picker files and the handler', () => {
  it('a handler left with less than it needs after a slow file gets the safe error; with no slow file it answers', async () => {
    // Budget 900 ms: the files may take 600, so a handler needing 450 ms fits on its own but not after them.
    const slowHandler = async (ctx: FlowScreenContext) => {
      await new Promise((resolve) => setTimeout(resolve, 450));
      return upload(ctx);
    };
    const app = await startTestApp(
      {
        accessToken: ACCESS_TOKEN,
        phoneNumberId: PHONE_NUMBER_ID,
        graphUrl: emulator.graphBaseUrl ?? '',
        flowHandlerBudgetMs: 900,
      },
      { flowKeys: staticKeys(PYWA_KEY) },
      (a) => {
        a.flow('awaited', { json: json(), awaitMedia: true, screens: { UPLOAD: slowHandler } });
      },
    );
    const held: ServerResponse[] = [];
    const cdn = createServer((_req, res) => held.push(res));
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    try {
      for (const token of ['tok-budget-1', 'tok-budget-2']) {
        const now = Date.now();
        await app.app.gateway.store.flows.issueToken({
          token,
          flow: 'awaited',
          waId: CUSTOMER,
          phoneNumberId: null,
          data: null,
          now,
          expiresAt: now + 3_600_000,
        });
      }
      const client = (token: string) =>
        emulator.flowClient({
          endpointUrl: `${app.url}/flows/awaited`,
          waId: CUSTOMER,
          flowToken: token,
          flowJson: json(),
        });
      const fast = client('tok-budget-1');
      const answered = await fast.dataExchange('UPLOAD', { doc: [fast.uploadMedia(pdf(), 'a.pdf')] });
      expect(answered).toMatchObject({ kind: 'screen', screen: 'DONE', data: { count: 1 } });

      const slow = client('tok-budget-2');
      const file = slow.uploadMedia(png(), 'slow.png');
      const held_ = { ...file, cdn_url: `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/slow.png` };
      const late = await slow.dataExchange('UPLOAD', { doc: [held_] });
      expect(late).toMatchObject({ kind: 'screen', screen: 'UPLOAD', errorMessage: SAFE_ERROR_MESSAGE });
    } finally {
      for (const res of held) res.destroy();
      cdn.close();
      await app.stop();
    }
  }, 30_000);
});
