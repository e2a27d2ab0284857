// Importing every common PEM form (made here with node:crypto, and with the openssl CLI when it is
// installed), stored normalized as sealed PKCS#8; wrong passphrases and non-key files give clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyImportError } from './errors.js';
import { openPrivateKey } from './sealing.js';
import { PHONE, ringFixture, type RingFixture } from './test-util.test-util.js';

const PASS = 'correct horse battery staple';
const actor = 'bob';
let f: RingFixture;
let key: KeyObject;
beforeAll(async () => {
  f = await ringFixture();
  key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});
afterAll(async () => {
  await f.close();
});

function pem(type: 'pkcs1' | 'pkcs8', cipher?: string): string {
  return (
    cipher === undefined
      ? key.export({ type, format: 'pem' })
      : key.export({ type, format: 'pem', cipher, passphrase: PASS })
  ).toString();
}

/** The stored row's sealed key opens to exactly the PKCS#8 DER of `expected`. */
async function expectStoredAsPkcs8(id: string, expected: KeyObject): Promise<void> {
  const row = await f.store.keys.get(id);
  if (row === null) throw new Error('no row');
  const der = openPrivateKey(Buffer.from(f.masterKey, 'base64'), id, PHONE, row.sealed_private_key);
  expect(der.equals(expected.export({ type: 'pkcs8', format: 'der' }))).toBe(true);
}

describe('import: PEM forms made with node:crypto', () => {
  const forms: [string, () => string, string | undefined][] = [
    ['PKCS#1', () => pem('pkcs1'), undefined],
    ['PKCS#8', () => pem('pkcs8'), undefined],
    ['PKCS#1 encrypted with des-ede3-cbc (Meta’s tools)', () => pem('pkcs1', 'des-ede3-cbc'), PASS],
    ['PKCS#1 encrypted with aes-256-cbc', () => pem('pkcs1', 'aes-256-cbc'), PASS],
    ['PKCS#8 encrypted with aes-256-cbc', () => pem('pkcs8', 'aes-256-cbc'), PASS],
    ['PKCS#8 encrypted with des-ede3-cbc', () => pem('pkcs8', 'des-ede3-cbc'), PASS],
    ['PKCS#8 pasted with literal \\n', () => pem('pkcs8').trim().replaceAll('\n', '\\n'), undefined],
  ];
  it.each(forms)('%s', async (_name, make, passphrase) => {
    const text = make();
    const info = await f.ring.import(PHONE, text, { actor, ...(passphrase === undefined ? {} : { passphrase }) });
    expect(info).toMatchObject({ state: 'pending', source: 'imported', bits: 2048 });
    await expectStoredAsPkcs8(info.id, key);
    await f.ring.retire(PHONE, info.id, { actor });
    // A key already in the ring (in any state) is refused rather than stored twice.
    await expect(
      f.ring.import(PHONE, text, { actor, ...(passphrase === undefined ? {} : { passphrase }) }),
    ).rejects.toThrow(/already in the ring/);
    await f.store.db.deleteFrom('business_keys').where('id', '=', info.id).execute();
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasOpenssl)('import: PEM forms made with the openssl CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-openssl-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const cases: [string, (out: string) => void, string | undefined, RegExp][] = [
    [
      'genrsa -traditional -des3 (PKCS#1, DEK-Info DES-EDE3-CBC)',
      (out) => openssl('genrsa', '-traditional', '-des3', '-passout', `pass:${PASS}`, '-out', out, '2048'),
      PASS,
      /DEK-Info: DES-EDE3-CBC/,
    ],
    [
      'genpkey -aes-256-cbc (encrypted PKCS#8)',
      (out) =>
        openssl(
          'genpkey',
          '-algorithm',
          'RSA',
          '-pkeyopt',
          'rsa_keygen_bits:2048',
          '-aes-256-cbc',
          '-pass',
          `pass:${PASS}`,
          '-out',
          out,
        ),
      PASS,
      /BEGIN ENCRYPTED PRIVATE KEY/,
    ],
    [
      'pkcs8 -topk8 -v2 des3 (encrypted PKCS#8, 3DES)',
      (out) => {
        openssl('genrsa', '-traditional', '-out', `${out}.plain`, '2048');
        openssl('pkcs8', '-topk8', '-v2', 'des3', '-in', `${out}.plain`, '-passout', `pass:${PASS}`, '-out', out);
      },
      PASS,
      /BEGIN ENCRYPTED PRIVATE KEY/,
    ],
    [
      'genrsa -traditional (PKCS#1, plain)',
      (out) => openssl('genrsa', '-traditional', '-out', out, '2048'),
      undefined,
      /BEGIN RSA PRIVATE KEY/,
    ],
    [
      'genpkey (PKCS#8, plain)',
      (out) => openssl('genpkey', '-algorithm', 'RSA', '-out', out),
      undefined,
      /BEGIN PRIVATE KEY/,
    ],
  ];
  it.each(cases)('%s', async (name, make, passphrase, marker) => {
    const out = join(dir, `${name.replace(/\W+/g, '-')}.pem`);
    make(out);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(marker);
    const info = await f.ring.import(PHONE, text, { actor, ...(passphrase === undefined ? {} : { passphrase }) });
    expect(info.bits).toBe(2048);
    const { createPrivateKey } = await import('node:crypto');
    await expectStoredAsPkcs8(
      info.id,
      createPrivateKey({ key: text, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) }),
    );
  });
});

describe('import: clear errors', () => {
  async function failure(text: string, passphrase?: string): Promise<KeyImportError> {
    const error = await f.ring
      .import(PHONE, text, { actor, ...(passphrase === undefined ? {} : { passphrase }) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyImportError);
    return error as KeyImportError;
  }

  it('a wrong passphrase', async () => {
    const e = await failure(pem('pkcs1', 'des-ede3-cbc'), 'not the passphrase');
    expect(e.reason).toBe('wrong_passphrase');
    expect(e.message).toMatch(/could not be decrypted with this passphrase/);
    expect(e.message).not.toContain('not the passphrase');
  });

  it('an encrypted key without a passphrase', async () => {
    const e = await failure(pem('pkcs8', 'aes-256-cbc'));
    expect(e.reason).toBe('passphrase_required');
    expect(e.message).toMatch(/--passphrase-file/);
  });

  it('a file that is not a key', async () => {
    expect((await failure('name,amount\nalice,3\n')).message).toMatch(/not a PEM private key/);
    expect((await failure('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).reason).toBe('not_a_key');
  });

  it('a public key, a small key and a non-RSA key', async () => {
    const pub = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect((await failure(pub.toString())).message).toMatch(/public key/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect((await failure(small.toString())).message).toMatch(/at least 2048 bits/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect((await failure(ec.toString())).message).toMatch(/must be RSA/);
  });

  it('records every failed import in the audit log', async () => {
    const failed = (await f.ring.auditLog({ phoneNumberId: PHONE })).filter(
      (e) => e.action === 'import' && e.outcome === 'error',
    );
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed.every((e) => e.actor === actor && e.error !== null)).toBe(true);
  });
});
