// Key material in memory: generating RSA keys, importing a PEM in any common form (through the
// protocol's loadPrivateKey), and the normalized forms the ring stores (PKCS#8 DER, sealed; SPKI PEM).

import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { FlowCryptoError, fingerprint, loadPrivateKey, publicKeyPem } from '../protocol/flows/crypto/index.js';
import { KeyImportError } from './errors.js';

export const KEY_SIZES = [2048, 3072, 4096] as const;
export type KeySize = (typeof KEY_SIZES)[number];

const generate = promisify(generateKeyPair);

export interface KeyMaterial {
  privateKey: KeyObject;
  pkcs8Der: Buffer;
  publicKeyPem: string;
  fingerprint: string;
  bits: number;
}

export function isKeySize(bits: number): bits is KeySize {
  return (KEY_SIZES as readonly number[]).includes(bits);
}

export function describeKey(privateKey: KeyObject): KeyMaterial {
  return {
    privateKey,
    pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicKeyPem: publicKeyPem(privateKey),
    fingerprint: fingerprint(privateKey),
    bits: privateKey.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

export async function generateKeyMaterial(bits: KeySize = 2048): Promise<KeyMaterial> {
  const { privateKey } = await generate('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return describeKey(privateKey);
}

const IMPORT_MESSAGES: Readonly<Record<string, string>> = {
  passphrase_required:
    'The private key is encrypted: give its passphrase (--passphrase-file FILE, or type it when asked).',
  wrong_passphrase:
    'The private key could not be decrypted with this passphrase: check the passphrase (or the file is corrupted).',
  public_key:
    'This file holds a public key; import the matching private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).',
  not_a_key:
    'This file is not a PEM private key (expected PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY", optionally encrypted).',
  not_rsa: 'Flow endpoint keys must be RSA; this private key is of another type.',
  key_too_small: 'Flow endpoint keys must have at least 2048 bits; generate a 2048-bit (or larger) RSA key.',
};

/** Any PEM form loadPrivateKey reads (PKCS#1/PKCS#8, encrypted or not); errors say what to do. */
export function importKeyMaterial(pem: string, passphrase?: string): KeyMaterial {
  try {
    return describeKey(loadPrivateKey(pem, passphrase));
  } catch (error) {
    if (error instanceof FlowCryptoError) {
      throw new KeyImportError(error.reason, IMPORT_MESSAGES[error.reason] ?? error.message, { cause: error });
    }
    throw error;
  }
}

export function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,\s*ENCRYPTED/.test(pem);
}

/** Parses a stored PKCS#8 DER back into a KeyObject (the slow step the ring caches). */
export function privateKeyFromDer(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** Same public key: equal PEMs modulo whitespace, or the same SPKI fingerprint (other encodings). */
export function samePublicKey(remotePem: string, ours: { publicKeyPem: string; fingerprint: string }): boolean {
  const strip = (s: string) => s.replace(/\\n/g, '').replace(/\s+/g, '');
  if (strip(remotePem) === strip(ours.publicKeyPem)) return true;
  return remoteFingerprint(remotePem) === ours.fingerprint;
}

export function remoteFingerprint(pem: string): string | null {
  try {
    return fingerprint(createPublicKey({ key: pem.replaceAll('\\n', '\n'), format: 'pem' }));
  } catch {
    return null;
  }
}
