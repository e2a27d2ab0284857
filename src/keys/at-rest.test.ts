// The database file (and its WAL) and the logs, searched byte-wise after keys were generated,
// imported, uploaded, rotated and failed to import: no private key material in any form (PEM body,
// PKCS#1/PKCS#8 DER bytes, base64 of the DER), only sealed blobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../log/index.js';
import { PHONE, ringFixture, type RingFixture } from './test-util.test-util.js';

const chunks: Buffer[] = [];
const logger = createLogger({
  level: 'trace',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  }),
});

let f: RingFixture;
const privateKeys: KeyObject[] = [];
beforeAll(async () => {
  f = await ringFixture({ logger });
  const actor = 'carol';
  const imported = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  privateKeys.push(imported);
  const encrypted = imported
    .export({ type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: 'pw' })
    .toString();
  await f.ring.import(PHONE, encrypted, { actor, passphrase: 'pw' });
  await f.ring.upload(PHONE, { actor });
  await f.ring.rotate(PHONE, { actor });
  await f.ring.import(PHONE, encrypted, { actor, passphrase: 'wrong' }).catch(() => undefined);
  const plain = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  privateKeys.push(plain);
  await f.ring.import(PHONE, plain.export({ type: 'pkcs8', format: 'pem' }).toString(), { actor });
  // The generated (rotated-in) key: its private half only exists inside the ring.
  const [active] = await f.ring.decryptionKeys(PHONE);
  if (active === undefined) throw new Error('no active key');
  privateKeys.push(active);
});
afterAll(async () => {
  await f.close();
});

/** Byte strings that would reveal a private key if found anywhere. */
function needles(key: KeyObject): { what: string; bytes: Buffer }[] {
  const out: { what: string; bytes: Buffer }[] = [];
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    const der = key.export({ type, format: 'der' });
    const pemBody = key
      .export({ type, format: 'pem' })
      .toString()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('-----'));
    out.push({ what: `${type} DER`, bytes: der });
    // A slice from the middle: the private exponent and primes, whatever framing surrounds them.
    out.push({ what: `${type} DER slice`, bytes: der.subarray(600, 640) });
    out.push({ what: `${type} base64 DER`, bytes: Buffer.from(der.toString('base64')) });
    out.push({ what: `${type} base64 DER slice`, bytes: Buffer.from(der.toString('base64').slice(800, 860)) });
    for (const line of pemBody.slice(5, 8)) out.push({ what: `${type} PEM line`, bytes: Buffer.from(line) });
    out.push({ what: `${type} hex DER slice`, bytes: Buffer.from(der.subarray(600, 640).toString('hex')) });
  }
  const jwk = key.export({ format: 'jwk' });
  for (const field of ['d', 'p', 'q'] as const) {
    const value = jwk[field];
    if (value !== undefined) out.push({ what: `jwk ${field}`, bytes: Buffer.from(value.slice(0, 40)) });
  }
  return out;
}

function haystacks(): { name: string; bytes: Buffer }[] {
  const db = join(f.dir, 'flowgate.db');
  return [db, `${db}-wal`, `${db}-shm`]
    .filter((p) => existsSync(p))
    .map((p) => ({ name: p.slice(f.dir.length + 1), bytes: readFileSync(p) }))
    .concat([{ name: 'logs', bytes: Buffer.concat(chunks) }]);
}

describe('no private key material at rest or in logs', () => {
  it('the database holds the public keys and sealed blobs, the logs name keys by id and fingerprint', async () => {
    const files = haystacks();
    expect(files.map((h) => h.name)).toEqual(expect.arrayContaining(['flowgate.db', 'flowgate.db-wal', 'logs']));
    const all = Buffer.concat(files.map((h) => h.bytes));
    // The search would find things: public keys are there in the clear.
    const publicPem = (await f.ring.activePublicKey(PHONE)) ?? '';
    expect(all.includes(Buffer.from(publicPem.split('\n')[2] ?? 'missing'))).toBe(true);
    expect(chunks.length).toBeGreaterThan(0);
    expect(Buffer.concat(chunks).toString()).toMatch(/key_[0-9a-f]{24}/);
  });

  it.each([0, 1, 2])('private key %i appears nowhere', (index) => {
    const key = privateKeys[index];
    if (key === undefined) throw new Error('missing key');
    for (const { name, bytes } of haystacks()) {
      for (const needle of needles(key)) {
        expect(bytes.includes(needle.bytes), `${needle.what} found in ${name}`).toBe(false);
      }
    }
  });

  it('after the store is closed (WAL checkpointed into the main file) too', async () => {
    await f.store.close();
    const db = readFileSync(join(f.dir, 'flowgate.db'));
    for (const key of privateKeys)
      for (const needle of needles(key)) expect(db.includes(needle.bytes), needle.what).toBe(false);
    f.store = await (
      await import('../store/index.js')
    ).Store.open({ databaseUrl: null, dataDir: f.dir, sqliteSynchronous: 'normal' });
  });
});
