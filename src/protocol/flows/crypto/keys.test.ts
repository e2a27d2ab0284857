// Private key loading in every form Meta's tools, OpenSSL and node produce (SPEC A.2), the errors
// for keys that cannot serve a flow endpoint, and the parse cache.

import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptFlowRequest } from './endpoint.js';
import { encryptFlowRequest } from './client.js';
import { FlowCryptoError } from './errors.js';
import { clearPrivateKeyCache, fingerprint, loadPrivateKey, publicKeyPem } from './keys.js';
import { thrown } from '../../thrown.test-util.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../../../../shared/protocol/fixtures/crypto/${name}`, import.meta.url), 'utf8');
}

const PASS = 'correct horse';

function openssl(args: string[], input?: string): string {
  const result = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

const failure = (run: () => unknown): FlowCryptoError => thrown(FlowCryptoError, run);

/** A key must not only load: it must decrypt a request sealed to its public half. */
function expectWorkingKey(key: KeyObject, expectedFingerprint: string): void {
  expect(fingerprint(key)).toBe(expectedFingerprint);
  const request = encryptFlowRequest({ version: '3.0', action: 'ping' }, publicKeyPem(key));
  expect(decryptFlowRequest(request.body, key).payload).toEqual({ version: '3.0', action: 'ping' });
}

describe('the pywa fixture key', () => {
  it('loads with its passphrase and matches the derived public key', () => {
    const key = loadPrivateKey(fixture('pywa_flow_endpoint_private_key_encrypted_pass_pywa.pem'), 'pywa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const derived = fixture('pywa_flow_endpoint_public_key_derived.pem');
    expect(publicKeyPem(key).trim()).toBe(derived.trim());
    expect(fingerprint(key)).toBe(fingerprint(createPublicKey(derived)));
    expect(fingerprint(key)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('key forms made with node:crypto', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const print = fingerprint(privateKey);
  const forms: [string, string, string | undefined][] = [
    [
      'PKCS#1, des-ede3-cbc (Meta keyGenerator.js)',
      privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: PASS }).toString(),
      PASS,
    ],
    [
      'PKCS#1, aes-256-cbc',
      privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString(),
      PASS,
    ],
    ['PKCS#1, unencrypted', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), undefined],
    [
      'PKCS#8, aes-256-cbc',
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString(),
      PASS,
    ],
    ['PKCS#8, unencrypted', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), undefined],
  ];

  it.each(forms)('%s loads', (_name, pem, passphrase) => {
    expectWorkingKey(loadPrivateKey(pem, passphrase), print);
  });

  it('a PEM pasted with literal \\n and CRLF still loads', () => {
    const pem = forms[4]?.[1] ?? '';
    expect(fingerprint(loadPrivateKey(pem.replaceAll('\n', '\\n')))).toBe(print);
    expect(fingerprint(loadPrivateKey(pem.replaceAll('\n', '\r\n')))).toBe(print);
  });
});

describe.skipIf(!hasOpenssl)('key forms made with openssl', () => {
  let traditional = '';
  let print = '';
  beforeAll(() => {
    traditional = openssl(['genrsa', '-traditional', '2048']);
    print = fingerprint(createPublicKey(traditional));
  });

  it('genrsa -traditional -des3 (the Flows Encryption guide)', () => {
    const pem = openssl(['genrsa', '-traditional', '-des3', '-passout', `pass:${PASS}`, '2048']);
    expect(pem).toMatch(/Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,/);
    const key = loadPrivateKey(pem, PASS);
    expectWorkingKey(key, fingerprint(createPrivateKey({ key: pem, passphrase: PASS })));
    const converted = openssl(['rsa', '-traditional', '-des3', '-passout', `pass:${PASS}`], traditional);
    expectWorkingKey(loadPrivateKey(converted, PASS), print);
  });

  it('genrsa -traditional -aes256', () => {
    const pem = openssl(['genrsa', '-traditional', '-aes256', '-passout', `pass:${PASS}`, '2048']);
    expect(pem).toMatch(/DEK-Info: AES-256-CBC,/);
    expectWorkingKey(loadPrivateKey(pem, PASS), fingerprint(createPrivateKey({ key: pem, passphrase: PASS })));
  });

  it('pkcs8 -topk8 -v2 aes-256-cbc, and unencrypted PKCS#1 / PKCS#8', () => {
    const encrypted = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', `pass:${PASS}`], traditional);
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expectWorkingKey(loadPrivateKey(encrypted, PASS), print);
    expect(traditional).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expectWorkingKey(loadPrivateKey(traditional), print);
    const pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt'], traditional);
    expect(pkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expectWorkingKey(loadPrivateKey(pkcs8), print);
  });

  it('text before the PEM block (the Bag Attributes of openssl pkcs12 -nodes) is skipped', () => {
    const pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt'], traditional);
    const bagged = `Bag Attributes\n    localKeyID: 01 00 00 00\n    friendlyName: flowgate\nKey Attributes: <No Attributes>\n${pkcs8}`;
    expectWorkingKey(loadPrivateKey(bagged), print);
  });

  it('wrong and missing passphrases are told apart, for every encrypted form', () => {
    const des3 = openssl(['rsa', '-traditional', '-des3', '-passout', `pass:${PASS}`], traditional);
    const aes = openssl(['rsa', '-traditional', '-aes256', '-passout', `pass:${PASS}`], traditional);
    const p8 = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', `pass:${PASS}`], traditional);
    for (const pem of [des3, aes, p8]) {
      expect(failure(() => loadPrivateKey(pem, 'wrong'))).toMatchObject({
        code: 'flowgate.flow.key_invalid',
        reason: 'wrong_passphrase',
      });
      expect(failure(() => loadPrivateKey(pem))).toMatchObject({ reason: 'passphrase_required' });
      expect(failure(() => loadPrivateKey(pem, ''))).toMatchObject({ reason: 'passphrase_required' });
    }
  });

  it('a 1024-bit key and an EC key are refused', () => {
    expect(failure(() => loadPrivateKey(openssl(['genrsa', '-traditional', '1024'])))).toMatchObject({
      reason: 'key_too_small',
    });
    const ec = openssl(['ecparam', '-genkey', '-name', 'prime256v1', '-noout']);
    expect(failure(() => loadPrivateKey(ec))).toMatchObject({ reason: 'not_rsa' });
  });
});

describe('keys that cannot serve', () => {
  it('garbage, a public key, an empty string and a small or non-RSA key give clear errors', () => {
    const bad: [string, string][] = [
      ['-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n', 'not_a_key'],
      ['hello', 'not_a_key'],
      ['', 'not_a_key'],
      [fixture('pywa_flow_endpoint_public_key_derived.pem'), 'public_key'],
      [
        generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        'key_too_small',
      ],
      [generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'not_rsa'],
    ];
    for (const [pem, reason] of bad) {
      const error = failure(() => loadPrivateKey(pem));
      expect(error).toMatchObject({ name: 'FlowCryptoError', code: 'flowgate.flow.key_invalid', reason, status: 500 });
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it('error messages never include the passphrase or the PEM', () => {
    const pem = fixture('pywa_flow_endpoint_private_key_encrypted_pass_pywa.pem');
    const error = failure(() => loadPrivateKey(pem, 'hunter2-secret'));
    expect(error.reason).toBe('wrong_passphrase');
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).not.toContain(pem.split('\n')[1] ?? 'x');
  });
});

describe('the parse cache', () => {
  const pem = fixture('pywa_flow_endpoint_private_key_encrypted_pass_pywa.pem');

  it('returns the same KeyObject for the same PEM and passphrase', () => {
    clearPrivateKeyCache();
    const first = loadPrivateKey(pem, 'pywa');
    expect(loadPrivateKey(pem, 'pywa')).toBe(first);
    clearPrivateKeyCache();
    const again = loadPrivateKey(pem, 'pywa');
    expect(again).not.toBe(first);
    expect(fingerprint(again)).toBe(fingerprint(first));
  });

  it('never serves a cached key for another passphrase', () => {
    loadPrivateKey(pem, 'pywa');
    expect(failure(() => loadPrivateKey(pem, 'pywa2'))).toMatchObject({ reason: 'wrong_passphrase' });
    expect(failure(() => loadPrivateKey(pem))).toMatchObject({ reason: 'passphrase_required' });
  });

  it('stays bounded: the least recently used entry goes first', () => {
    clearPrivateKeyCache();
    const pkcs8 = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    // The same key under 33 distinct PEM spellings (trailing blank lines) fills the 32 slots.
    const spellings = Array.from({ length: 33 }, (_, i) => pkcs8 + '\n'.repeat(i));
    const first = loadPrivateKey(spellings[0] ?? '');
    const second = loadPrivateKey(spellings[1] ?? '');
    for (const spelling of spellings.slice(2, 32)) loadPrivateKey(spelling);
    expect(loadPrivateKey(spellings[0] ?? '')).toBe(first); // touched: now most recent
    loadPrivateKey(spellings[32] ?? ''); // evicts spellings[1], the least recently used
    expect(loadPrivateKey(spellings[0] ?? '')).toBe(first);
    expect(loadPrivateKey(spellings[1] ?? '')).not.toBe(second);
  });
});
