// Business public key: set (urlencoded and multipart), get in the {"data":[…]} shape, the MISMATCH
// knob, and code 100 for anything that is not a 2048+-bit RSA public key PEM.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from './emulator.js';
import type { Emulator } from './types.js';

const PEM = readFileSync(
  new URL('../../../shared/protocol/fixtures/crypto/pywa_flow_endpoint_public_key_derived.pem', import.meta.url),
  'utf8',
);
const PATH = 'http://graph.test/v24.0/106540352242922/whatsapp_business_encryption';
const AUTH = { authorization: 'Bearer key-token' };
let emulator: Emulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

function setup(): Emulator {
  emulator = createEmulator({ appSecret: 'x', accessToken: 'key-token' });
  return emulator;
}

const urlencoded = (pem: string) =>
  new Request(PATH, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ business_public_key: pem }).toString(),
  });

describe('whatsapp_business_encryption', () => {
  it('stores an urlencoded key and returns it VALID; the MISMATCH knob flips the status', async () => {
    const em = setup();
    expect(await (await em.fetch(new Request(PATH, { headers: AUTH }))).json()).toEqual({ data: [] });
    const set = await em.fetch(urlencoded(PEM));
    expect(await set.json()).toEqual({ success: true });
    expect(await (await em.fetch(new Request(PATH, { headers: AUTH }))).json()).toEqual({
      data: [{ business_public_key: PEM, business_public_key_signature_status: 'VALID' }],
    });
    expect(em.businessPublicKey()).toBe(PEM);

    em.setKeyStatus('MISMATCH');
    expect(await (await em.fetch(new Request(PATH, { headers: AUTH }))).json()).toMatchObject({
      data: [{ business_public_key_signature_status: 'MISMATCH' }],
    });
    const viaControl = await em.fetch(
      new Request('http://graph.test/_emulator/faults', {
        method: 'POST',
        body: JSON.stringify({ keyStatus: 'VALID' }),
      }),
    );
    expect(await viaControl.json()).toMatchObject({ keyStatus: 'VALID' });
    expect(await (await em.fetch(new Request(PATH, { headers: AUTH }))).json()).toMatchObject({
      data: [{ business_public_key_signature_status: 'VALID' }],
    });
  });

  it('accepts multipart form data too', async () => {
    const em = setup();
    const form = new FormData();
    form.set('business_public_key', PEM);
    expect(await (await em.fetch(new Request(PATH, { method: 'POST', headers: AUTH, body: form }))).json()).toEqual({
      success: true,
    });
  });

  const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

  it.each([
    ['garbage', 'not a key'],
    ['a truncated PEM', PEM.slice(0, 120)],
    ['a 1024-bit key', small],
    ['an EC key', ec],
  ])('refuses %s with code 100', async (_name, pem) => {
    const em = setup();
    const response = await em.fetch(urlencoded(pem));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 100,
        type: 'OAuthException',
        error_data: { details: expect.stringMatching(/RSA public key/) as unknown },
      },
    });
    expect(em.businessPublicKey()).toBeNull();
  });

  it('requires business_public_key and the token', async () => {
    const em = setup();
    const missing = await em.fetch(
      new Request(PATH, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      }),
    );
    expect(await missing.json()).toMatchObject({ error: { code: 100 } });
    expect((await em.fetch(new Request(PATH))).status).toBe(401);
  });
});
