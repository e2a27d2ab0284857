// The emulator's Flow client against a small real endpoint on loopback that decrypts with the
// protocol's decryptFlowRequest and answers with encryptFlowResponse: ping, INIT, data_exchange,
// BACK, a key rotation answered 421 then retried, 427 with its decrypted error_msg, 432, answers
// WhatsApp would reject (bad screen, bad data) reported back as error notifications, the CDN
// media round trip, and the nfm_reply completion webhook.

import { serve, type ServerType } from '@hono/node-server';
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMessage, decryptFlowMedia, verifyFlowTokenSignature, type FlowJson } from '../protocol/index.js';
import { keyEntry } from './flow-business-key.js';
import { createEmulator } from './emulator.js';
import { FlowClientError } from './flow-client-errors.js';
import {
  APP_SECRET,
  PHONE,
  TOKEN,
  WA_ID,
  acknowledged,
  closeAll,
  closeServer,
  emulatorWithKey,
  isErrorReport,
  newKey,
  onClose,
  startEndpoint,
  uploadKey,
  type Answer,
} from './flow-client.test-util.js';
import { createWebhookReceiver } from './testing.js';

afterEach(closeAll);

const FLOW: FlowJson = {
  version: '7.3',
  data_api_version: '3.0',
  routing_model: { START: ['DETAILS'], DETAILS: ['CONFIRM'], CONFIRM: [] },
  screens: [
    {
      id: 'START',
      title: 'Start',
      data: { greeting: { type: 'string', __example__: 'Hi' } },
      layout: { type: 'SingleColumnLayout', children: [] },
    },
    {
      id: 'DETAILS',
      title: 'Details',
      refresh_on_back: true,
      data: {
        slots: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } },
          __example__: [{ id: '1', title: 'One' }],
        },
        count: { type: 'number', __example__: 1 },
      },
      layout: { type: 'SingleColumnLayout', children: [] },
    },
    { id: 'CONFIRM', title: 'Confirm', terminal: true, layout: { type: 'SingleColumnLayout', children: [] } },
  ],
} as unknown as FlowJson;

const screens: Record<string, Answer> = {
  START: { status: 200, body: { screen: 'START', data: { greeting: 'Hello' } } },
  DETAILS: { status: 200, body: { screen: 'DETAILS', data: { slots: [{ id: 'a', title: 'Ten' }], count: 1 } } },
};

describe('emulator flow client', () => {
  it('pings, opens with INIT, exchanges data, goes BACK and completes with SUCCESS', async () => {
    const endpoint = await startEndpoint((p) => {
      if (p.action === 'ping') return { status: 200, body: { data: { status: 'active' } } };
      if (p.action === 'INIT') return screens.START!;
      if (p.action === 'BACK') return screens.START!;
      if (p.screen === 'START') return screens.DETAILS!;
      return {
        status: 200,
        body: { screen: 'SUCCESS', data: { extension_message_response: { params: { flow_token: TOKEN, slot: 'a' } } } },
      };
    });
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, flowJson: FLOW });

    expect(await session.ping()).toBe('active');
    expect(await session.init()).toMatchObject({ kind: 'screen', screen: 'START', data: { greeting: 'Hello' } });
    expect(session.currentScreen).toBe('START');
    const details = await session.dataExchange('START', { choice: 'x' });
    expect(details).toMatchObject({ kind: 'screen', screen: 'DETAILS', errorMessage: null });
    expect(await session.back('DETAILS')).toMatchObject({ kind: 'screen', screen: 'START' });
    const done = await session.dataExchange('DETAILS', { slot: 'a' });
    expect(done).toEqual({
      kind: 'success',
      params: { flow_token: TOKEN, slot: 'a' },
      body: { screen: 'SUCCESS', data: { extension_message_response: { params: { flow_token: TOKEN, slot: 'a' } } } },
      // No Flow message was sent to this customer, so there is nothing for an nfm_reply to answer.
      wamid: null,
    });

    expect(endpoint.state.received.map((r) => r.payload)).toEqual([
      { version: '3.0', action: 'ping' },
      { version: '3.0', action: 'INIT', screen: '', data: {}, flow_token: TOKEN },
      { version: '3.0', action: 'data_exchange', screen: 'START', data: { choice: 'x' }, flow_token: TOKEN },
      { version: '3.0', action: 'BACK', screen: 'DETAILS', data: {}, flow_token: TOKEN },
      { version: '3.0', action: 'data_exchange', screen: 'DETAILS', data: { slot: 'a' }, flow_token: TOKEN },
    ]);
  });

  it('uses a fresh AES key and IV for every request', async () => {
    const bodies: string[] = [];
    const endpoint = await startEndpoint(() => ({ status: 200, body: { data: { status: 'active' } } }));
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const recording: typeof fetch = async (input, init) => {
      bodies.push(typeof init?.body === 'string' ? init.body : '');
      return fetch(input, init);
    };
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, fetch: recording });
    await session.ping();
    await session.ping();
    const [a, b] = bodies.map((body) => JSON.parse(body) as Record<string, string>);
    expect(a?.initial_vector).not.toBe(b?.initial_vector);
    expect(a?.encrypted_aes_key).not.toBe(b?.encrypted_aes_key);
    expect(Buffer.from(a?.initial_vector ?? '', 'base64')).toHaveLength(16);
  });

  it('fails a health check whose status is not "active", like WhatsApp', async () => {
    const endpoint = await startEndpoint(() => ({ status: 200, body: { data: { status: 'down' } } }));
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await expect(session.ping()).rejects.toMatchObject({ code: 'payload-schema-error' });
  });

  it('re-fetches the public key after a 421 and retries once', async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const { emulator, ready, upload } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({
      endpointUrl: endpoint.url,
      waId: WA_ID,
      flowToken: TOKEN,
      flowJson: FLOW,
      retryDelayMs: 0,
    });
    expect(await session.init()).toMatchObject({ screen: 'START' });
    // The business rotates: its endpoint only knows the new key, which it uploads to Meta.
    endpoint.state.key = newKey();
    await upload(endpoint.state.key);
    expect(await session.init()).toMatchObject({ screen: 'START' });
    expect(endpoint.state.received).toHaveLength(2);
  });

  it('gives up with business-decryption-error when the retry is answered 421 too', async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const { emulator, ready } = emulatorWithKey(newKey());
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, retryDelayMs: 0 });
    const error = await session.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowClientError);
    expect(error).toMatchObject({ code: 'business-decryption-error', status: 421 });
  });

  it('refuses to send without an uploaded key or with a MISMATCH signature status', async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const emulator = createEmulator({ appSecret: APP_SECRET, accessToken: 'token' });
    onClose(() => emulator.close());
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await expect(session.ping()).rejects.toMatchObject({ code: 'public-key-missing' });
    await uploadKey(emulator, endpoint.state.key);
    emulator.setKeyStatus('MISMATCH');
    await expect(session.ping()).rejects.toMatchObject({ code: 'public-key-signature-verification' });
    expect(endpoint.state.received).toEqual([]);
  });

  it('fetches the key over HTTP from GET /{phone-number-id}/whatsapp_business_encryption, with a timeout', async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    await emulator.listen();
    const open = () =>
      emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, timeoutMs: 150 }).init();
    // The Graph API's own fault knobs apply to the key request, so it really goes through the route.
    emulator.setFaults({ serverErrorRate: 1 });
    await expect(open()).rejects.toMatchObject({ code: 'public-key-fetch-error', status: 500 });
    emulator.setFaults({ serverErrorRate: 0, latencyMs: 400 });
    await expect(open()).rejects.toMatchObject({
      code: 'public-key-fetch-error',
      message: expect.stringContaining('within 150 ms') as unknown,
    });
    expect(endpoint.state.received).toEqual([]);
    emulator.setFaults({ latencyMs: 0 });
    expect(await open()).toMatchObject({ screen: 'START' });
    // A phone number Graph does not know is not a missing key but a failed request.
    const other = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, phoneNumberId: '1' });
    await expect(other.ping()).rejects.toMatchObject({ code: 'public-key-fetch-error', status: 400 });
  });

  it('reads both documented shapes of the key answer (SPEC D.5)', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----';
    expect(
      keyEntry({ data: [{ business_public_key: pem, business_public_key_signature_status: 'MISMATCH' }] }),
    ).toEqual({ pem, status: 'MISMATCH' });
    expect(keyEntry({ business_public_key: pem, business_public_key_signature_status: 'VALID' })).toEqual({
      pem,
      status: 'VALID',
    });
    expect(keyEntry({ data: [] })).toBeNull();
    expect(keyEntry({ business_public_key: '' })).toBeNull();
  });

  it('fetches the key once per session and again only after a 421', async () => {
    const endpoint = await startEndpoint(() => ({ status: 200, body: { data: { status: 'active' } } }));
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await session.ping();
    // Graph would now fail every call; the session keeps the key it fetched.
    emulator.setFaults({ serverErrorRate: 1 });
    expect(await session.ping()).toBe('active');
    endpoint.state.key = newKey();
    await expect(session.ping()).rejects.toMatchObject({ code: 'public-key-fetch-error', status: 500 });
  });

  it("sends the Flow JSON's data_api_version as the payload version unless one is given", async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const v4 = { ...FLOW, data_api_version: '4.0' } as FlowJson;
    const open = (options: { flowJson?: FlowJson; version?: string }) =>
      emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, ...options }).init();
    await open({ flowJson: v4 });
    await open({ flowJson: FLOW });
    await open({ flowJson: v4, version: '3.0' });
    await open({});
    // SPEC A.4: the token is signed only with data API 4.0 on Flow JSON 7.3 or later.
    await open({ flowJson: { ...v4, version: '7.2' } });
    const [fromV4, fromV3, explicit, none, v4on72] = endpoint.state.received.map((r) => r.payload);
    expect(v4on72).toMatchObject({ version: '4.0', flow_token: TOKEN });
    expect(v4on72).not.toHaveProperty('flow_token_signature');
    expect(fromV4).toMatchObject({ version: '4.0', flow_token: TOKEN });
    expect(verifyFlowTokenSignature(fromV4?.flow_token_signature as string, TOKEN, [APP_SECRET])).toBe(true);
    for (const payload of [fromV3, explicit, none]) {
      expect(payload?.version).toBe('3.0');
      expect(payload).not.toHaveProperty('flow_token_signature');
    }
  });

  it('surfaces 427 with the decrypted error_msg, and an empty 427 without one', async () => {
    let empty = false;
    const endpoint = await startEndpoint(() =>
      empty ? { status: 427, raw: '' } : { status: 427, body: { error_msg: 'The order has already been placed' } },
    );
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await expect(session.init()).rejects.toMatchObject({
      name: 'FlowClientError',
      code: 'invalid-flow-token',
      status: 427,
      errorMessage: 'The order has already been placed',
    });
    empty = true;
    await expect(session.init()).rejects.toMatchObject({ code: 'invalid-flow-token', errorMessage: null });
  });

  it('surfaces 432 when the endpoint does not accept the signature', async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const receiverSecret = 'another-app-secret';
    const emulator = createEmulator({ appSecret: receiverSecret, accessToken: 'token' });
    onClose(() => emulator.close());
    await uploadKey(emulator, endpoint.state.key);
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await expect(session.init()).rejects.toMatchObject({ code: 'signature-verification-failed', status: 432 });
  });

  it('rejects an answer naming a screen the routing model does not allow, and reports it', async () => {
    const endpoint = await startEndpoint((p) => {
      if (p.action === 'data_exchange' && isErrorReport(p))
        return { status: 200, body: { data: { acknowledged: true } } };
      return p.action === 'INIT' ? screens.DETAILS! : { status: 200, body: { screen: 'NOWHERE', data: {} } };
    });
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, flowJson: FLOW });
    // INIT must land on an entry screen; DETAILS has START routing into it.
    await expect(session.init()).rejects.toMatchObject({ code: 'invalid-screen-transition' });
    await expect(session.dataExchange('START', {})).rejects.toMatchObject({ code: 'invalid-screen-transition' });
    const reports = endpoint.state.received.filter((r) => isErrorReport(r.payload)).map((r) => r.payload);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toEqual({
      version: '3.0',
      action: 'data_exchange',
      screen: 'START',
      data: { error: 'invalid-screen-transition', error_message: expect.stringContaining('NOWHERE') as unknown },
      flow_token: TOKEN,
    });
  });

  it('rejects a jump the routing model does not have, even to a real screen', async () => {
    const endpoint = await startEndpoint((p) =>
      isErrorReport(p)
        ? { status: 200, body: { data: { acknowledged: true } } }
        : { status: 200, body: { screen: 'CONFIRM', data: {} } },
    );
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, flowJson: FLOW });
    await expect(session.dataExchange('START', {})).rejects.toMatchObject({
      code: 'invalid-screen-transition',
      message: expect.stringContaining('"START" to "CONFIRM"') as unknown,
    });
  });

  it.each([
    ['a wrong type', { slots: [{ id: 'a', title: 'Ten' }], count: 'one' }, /count must be a number/],
    ['a nested wrong type', { slots: [{ id: 1, title: 'Ten' }], count: 1 }, /slots\[0\]\.id must be a string/],
    ['an undeclared key', { slots: [], count: 1, extra: true }, /does not declare the data field "extra"/],
    ['a missing key', { slots: [] }, /lacks the declared field\(s\) count/],
  ])('rejects data with %s as payload-schema-error', async (_case, data, message) => {
    const endpoint = await startEndpoint((p) =>
      isErrorReport(p)
        ? { status: 200, body: { data: { acknowledged: true } } }
        : { status: 200, body: { screen: 'DETAILS', data } },
    );
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, flowJson: FLOW });
    await expect(session.dataExchange('START', {})).rejects.toMatchObject({ code: 'payload-schema-error', message });
    expect(endpoint.state.received.at(-1)?.payload).toMatchObject({ data: { error: 'payload-schema-error' } });
  });

  it('accepts an error_message re-render of the same screen and rejects a SUCCESS without the flow token', async () => {
    let success = false;
    const endpoint = await startEndpoint((p) => {
      if (isErrorReport(p)) return { status: 200, body: { data: { acknowledged: true } } };
      if (success)
        return { status: 200, body: { screen: 'SUCCESS', data: { extension_message_response: { params: {} } } } };
      return { status: 200, body: { screen: 'DETAILS', data: { error_message: 'That slot is gone' } } };
    });
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, flowJson: FLOW });
    expect(await session.dataExchange('DETAILS', { slot: 'a' })).toMatchObject({
      kind: 'screen',
      screen: 'DETAILS',
      errorMessage: 'That slot is gone',
      data: {},
    });
    success = true;
    await expect(session.dataExchange('DETAILS', {})).rejects.toMatchObject({
      code: 'payload-schema-error',
      message: expect.stringMatching(/flow_token/) as unknown,
    });
  });

  it('rejects a 200 body that does not decrypt, and reports it like an answer it could not use', async () => {
    const endpoint = await startEndpoint((p) =>
      isErrorReport(p) ? acknowledged : { status: 200, raw: Buffer.alloc(40, 7).toString('base64') },
    );
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await expect(session.ping()).rejects.toMatchObject({ code: 'response-decryption-error' });
    await expect(session.init()).rejects.toMatchObject({ code: 'response-decryption-error' });
    expect(endpoint.state.received.map((r) => r.payload)).toEqual([
      { version: '3.0', action: 'ping' },
      { version: '3.0', action: 'INIT', screen: '', data: {}, flow_token: TOKEN },
      {
        version: '3.0',
        action: 'INIT',
        screen: '',
        data: { error: 'response-decryption-error', error_message: 'The endpoint answer could not be decrypted.' },
        flow_token: TOKEN,
      },
    ]);
  });

  it('sends an error notification in the client’s shape and expects the acknowledgement', async () => {
    const endpoint = await startEndpoint(() => ({ status: 200, body: { data: { acknowledged: true } } }));
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN });
    await session.errorNotification('START', { error: 'payload-schema-error', error_message: 'bad data' }, 'INIT');
    expect(endpoint.state.received[0]?.payload).toEqual({
      version: '3.0',
      action: 'INIT',
      screen: 'START',
      data: { error: 'payload-schema-error', error_message: 'bad data' },
      flow_token: TOKEN,
    });
  });

  it('serves picker media from the emulated CDN until the TTL passes', async () => {
    const { emulator, clock, ready } = emulatorWithKey(newKey());
    await ready;
    const { url: base } = await emulator.listen();
    const session = emulator.flowClient({
      endpointUrl: 'http://127.0.0.1:9/flows/x',
      waId: WA_ID,
      flowToken: TOKEN,
      mediaTtlMs: 60_000,
    });
    const photo = new Uint8Array(Buffer.from('not really a JPEG, but bytes all the same'));
    const item = session.uploadMedia(photo, 'IMG_0001.jpg', 'image/jpeg');
    expect(item).toEqual({
      media_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      cdn_url: expect.stringMatching(new RegExp(`^${base}/_emulator/cdn/[A-Za-z0-9_-]{32}$`)) as unknown,
      file_name: 'IMG_0001.jpg',
      encryption_metadata: {
        encrypted_hash: expect.any(String) as unknown,
        iv: expect.any(String) as unknown,
        encryption_key: expect.any(String) as unknown,
        hmac_key: expect.any(String) as unknown,
        plaintext_hash: expect.any(String) as unknown,
      },
    });
    const downloaded = new Uint8Array(await (await fetch(item.cdn_url)).arrayBuffer());
    expect(decryptFlowMedia(downloaded, item.encryption_metadata)).toEqual(Buffer.from(photo));
    expect((await fetch(`${base}/_emulator/cdn/unknown`)).status).toBe(404);
    clock.advance(60_000);
    expect((await fetch(item.cdn_url)).status).toBe(404);
  });

  it('signs the flow token for data API 4.0 with the app secret', async () => {
    const endpoint = await startEndpoint(() => screens.START!);
    const { emulator, ready } = emulatorWithKey(endpoint.state.key);
    await ready;
    const session = emulator.flowClient({ endpointUrl: endpoint.url, waId: WA_ID, flowToken: TOKEN, version: '4.0' });
    await session.init();
    const payload = endpoint.state.received[0]?.payload ?? {};
    expect(payload).toMatchObject({ version: '4.0', action: 'INIT', flow_token: TOKEN });
    expect(typeof payload.flow_token_signature).toBe('string');
    expect(verifyFlowTokenSignature(payload.flow_token_signature as string, TOKEN, [APP_SECRET])).toBe(true);
    expect(verifyFlowTokenSignature(payload.flow_token_signature as string, TOKEN, ['another secret'])).toBe(false);
  });

  it('gives up with timeout_error when the endpoint does not answer in time', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app = new Hono();
    app.post('/slow', async (c) => {
      await held;
      return c.text('late');
    });
    const server = await new Promise<{ s: ServerType; url: string }>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        resolve({ s, url: `http://127.0.0.1:${info.port}/slow` });
      });
    });
    onClose(() => {
      release();
      return closeServer(server.s);
    });
    const { emulator, ready } = emulatorWithKey(newKey());
    await ready;
    const session = emulator.flowClient({ endpointUrl: server.url, waId: WA_ID, flowToken: TOKEN, timeoutMs: 100 });
    await expect(session.ping()).rejects.toMatchObject({ code: 'timeout_error' });
    const refused = emulator.flowClient({ endpointUrl: 'http://127.0.0.1:9/x', waId: WA_ID, flowToken: TOKEN });
    await expect(refused.ping()).rejects.toMatchObject({ code: 'no_http_response_error' });
  });

  it('times out a 200 whose body stalls after the headers, and a fetch that ignores its signal', async () => {
    const app = new Hono();
    app.post('/stall', () => {
      // The headers go out at once; the body never finishes.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('AAAA'));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } });
    });
    const server = await new Promise<{ s: ServerType; url: string }>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        resolve({ s, url: `http://127.0.0.1:${info.port}/stall` });
      });
    });
    onClose(() => closeServer(server.s));
    const { emulator, ready } = emulatorWithKey(newKey());
    await ready;
    const stalled = emulator.flowClient({ endpointUrl: server.url, waId: WA_ID, flowToken: TOKEN, timeoutMs: 150 });
    await expect(stalled.ping()).rejects.toMatchObject({ name: 'FlowClientError', code: 'timeout_error' });
    const deaf = emulator.flowClient({
      endpointUrl: 'http://127.0.0.1:9/x',
      waId: WA_ID,
      flowToken: TOKEN,
      timeoutMs: 150,
      fetch: () => new Promise<Response>(() => undefined),
    });
    await expect(deaf.ping()).rejects.toMatchObject({ name: 'FlowClientError', code: 'timeout_error' });
  });

  it('turns a picker file into the Cloud API media object of the completion (SPEC B.4)', async () => {
    const { emulator, ready } = emulatorWithKey(newKey());
    await ready;
    const session = emulator.flowClient({ endpointUrl: 'http://127.0.0.1:9/x', waId: WA_ID, flowToken: TOKEN });
    const bytes = new Uint8Array(Buffer.from('%PDF-1.4 id card'));
    const media = session.responseMedia(bytes, 'id-front.pdf', 'application/pdf');
    expect(media).toEqual({
      file_name: 'id-front.pdf',
      mime_type: 'application/pdf',
      sha256: createHash('sha256').update(bytes).digest('base64'),
      id: expect.stringMatching(/^\d+$/) as unknown,
    });
    expect(emulator.media(media.id)?.bytes).toEqual(bytes);
  });

  it('posts the nfm_reply with exactly the SUCCESS params when the endpoint completes (SPEC A.5)', async () => {
    const receiver = createWebhookReceiver({ appSecret: APP_SECRET });
    const webhookUrl = await receiver.listen();
    onClose(() => receiver.close());
    const success = { extension_message_response: { params: { flow_token: TOKEN, slot: 'a', seats: 2 } } };
    const endpoint = await startEndpoint(() => ({ status: 200, body: { screen: 'SUCCESS', data: success } }));
    const { emulator, ready } = emulatorWithKey(endpoint.state.key, { webhookUrl });
    await ready;
    const session = emulator.flowClient({
      endpointUrl: endpoint.url,
      waId: WA_ID,
      flowToken: TOKEN,
      contextMessageId: 'wamid.flow-message',
    });
    const done = await session.init();
    expect(done).toMatchObject({ kind: 'success', wamid: expect.stringMatching(/^wamid\./) as unknown });
    await emulator.idle();
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]?.body ?? '{}') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const message = body.entry[0]?.changes[0]?.value.messages[0];
    expect(message).toMatchObject({
      id: done.kind === 'success' ? done.wamid : '',
      context: { id: 'wamid.flow-message' },
    });
    const nfm = (message?.interactive as { nfm_reply: { response_json: string } }).nfm_reply;
    expect(JSON.parse(nfm.response_json)).toEqual({ flow_token: TOKEN, slot: 'a', seats: 2 });
  });

  it('answers the Flow message that carried its token, not just the latest one', async () => {
    const receiver = createWebhookReceiver({ appSecret: APP_SECRET });
    const webhookUrl = await receiver.listen();
    onClose(() => receiver.close());
    const { emulator, ready } = emulatorWithKey(newKey(), { webhookUrl });
    await ready;
    // The customer writes first (the 24-hour window), then gets two Flow messages.
    await emulator.customer(WA_ID).sendText('hello');
    const sent: string[] = [];
    for (const flowToken of [TOKEN, 'a-later-token']) {
      const body = buildMessage(`+${WA_ID}`, {
        type: 'flow',
        body: 'Open it',
        cta: 'Open',
        flowToken,
        flowName: 'demo',
        action: 'data_exchange',
      });
      const response = await emulator.fetch(
        new Request(`http://graph.test/v24.0/${PHONE}/messages`, {
          method: 'POST',
          headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
      sent.push(((await response.json()) as { messages: { id: string }[] }).messages[0]!.id);
    }
    const session = emulator.flowClient({ endpointUrl: 'http://127.0.0.1:9/x', waId: WA_ID, flowToken: TOKEN });
    await session.complete({ slot: 'a' });
    await emulator.idle();
    const replies = receiver
      .events()
      .filter((e) => e.kind === 'message.flow_reply')
      .map((e) => (e as { context?: { id?: string } }).context?.id);
    expect(replies).toEqual([sent[0]]);
  });

  it('completes with a signed nfm_reply webhook from the customer', async () => {
    const receiver = createWebhookReceiver({ appSecret: APP_SECRET });
    const webhookUrl = await receiver.listen();
    onClose(() => receiver.close());
    const { emulator, ready } = emulatorWithKey(newKey(), {
      webhookUrl,
    });
    await ready;
    const session = emulator.flowClient({
      endpointUrl: 'http://127.0.0.1:9/flows/x',
      waId: WA_ID,
      flowToken: TOKEN,
      contextMessageId: 'wamid.flow-message',
    });
    await expect(session.complete({ flow_token: 'someone-else' })).rejects.toThrow(/flow token/);
    const wamid = await session.complete({ slot: 'a' });
    await emulator.idle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.verified).toBe(true);
    const event = receiver.events()[0];
    expect(event).toMatchObject({ kind: 'message.flow_reply', id: wamid, flow: { flowToken: TOKEN } });
    const body = JSON.parse(receiver.received[0]?.body ?? '{}') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const message = body.entry[0]?.changes[0]?.value.messages[0];
    expect(message).toMatchObject({
      from: WA_ID,
      context: { id: 'wamid.flow-message' },
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent' } },
    });
    const nfm = (message?.interactive as { nfm_reply: { response_json: string } }).nfm_reply;
    expect(JSON.parse(nfm.response_json)).toEqual({ flow_token: TOKEN, slot: 'a' });
  });
});
