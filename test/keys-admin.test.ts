// The key ring inside a running app: /api/keys behind the admin token (list, public key, rotate,
// audit) against the emulator over loopback, app.keys as the flow endpoint's key source, and no
// response ever carrying private key material.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { decryptFlowRequest, encryptFlowRequest } from '../src/protocol/index.js';
import { startTestApp, type TestApp } from './helpers.js';

const TOKEN = 'EAAkeys-admin-token-0123456789';
const ADMIN = 'admin-token-for-keys-0123456789';
const PHONE = '106540352242922';
let emulator: Emulator;
let t: TestApp;
const bodies: string[] = [];

async function api(path: string, init: RequestInit & { admin?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.admin !== null) headers.set('authorization', `Bearer ${init.admin ?? ADMIN}`);
  const res = await fetch(`${t.url}/api/keys${path}`, { ...init, headers });
  bodies.push(await res.clone().text());
  return res;
}

beforeAll(async () => {
  emulator = createEmulator({ appSecret: 'keys-admin-secret', accessToken: TOKEN, statusDelayMs: 1 });
  const { url } = await emulator.listen(0, '127.0.0.1');
  t = await startTestApp({
    masterKey: randomBytes(32).toString('base64'),
    adminToken: ADMIN,
    accessToken: TOKEN,
    graphUrl: url,
    phoneNumberId: PHONE,
  });
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

describe('/api/keys', () => {
  it('requires the admin token', async () => {
    expect((await api('', { admin: null })).status).toBe(401);
    expect((await api('', { admin: 'wrong-token-wrong-token' })).status).toBe(401);
  });

  it('rotates, lists, shows the public key and the audit log', async () => {
    expect(await (await api('')).json()).toEqual({ phoneNumberId: PHONE, keys: [] });
    expect((await api('/public')).status).toBe(409);

    const first = await api('/rotate', { method: 'POST', headers: { 'x-flowgate-actor': 'erin' } });
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as { promoted: boolean; key: { id: string; state: string } };
    expect(rotated).toMatchObject({ promoted: true, key: { state: 'active' } });

    const second = (await (
      await api('/rotate', {
        method: 'POST',
        body: JSON.stringify({ bits: 3072 }),
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as { key: { bits: number }; previous: { id: string; state: string } };
    expect(second).toMatchObject({ key: { bits: 3072 }, previous: { id: rotated.key.id, state: 'retiring' } });

    const listed = (await (await api('')).json()) as { keys: { state: string }[] };
    expect(listed.keys.map((k) => k.state).sort()).toEqual(['active', 'retiring']);
    const pub = (await (await api('/public')).json()) as { publicKey: string };
    expect(pub.publicKey).toBe(emulator.businessPublicKey());

    const audit = (await (await api('/audit?limit=50')).json()) as { entries: { action: string; actor: string }[] };
    expect(audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['rotate', 'generate', 'upload', 'verify', 'activate', 'retiring']),
    );
    expect(
      audit.entries
        .filter((e) => e.action === 'rotate')
        .map((e) => e.actor)
        .sort(),
    ).toEqual(['admin-api', 'admin-api:erin']);
  });

  it('answers a failed rotation with the typed error and keeps the active key', async () => {
    const before = ((await (await api('/public')).json()) as { key: { id: string } }).key.id;
    emulator.setKeyStatus('MISMATCH');
    try {
      const res = await api('/rotate', { method: 'POST' });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({
        error: 'flowgate.keys.verify_signature_mismatch',
        signatureStatus: 'MISMATCH',
      });
    } finally {
      emulator.setKeyStatus('VALID');
    }
    expect(((await (await api('/public')).json()) as { key: { id: string } }).key.id).toBe(before);
    expect((await api('?phoneNumberId=abc')).status).toBe(400);
  });

  it('gives the flow endpoint its keys through app.keys, and no response carried private key material', async () => {
    const pem = (await t.app.keys.activePublicKey(PHONE)) ?? '';
    const keys = await t.app.keys.decryptionKeys(PHONE);
    expect(keys).toHaveLength(2);
    const request = encryptFlowRequest({ version: '3.0', action: 'ping' }, pem);
    expect(decryptFlowRequest(request.body, keys).keyIndex).toBe(0);

    const all = bodies.join('\n');
    expect(all).not.toMatch(/PRIVATE KEY|sealed/);
    for (const key of keys) {
      const der = key.export({ type: 'pkcs8', format: 'der' });
      expect(all).not.toContain(der.toString('base64').slice(400, 460));
      expect(all).not.toContain(der.toString('hex').slice(800, 880));
    }
  });
});

describe('without a master key', () => {
  it('has no key ring, and /api/keys says how to get one', async () => {
    const plain = await startTestApp({ adminToken: ADMIN });
    try {
      expect(() => plain.app.keys).toThrow(/FLOWGATE_MASTER_KEY/);
      const res = await fetch(`${plain.url}/api/keys`, { headers: { authorization: `Bearer ${ADMIN}` } });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        error: 'keys_unavailable',
        message: expect.stringMatching(/FLOWGATE_MASTER_KEY/) as unknown,
      });
    } finally {
      await plain.stop();
    }
  });
});
