// Rotation while a flow is open, over real HTTP: the emulator's Flow client keeps the public key it
// fetched when the flow opened. After a rotation its requests (to the old key) still decrypt during
// the grace window; once the old key is retired the endpoint answers 421, the client re-fetches the
// key from the emulated Graph endpoint and its retry succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { manualClock } from '../src/emulator/testing.js';
import { APP_SECRET, startTestApp, type TestApp } from './helpers.js';
import { testFlowJson } from './flows-helpers.js';
import { signBody } from '../src/protocol/index.js';
import { FRESH_READ_MS } from '../src/keys/key-ring.js';

const TOKEN = 'EAAkeys-rotation-token-0123456789';
const PHONE = '106540352242922';
let emulator: Emulator;
let t: TestApp;

const MASTER_KEY = randomBytes(32).toString('base64');

beforeAll(async () => {
  emulator = createEmulator({ appSecret: APP_SECRET, accessToken: TOKEN, statusDelayMs: 1 });
  const { url } = await emulator.listen(0, '127.0.0.1');
  t = await startTestApp(
    { masterKey: MASTER_KEY, accessToken: TOKEN, graphUrl: url, phoneNumberId: PHONE },
    {},
    (app) => {
      app.flow('rotation', { json: testFlowJson(), screens: { MY_SCREEN: (ctx) => ctx.complete() } });
    },
  );
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

describe('key rotation with a flow open', () => {
  it('old-key requests decrypt during grace; after retirement 421, re-fetch, success', async () => {
    const old = (await t.app.keys.rotate(PHONE, { actor: 'test' })).key;
    const statuses: number[] = [];
    const session = emulator.flowClient({
      endpointUrl: `${t.url}/flows/rotation`,
      waId: '15551230000',
      flowToken: 'rotation-token',
      retryDelayMs: 1,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    expect(await session.ping()).toBe('active');

    const rotated = await t.app.keys.rotate(PHONE, { actor: 'test' });
    expect(rotated.previous?.id).toBe(old.id);
    expect(emulator.businessPublicKey()).not.toBe(null);
    // The session still encrypts to the old key it fetched when the flow opened.
    expect(await session.ping()).toBe('active');
    expect(statuses).toEqual([200, 200]);

    await t.app.keys.retire(PHONE, old.id, { actor: 'test' });
    expect(await session.ping()).toBe('active');
    expect(statuses).toEqual([200, 200, 421, 200]);
  });

  it('once the grace window has passed the old key is no longer tried, even before the sweep', async () => {
    const clock = manualClock(Date.now());
    const timed = await startTestApp(
      {
        masterKey: randomBytes(32).toString('base64'),
        accessToken: TOKEN,
        graphUrl: emulator.graphBaseUrl ?? '',
        phoneNumberId: PHONE,
        keyGraceHours: 1,
      },
      { now: clock.now },
      (app) => {
        app.flow('rotation', { json: testFlowJson(), screens: { MY_SCREEN: (ctx) => ctx.complete() } });
      },
    );
    try {
      await timed.app.keys.rotate(PHONE, { actor: 'test' });
      const statuses: number[] = [];
      const session = emulator.flowClient({
        endpointUrl: `${timed.url}/flows/rotation`,
        waId: '15551230001',
        flowToken: 'grace-token',
        retryDelayMs: 1,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          statuses.push(response.status);
          return response;
        },
      });
      expect(await session.ping()).toBe('active');
      await timed.app.keys.rotate(PHONE, { actor: 'test' });
      clock.advance(59 * 60_000);
      expect(await session.ping()).toBe('active');
      clock.advance(2 * 60_000);
      expect(await session.ping()).toBe('active');
      expect(statuses).toEqual([200, 200, 421, 200]);
    } finally {
      await timed.stop();
    }
  });

  it('another process on the same database decrypts a request to a key this one began uploading a moment ago', async () => {
    // A second Flowgate process of the deployment, which keeps its key list for a second.
    const other = await startTestApp(
      {
        masterKey: MASTER_KEY,
        accessToken: TOKEN,
        graphUrl: emulator.graphBaseUrl ?? '',
        phoneNumberId: PHONE,
        dataDir: t.dataDir,
      },
      {},
      (app) => {
        app.flow('rotation', { json: testFlowJson(), screens: { MY_SCREEN: (ctx) => ctx.complete() } });
      },
    );
    try {
      const statuses: number[] = [];
      const open = () =>
        emulator.flowClient({
          endpointUrl: `${other.url}/flows/rotation`,
          waId: '15551230002',
          flowToken: 'rotation-token-3',
          retryDelayMs: 1,
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            statuses.push(response.status);
            return response;
          },
        });
      // The emulator holds this process's key again (the test before uploaded another data dir's).
      await t.app.keys.rotate(PHONE, { actor: 'test' });
      expect(await open().ping()).toBe('active');
      // This process rotates: WhatsApp now encrypts to the new key, which the other process has not read yet.
      await t.app.keys.rotate(PHONE, { actor: 'test' });
      expect(await open().ping()).toBe('active');
      // Decrypted at the first try: a 421 would have made the client fetch the key and try again.
      expect(statuses).toEqual([200, 200]);
    } finally {
      await other.stop();
    }
  });

  it("another process decrypts at once with a number's first key, uploaded after it found none", async () => {
    // A Meta of its own, whose number has no key yet.
    const meta = createEmulator({ appSecret: APP_SECRET, accessToken: TOKEN, statusDelayMs: 1 });
    const { url } = await meta.listen(0, '127.0.0.1');
    const FIRST = PHONE;
    const setup = (app: TestApp['app']): void => {
      app.flow('rotation', { json: testFlowJson(), screens: { MY_SCREEN: (ctx) => ctx.complete() } });
    };
    const config = {
      masterKey: MASTER_KEY,
      accessToken: TOKEN,
      graphUrl: url,
      phoneNumberId: FIRST,
    };
    const a = await startTestApp(config, {}, setup);
    const b = await startTestApp({ ...config, dataDir: a.dataDir }, {}, setup);
    try {
      // A request before the number has any key: process b reads its (empty) list and keeps it for a second.
      const body = JSON.stringify({ encrypted_flow_data: 'AA==', encrypted_aes_key: 'AA==', initial_vector: 'AA==' });
      const early = await fetch(`${b.url}/flows/rotation`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
      });
      expect(early.status).toBe(421);
      // Past the limit on fresh reads that request used; then process a uploads the number's first key.
      await new Promise((resolve) => setTimeout(resolve, FRESH_READ_MS + 20));
      await a.app.keys.rotate(FIRST, { actor: 'test' });
      const statuses: number[] = [];
      const client = meta.flowClient({
        endpointUrl: `${b.url}/flows/rotation`,
        waId: '15551230004',
        flowToken: 'rotation-token-4',
        retryDelayMs: 1,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          statuses.push(response.status);
          return response;
        },
      });
      expect(await client.ping()).toBe('active');
      expect(statuses).toEqual([200]);
    } finally {
      await b.stop();
      await a.stop();
      await meta.close();
    }
  });
});
