// PhotoPicker / DocumentPicker CDN media (SPEC B.3): pywa's real vector, each verification step
// failing on its own, and a round trip through encryptFlowMedia.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowCryptoError } from './errors.js';
import { decryptFlowMedia, encryptFlowMedia, type WireFlowMediaEncryptionMetadata } from './media.js';
import { thrown } from '../../thrown.test-util.js';

interface MediaVector {
  encryption_metadata: WireFlowMediaEncryptionMetadata;
  cdn_file_hex: string;
  cdn_file_base64: string;
  expected_plaintext_hex: string;
}

const vector = JSON.parse(
  readFileSync(
    new URL('../../../../../shared/protocol/fixtures/crypto/pywa_flow_media_decryption_vector.json', import.meta.url),
    'utf8',
  ),
) as MediaVector;
const CDN_FILE = Buffer.from(vector.cdn_file_hex, 'hex');
const META = vector.encryption_metadata;
const b64sha = (data: Uint8Array) => createHash('sha256').update(data).digest('base64');

const failure = (run: () => unknown): FlowCryptoError => thrown(FlowCryptoError, run);

/** A copy of the CDN file with one byte flipped, and encrypted_hash updated so only the MAC can catch it. */
function tampered(index: number): { file: Buffer; meta: WireFlowMediaEncryptionMetadata } {
  const file = Buffer.from(CDN_FILE);
  file[index] = (file[index] ?? 0) ^ 0x01;
  return { file, meta: { ...META, encrypted_hash: b64sha(file) } };
}

describe('pywa vector', () => {
  it('decrypts to the expected 1×1 JPEG', () => {
    expect(CDN_FILE).toHaveLength(458);
    expect(Buffer.from(vector.cdn_file_base64, 'base64').equals(CDN_FILE)).toBe(true);
    const plaintext = decryptFlowMedia(CDN_FILE, META);
    expect(plaintext.toString('hex')).toBe(vector.expected_plaintext_hex);
    expect(plaintext).toHaveLength(435);
    expect(plaintext.subarray(0, 3).toString('hex')).toBe('ffd8ff');
    expect(b64sha(plaintext)).toBe(META.plaintext_hash);
    expect(b64sha(CDN_FILE)).toBe(META.encrypted_hash);
  });

  it('accepts a Uint8Array as well as a Buffer', () => {
    expect(decryptFlowMedia(new Uint8Array(CDN_FILE), META).toString('hex')).toBe(vector.expected_plaintext_hex);
  });
});

describe('each check fails on its own', () => {
  it('a changed file without a matching encrypted_hash → media_hash_mismatch', () => {
    const { file } = tampered(0);
    expect(failure(() => decryptFlowMedia(file, META))).toMatchObject({
      code: 'flowgate.flow.media_hash_mismatch',
      reason: 'hash_mismatch',
      status: null,
    });
    expect(
      failure(() => decryptFlowMedia(CDN_FILE, { ...META, encrypted_hash: b64sha(Buffer.from('x')) })),
    ).toMatchObject({
      reason: 'hash_mismatch',
    });
  });

  it.each([0, 200, 447, 448, 457])('a tampered byte at %i → media_hmac_mismatch', (index) => {
    const { file, meta } = tampered(index);
    expect(failure(() => decryptFlowMedia(file, meta))).toMatchObject({ code: 'flowgate.flow.media_hmac_mismatch' });
  });

  it('a wrong hmac_key → media_hmac_mismatch', () => {
    const meta = { ...META, hmac_key: randomBytes(32).toString('base64') };
    expect(failure(() => decryptFlowMedia(CDN_FILE, meta))).toMatchObject({ reason: 'hmac_mismatch' });
  });

  it('a tampered plaintext_hash → media_plaintext_hash_mismatch', () => {
    const meta = { ...META, plaintext_hash: b64sha(Buffer.from('another file')) };
    expect(failure(() => decryptFlowMedia(CDN_FILE, meta))).toMatchObject({
      code: 'flowgate.flow.media_plaintext_hash_mismatch',
      reason: 'plaintext_hash_mismatch',
    });
  });

  it('a wrong encryption key → bad padding or plaintext hash mismatch, never garbage', () => {
    const meta = { ...META, encryption_key: randomBytes(32).toString('base64') };
    const error = failure(() => decryptFlowMedia(CDN_FILE, meta));
    expect(['flowgate.flow.media_decrypt_failed', 'flowgate.flow.media_plaintext_hash_mismatch']).toContain(error.code);
  });

  it('wrong key and IV lengths, and bad base64, are refused before any work', () => {
    const cases: [Partial<WireFlowMediaEncryptionMetadata>, string][] = [
      [{ encryption_key: randomBytes(16).toString('base64') }, 'key_length'],
      [{ encryption_key: randomBytes(24).toString('base64') }, 'key_length'],
      [{ iv: randomBytes(12).toString('base64') }, 'iv_length'],
      [{ iv: 't1MOy02KXLbsH+NYkqkRXQ==!' }, 'bad_base64'],
      [{ hmac_key: '' }, 'bad_base64'],
      [{ plaintext_hash: 'not base64' }, 'bad_base64'],
    ];
    for (const [change, reason] of cases) {
      expect(failure(() => decryptFlowMedia(CDN_FILE, { ...META, ...change }))).toMatchObject({
        code: 'flowgate.flow.media_decrypt_failed',
        reason,
      });
    }
  });

  it('a file too short or not block-aligned is refused even when its hash and MAC match', () => {
    const short = Buffer.alloc(12);
    expect(failure(() => decryptFlowMedia(short, { ...META, encrypted_hash: b64sha(short) }))).toMatchObject({
      reason: 'bad_length',
    });
  });
});

describe('encryptFlowMedia', () => {
  it.each([0, 1, 15, 16, 17, 100_000])('round-trips %i bytes with fresh keys', (size) => {
    const plaintext = randomBytes(size);
    const { cdnFile, metadata } = encryptFlowMedia(plaintext);
    expect((cdnFile.length - 10) % 16).toBe(0);
    expect(Buffer.from(metadata.encryption_key, 'base64')).toHaveLength(32);
    expect(Buffer.from(metadata.iv, 'base64')).toHaveLength(16);
    expect(decryptFlowMedia(cdnFile, metadata).equals(plaintext)).toBe(true);
  });

  it("with pywa's keys and IV reproduces pywa's CDN file", () => {
    const plaintext = Buffer.from(vector.expected_plaintext_hex, 'hex');
    const { cdnFile, metadata } = encryptFlowMedia(plaintext, {
      encryptionKey: Buffer.from(META.encryption_key, 'base64'),
      hmacKey: Buffer.from(META.hmac_key, 'base64'),
      iv: Buffer.from(META.iv, 'base64'),
    });
    expect(cdnFile.equals(CDN_FILE)).toBe(true);
    expect(metadata).toEqual(META);
  });

  it('refuses a wrong key length', () => {
    expect(failure(() => encryptFlowMedia(Buffer.from('x'), { encryptionKey: randomBytes(16) }))).toMatchObject({
      reason: 'key_length',
    });
  });
});
