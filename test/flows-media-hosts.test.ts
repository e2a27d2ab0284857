// Picker files and where they may be fetched from, end to end (the SSRF audit case): a picker-looking
// array under a payload key that no picker fills is ordinary data (never fetched, never a flow_media row);
// a cdn_url off the allowed hosts is a per-media_id error with no request made and nothing of it logged;
// the emulator's CDN (graphUrl's origin) still works with an empty FLOWGATE_FLOW_MEDIA_HOSTS.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator } from '../src/emulator/index.js';
import type { FlowScreenContext, StoredFlowMedia } from '../src/flows/index.js';
import { pdf, png } from '../src/flows/flow-media.test-util.js';
import { FLOW_MEDIA_QUEUE } from '../src/flows/picker-media.js';
import { createLogger } from '../src/log/index.js';
import { type FlowJson } from '../src/protocol/index.js';
import { ACCESS_TOKEN, PHONE_NUMBER_ID, startTestApp, waitFor, type TestApp } from './helpers.js';
import { emulatorWithPywaKey, issueTestToken, PYWA_KEY, staticKeys } from './flows-helpers.js';

const CUSTOMER = '15557654321';
// UPLOAD has one DocumentPicker, `doc`, sent as `{ "doc": "${form.doc}" }`.
const json = (): FlowJson =>
  JSON.parse(readFileSync(new URL('./fixtures/flow-media-test.json', import.meta.url), 'utf8')) as FlowJson;

let emulator: Emulator;
let internal: Server;
let internalUrl: string;
const internalHits: string[] = [];
const seen: { media: readonly StoredFlowMedia[]; errors: Readonly<Record<string, string>> }[] = [];
const logLines: string[] = [];

function upload(ctx: FlowScreenContext) {
  seen.push({ media: ctx.media, errors: ctx.mediaErrors });
  if (Object.keys(ctx.mediaErrors).length > 0)
    return ctx.error('Some files were not accepted.', { doc_errors: ctx.mediaErrors });
  return ctx.next('DONE', { count: Array.isArray(ctx.data.doc) ? ctx.data.doc.length : 0 });
}

async function app(config: Record<string, unknown> = {}): Promise<TestApp> {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  return startTestApp(
    { accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: emulator.graphBaseUrl ?? '', ...config },
    { flowKeys: staticKeys(PYWA_KEY), logger: createLogger({ level: 'debug', destination }) },
    (a) => {
      a.flow('awaited', { json: json(), awaitMedia: true, screens: { UPLOAD: upload } });
      a.flow('queued', { json: json(), screens: { UPLOAD: upload } });
    },
  );
}

function issue(t: TestApp, flow: string, token: string): Promise<void> {
  return issueTestToken(t.app, flow, token, CUSTOMER);
}

function session(t: TestApp, flow: string, token: string) {
  return emulator.flowClient({
    endpointUrl: `${t.url}/flows/${flow}`,
    waId: CUSTOMER,
    flowToken: token,
    flowJson: json(),
  });
}

beforeAll(async () => {
  ({ emulator } = await emulatorWithPywaKey());
  // Stands for an internal service (a metadata endpoint): it must never be asked anything.
  internal = createServer((req, res) => {
    internalHits.push(req.url ?? '');
    res.end('internal secret');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/latest/meta-data/iam`;
});
afterAll(async () => {
  internal.close();
  await emulator.close();
});

describe('picker media keys', () => {
  it('a picker-looking array under a key no picker fills is not fetched and leaves no flow_media row', async () => {
    // The test default allows any loopback port, so only the payload key keeps this one from being fetched.
    const t = await app();
    try {
      await issue(t, 'awaited', 'tok-hosts-1');
      const s = session(t, 'awaited', 'tok-hosts-1');
      const good = s.uploadMedia(pdf(), 'contract.pdf');
      const lure = { ...s.uploadMedia(png(), 'x.png'), cdn_url: internalUrl };
      const answer = await s.dataExchange('UPLOAD', { doc: [good], junk: [lure], other: { nested: [lure] } });
      expect(answer).toMatchObject({ kind: 'screen', screen: 'DONE', data: { count: 1 } });
      expect(seen.at(-1)?.media.map((m) => m.mediaId)).toEqual([good.media_id]);
      expect((await t.app.gateway.store.flows.listMedia('tok-hosts-1')).map((r) => r.media_id)).toEqual([
        good.media_id,
      ]);
      expect(internalHits).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

describe('picker media hosts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await app({ flowMediaHosts: [] });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('awaitMedia: a cdn_url off the allowed hosts is a per-media_id error; the emulator file is stored', async () => {
    await issue(t, 'awaited', 'tok-hosts-2');
    const s = session(t, 'awaited', 'tok-hosts-2');
    const good = s.uploadMedia(pdf(), 'contract.pdf');
    const lure = { ...s.uploadMedia(png(), 'x.png'), cdn_url: internalUrl };
    const plain = { ...s.uploadMedia(png(), 'y.png'), cdn_url: 'http://mmg.whatsapp.net/v/redacted' };
    // An internal address, then WhatsApp's CDN host over plain http: both refused, each for its own file.
    const refused = { kind: 'screen', screen: 'UPLOAD', errorMessage: 'Some files were not accepted.' };
    expect(await s.dataExchange('UPLOAD', { doc: [good, lure] })).toMatchObject({
      ...refused,
      data: { doc_errors: { [lure.media_id]: 'The upload could not be received.' } },
    });
    expect(seen.at(-1)?.media.map((m) => m.mediaId)).toEqual([good.media_id]);
    expect(await s.dataExchange('UPLOAD', { doc: [plain] })).toMatchObject({
      ...refused,
      data: { doc_errors: { [plain.media_id]: 'The upload could not be received.' } },
    });
    const rows = await t.app.gateway.store.flows.listMedia('tok-hosts-2');
    expect(rows.map((r) => [r.file_name, r.error]).sort()).toEqual([
      ['contract.pdf', null],
      ['x.png', 'url_not_allowed'],
      ['y.png', 'url_not_allowed'],
    ]);
    expect(internalHits).toEqual([]);
    const logs = logLines.join('');
    expect(logs).toContain('url_not_allowed');
    for (const secret of [internalUrl, '127.0.0.1:', 'mmg.whatsapp.net', lure.media_id, good.media_id])
      expect(logs).not.toContain(secret);
  });

  it('queued: the refused file is recorded and dead-lettered at once, with no request made', async () => {
    await issue(t, 'queued', 'tok-hosts-3');
    const s = session(t, 'queued', 'tok-hosts-3');
    const lure = { ...s.uploadMedia(png(), 'x.png'), cdn_url: internalUrl };
    expect(await s.dataExchange('UPLOAD', { doc: [lure] })).toMatchObject({ screen: 'DONE' });
    const [row] = await waitFor(async () => {
      const rows = await t.app.gateway.store.flows.listMedia('tok-hosts-3');
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toMatchObject({ media_id: lure.media_id, error: 'url_not_allowed', blob_key: null });
    const dead = await waitFor(async () => {
      const jobs = await t.app.gateway.queue.listDead({ queue: FLOW_MEDIA_QUEUE });
      const mine = jobs.filter((j) => JSON.stringify(j.payload).includes('tok-hosts-3'));
      return mine.length > 0 ? mine : undefined;
    });
    expect(dead[0]).toMatchObject({ attempts: 1 });
    expect(internalHits).toEqual([]);
  });
});
