// Every Graph client call against the emulator over real loopback HTTP: messages, read receipts, media
// (streamed upload, resolve, download, delete), the business encryption key and Flows management.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { GraphClient } from '../src/graph/index.js';
import { AuthError, buildMarkRead, buildMessage, InvalidParameterError } from '../src/protocol/index.js';
import { readFixture } from './helpers.js';

const TOKEN = 'EAAgraph-emulator-token-0123456789';
const PHONE = '106540352242922';
const WABA = '102290129340398';

let emulator: Emulator;
let graph: GraphClient;
beforeAll(async () => {
  emulator = createEmulator({ appSecret: 'graph-test-secret', accessToken: TOKEN, statusDelayMs: 1 });
  const { url } = await emulator.listen(0, '127.0.0.1');
  graph = new GraphClient({ baseUrl: url, version: 'v24.0', accessToken: TOKEN });
});
afterAll(async () => {
  await emulator.close();
});

describe('messages', () => {
  it('sends a built message and marks an inbound one as read, with a typing indicator', async () => {
    const inbound = await emulator.customer('15552220000').sendText('hello');
    const sent = await graph.sendMessage(
      PHONE,
      buildMessage('+15552220000', { type: 'text', body: 'hi back' }, { replyTo: inbound }),
    );
    expect(sent.wamid).toMatch(/^wamid\./);
    expect(sent.waId).toBe('15552220000');
    await expect(graph.markRead(PHONE, buildMarkRead(inbound, { typing: true }))).resolves.toBeUndefined();
  });

  it("surfaces Meta's validation and auth errors as typed errors", async () => {
    await expect(
      graph.sendMessage(PHONE, { messaging_product: 'whatsapp', to: '15552220000', type: 'text', text: { body: '' } }),
    ).rejects.toBeInstanceOf(InvalidParameterError);
    const stranger = new GraphClient({ baseUrl: emulator.graphBaseUrl!, version: 'v24.0', accessToken: 'wrong-token' });
    const failure = await stranger.getMedia('123').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as Error).message).not.toContain('wrong-token');
  });
});

describe('media', () => {
  it('uploads a stream, resolves, downloads and deletes it', async () => {
    const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 251);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.subarray(i, i + 16 * 1024));
        controller.close();
      },
    });
    const { id } = await graph.uploadMedia(PHONE, { data: stream, mimeType: 'image/png', filename: 'pattern.png' });
    expect(emulator.media(id)?.bytes).toEqual(bytes);
    const info = await graph.getMedia(id, { phoneNumberId: PHONE });
    expect(info).toMatchObject({ id, mimeType: 'image/png', fileSize: bytes.length });
    const download = await graph.downloadMedia(info.url);
    expect(new Uint8Array(await new Response(download.body).arrayBuffer())).toEqual(bytes);
    await graph.deleteMedia(id);
    await expect(graph.getMedia(id)).rejects.toBeInstanceOf(InvalidParameterError);
  });
});

describe('business encryption key', () => {
  it('uploads a public key and reads it back with its signature status', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await graph.setBusinessPublicKey(PHONE, pem);
    const current = await graph.getBusinessPublicKey(PHONE);
    expect(current.publicKey?.trim()).toBe(pem.trim());
    expect(current.signatureStatus).toBe('VALID');
    emulator.setKeyStatus('MISMATCH');
    expect((await graph.getBusinessPublicKey(PHONE)).signatureStatus).toBe('MISMATCH');
    emulator.setKeyStatus('VALID');
    await expect(graph.setBusinessPublicKey(PHONE, 'not a key')).rejects.toBeInstanceOf(InvalidParameterError);
  });
});

describe('flows management', () => {
  it('creates, uploads, previews, publishes, deprecates and lists a flow; refuses invalid transitions', async () => {
    // 7.2, not frozen: flows on a frozen version (2.1 … 5.0) can no longer be published (SPEC E.9).
    const flowJson = readFixture('flow_json/meta_docs_example__purchase_intent_v7_2.json');
    const created = await graph.createFlow(WABA, { name: 'csat-test', categories: ['SURVEY'] });
    expect(created.id).toMatch(/^\d+$/);
    const upload = await graph.uploadFlowJson(created.id, flowJson);
    expect(upload.validationErrors).toEqual([]);
    expect(emulator.flowJson(created.id)).toBe(flowJson);

    const broken = await graph.uploadFlowJson(
      created.id,
      JSON.stringify({
        version: '7.3',
        screens: [{ id: 'SUCCESS', layout: { type: 'SingleColumnLayout', children: [] } }],
      }),
    );
    expect(broken.validationErrors.length).toBeGreaterThan(0);
    await graph.uploadFlowJson(created.id, flowJson);

    const preview = await graph.getFlowPreview(created.id);
    expect(preview.previewUrl).toMatch(/^http/);
    await graph.updateFlowMetadata(created.id, { name: 'csat-renamed' });
    await graph.publishFlow(created.id);
    expect((await graph.getFlow(created.id, ['id', 'name', 'status'])).status).toBe('PUBLISHED');
    await expect(graph.deleteFlow(created.id)).rejects.toMatchObject({ metaCode: 139004 });
    await graph.deprecateFlow(created.id);
    await expect(graph.deprecateFlow(created.id)).rejects.toMatchObject({ metaCode: 139003 });

    const draft = await graph.createFlow(WABA, { name: 'to-delete', categories: ['OTHER'] });
    await graph.deleteFlow(draft.id);
    const list = await graph.listFlows(WABA);
    const names = list.flows.map((f) => f.name);
    expect(names).toContain('csat-renamed');
    expect(names).not.toContain('to-delete');
  });
});
