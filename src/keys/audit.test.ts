// The audit log: one entry per operation (success and failure) with action, key id, fingerprint,
// phone number id, actor, time and outcome, and never any key material.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { PHONE, ringFixture, type RingFixture } from './test-util.test-util.js';

let f: RingFixture;
const secrets: string[] = [];
beforeAll(async () => {
  f = await ringFixture();
  const actor = 'dave';
  const imported = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const pem = imported.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
  secrets.push(
    imported.export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(300, 360),
    imported.export({ type: 'pkcs1', format: 'der' }).toString('hex').slice(600, 680),
    'pw',
  );
  const key = await f.ring.import(PHONE, pem, { actor, passphrase: 'pw' }); // import
  await f.ring.import(PHONE, pem, { actor, passphrase: 'nope' }).catch(() => undefined); // import error
  await f.ring.upload(PHONE, { actor, id: key.id }); // upload, verify, activate
  await f.ring.verify(PHONE, { actor }); // verify
  await f.ring.rotate(PHONE, { actor }); // rotate, generate, upload, verify, activate, retiring
  f.emulator.setKeyStatus('MISMATCH');
  await f.ring.rotate(PHONE, { actor }).catch(() => undefined); // rotate error, verify error, restore
  f.emulator.setKeyStatus('VALID');
  await f.ring.retire(PHONE, key.id, { actor }); // retire
  const [active] = await f.ring.decryptionKeys(PHONE);
  if (active !== undefined)
    secrets.push(active.export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(300, 360));
});
afterAll(async () => {
  await f.close();
});

describe('audit log', () => {
  it('has an entry for every operation, successful or not', async () => {
    const entries = (await f.ring.auditLog({ phoneNumberId: PHONE })).reverse();
    const seen = entries.map((e) => `${e.action}:${e.outcome}`);
    for (const expected of [
      'import:ok',
      'import:error',
      'upload:ok',
      'verify:ok',
      'activate:ok',
      'generate:ok',
      'rotate:ok',
      'retiring:ok',
      'verify:error',
      'restore:ok',
      'rotate:error',
      'retire:ok',
    ]) {
      expect(seen).toContain(expected);
    }
    for (const e of entries) {
      expect(e).toMatchObject({ phone_number_id: PHONE, actor: 'dave' });
      expect(e.at).toBeGreaterThan(0);
      if (e.outcome === 'ok') expect(e.error).toBeNull();
      else expect(e.error).toEqual(expect.any(String));
      // A key that could not be read has no id or fingerprint yet; every other entry names its key.
      if (e.action === 'import' && e.outcome === 'error') continue;
      expect(e.key_id).toMatch(/^key_[0-9a-f]{24}$/);
      expect(e.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
    const wrong = entries.find((e) => e.action === 'import' && e.outcome === 'error');
    expect(wrong?.error).toMatch(/passphrase/);
  });

  it('holds no key material or passphrase', async () => {
    const text = JSON.stringify(await f.ring.auditLog({ phoneNumberId: PHONE }));
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN|MII[A-Za-z0-9+/]{20}/);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('"pw"');
  });
});
