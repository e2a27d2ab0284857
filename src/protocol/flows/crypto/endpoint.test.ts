// Flow endpoint crypto with vectors built here from the spec (SPEC A.2, A.3): a round trip through
// the emulator-side client, requests sealed by an independent reference implementation, and every
// way a request can be wrong.

import {
  constants,
  createCipheriv,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptFlowResponse, encryptFlowRequest } from './client.js';
import { decryptFlowRequest, encryptFlowResponse, encryptFlowResponseRaw } from './endpoint.js';
import { FlowCryptoError } from './errors.js';
import { publicKeyPem } from './keys.js';
import { thrown } from '../../thrown.test-util.js';

let active: KeyObject;
let previous: KeyObject;

beforeAll(() => {
  active = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  previous = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

/** Reference sealing, written from the spec without the module's helpers. */
function sealRequest(
  plaintext: Uint8Array,
  key: KeyObject,
  opts: { aesKey?: Buffer; iv?: Buffer; tamper?: (data: Buffer) => Buffer } = {},
): Record<string, string> {
  const aesKey = opts.aesKey ?? randomBytes(16);
  const iv = opts.iv ?? randomBytes(16);
  const cipher = createCipheriv(aesKey.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm', aesKey, iv);
  let data: Buffer = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  if (opts.tamper) data = opts.tamper(data);
  return {
    encrypted_flow_data: data.toString('base64'),
    encrypted_aes_key: publicEncrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      aesKey,
    ).toString('base64'),
    initial_vector: iv.toString('base64'),
  };
}

const PAYLOAD = {
  version: '3.0',
  action: 'data_exchange',
  screen: 'MY_SCREEN',
  data: { name: 'Zoë 👋' },
  flow_token: 'tok',
};
const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

const failure = (run: () => unknown): FlowCryptoError => thrown(FlowCryptoError, run);

describe('round trips', () => {
  it('client request → endpoint → response → client, with random key and IV', () => {
    const request = encryptFlowRequest(PAYLOAD, publicKeyPem(active));
    expect(request.aesKey).toHaveLength(16);
    expect(request.iv).toHaveLength(16);
    const decrypted = decryptFlowRequest(JSON.parse(JSON.stringify(request.body)) as unknown, active);
    expect(decrypted.payload).toEqual(PAYLOAD);
    expect(decrypted.aesKey.equals(request.aesKey)).toBe(true);
    const reply = { screen: 'NEXT', data: { greeting: 'hi' } };
    expect(
      decryptFlowResponse(encryptFlowResponse(reply, decrypted.aesKey, decrypted.iv), request.aesKey, request.iv),
    ).toEqual(reply);
  });

  it('a fixed key and IV give a deterministic body that the reference implementation agrees with', () => {
    const aesKey = Buffer.alloc(16, 7);
    const iv = Buffer.alloc(16, 9);
    const ours = encryptFlowRequest(PAYLOAD, active, { aesKey, iv });
    const reference = sealRequest(json(PAYLOAD), active, { aesKey, iv });
    expect(ours.body.encrypted_flow_data).toBe(reference.encrypted_flow_data);
    expect(ours.body.initial_vector).toBe(reference.initial_vector);
    expect(decryptFlowRequest(reference, active).payload).toEqual(PAYLOAD);
  });

  it('the response uses the same key and the bit-flipped IV, tag appended, no IV in the body', () => {
    const aesKey = randomBytes(16);
    const iv = randomBytes(16);
    const flipped = Buffer.from(iv.map((byte) => byte ^ 0xff));
    const cipher = createCipheriv('aes-128-gcm', aesKey, flipped);
    const expected = Buffer.concat([
      cipher.update(json({ data: { status: 'active' } })),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    expect(encryptFlowResponse({ data: { status: 'active' } }, aesKey, iv)).toBe(expected.toString('base64'));
    expect(encryptFlowResponseRaw('{"data":{"status":"active"}}', aesKey, iv)).toBe(expected.toString('base64'));
  });

  it('tries keys in order and reports which one worked', () => {
    const body = sealRequest(json(PAYLOAD), previous);
    const decrypted = decryptFlowRequest(body, [active, previous]);
    expect(decrypted.keyIndex).toBe(1);
    expect(decrypted.payload).toEqual(PAYLOAD);
    expect(decryptFlowRequest(sealRequest(json(PAYLOAD), active), [active, previous]).keyIndex).toBe(0);
  });
});

describe('refused requests (all 421)', () => {
  const sealed = (opts?: Parameters<typeof sealRequest>[2]) => sealRequest(json(PAYLOAD), active, opts);
  const withField = (field: string, value: unknown) => () => ({ ...sealed(), [field]: value });
  const flipByte = (at: (data: Buffer) => number) => (data: Buffer) => {
    data[at(data)] = (data[at(data)] ?? 0) ^ 1;
    return data;
  };
  const plaintext = (bytes: Buffer) => () => sealRequest(bytes, active);
  const invalid = 'request_invalid';
  const failed = 'decrypt_failed';
  const cases: [string, () => unknown, string, string][] = [
    ['non-object body', () => '{"encrypted_flow_data":"x"}', invalid, 'not_object'],
    ['array body', () => [], invalid, 'not_object'],
    ['null body', () => null, invalid, 'not_object'],
    ['missing initial_vector', withField('initial_vector', undefined), invalid, 'missing_field'],
    ['numeric encrypted_aes_key', withField('encrypted_aes_key', 42), invalid, 'missing_field'],
    ['empty encrypted_flow_data', withField('encrypted_flow_data', ''), invalid, 'missing_field'],
    ['characters outside the alphabet', withField('initial_vector', 'AAAA!AAAAAAAAAAAAAAAAA=='), invalid, 'bad_base64'],
    ['URL-safe alphabet', withField('initial_vector', '-_-_AAAAAAAAAAAAAAAAAA=='), invalid, 'bad_base64'],
    ['embedded whitespace', withField('initial_vector', 'AAAA AAAAAAAAAAAAAAAAA=='), invalid, 'bad_base64'],
    ['bad padding', withField('initial_vector', 'AAAAAAAAAAAAAAAAAAAAAA='), invalid, 'bad_base64'],
    ['12-byte IV', () => sealed({ iv: randomBytes(12) }), invalid, 'iv_length'],
    [
      'body shorter than the tag',
      withField('encrypted_flow_data', randomBytes(15).toString('base64')),
      invalid,
      'ciphertext_too_short',
    ],
    ['AES key wrapped for another key', () => sealRequest(json(PAYLOAD), previous), failed, 'rsa_unwrap_failed'],
    [
      'garbage wrapped key',
      withField('encrypted_aes_key', randomBytes(256).toString('base64')),
      failed,
      'rsa_unwrap_failed',
    ],
    ['AES-256 key (32 bytes)', () => sealed({ aesKey: randomBytes(32) }), failed, 'aes_key_length'],
    ['tampered tag', () => sealed({ tamper: flipByte((d) => d.length - 1) }), failed, 'gcm_auth_failed'],
    ['tampered ciphertext', () => sealed({ tamper: flipByte(() => 0) }), failed, 'gcm_auth_failed'],
    [
      'tag only (truncated ciphertext)',
      () => sealed({ tamper: (d) => d.subarray(d.length - 16) }),
      failed,
      'gcm_auth_failed',
    ],
    ['plaintext that is not JSON', plaintext(Buffer.from('version=3.0')), failed, 'not_json'],
    ['plaintext that is not UTF-8', plaintext(Buffer.from([0x7b, 0xff, 0x7d])), failed, 'not_utf8'],
    ['plaintext that is a JSON array', plaintext(json([PAYLOAD])), failed, 'payload_not_object'],
    ['empty plaintext', plaintext(Buffer.alloc(0)), failed, 'not_json'],
  ];

  it.each(cases)('%s', (_name, makeBody, code, reason) => {
    const body = makeBody();
    const error = failure(() => decryptFlowRequest(body, [active]));
    expect(error).toMatchObject({ name: 'FlowCryptoError', code: `flowgate.flow.${code}`, reason, status: 421 });
  });

  it('messages never carry the key or the plaintext', () => {
    const aesKey = randomBytes(32);
    const error = failure(() => decryptFlowRequest(sealRequest(json(PAYLOAD), active, { aesKey }), active));
    expect(error.message).not.toContain(aesKey.toString('hex'));
    expect(error.message).not.toContain(aesKey.toString('base64'));
    const notJson = failure(() => decryptFlowRequest(sealRequest(Buffer.from('secret-plaintext'), active), active));
    expect(notJson.message).not.toContain('secret-plaintext');
    expect(notJson.cause).toBeUndefined();
  });
});

describe('misuse on our side', () => {
  it('an empty key list or a public or EC key is a key error (500)', () => {
    const body = sealRequest(json(PAYLOAD), active);
    expect(failure(() => decryptFlowRequest(body, []))).toMatchObject({
      code: 'flowgate.flow.key_invalid',
      reason: 'no_keys',
      status: 500,
    });
    const pub = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(failure(() => decryptFlowRequest(body, pub))).toMatchObject({ reason: 'public_key' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(failure(() => decryptFlowRequest(body, ec))).toMatchObject({ reason: 'not_rsa' });
  });

  it('refuses to encrypt with a wrong key or IV length, or an unserializable response', () => {
    expect(failure(() => encryptFlowResponse({}, randomBytes(32), randomBytes(16)))).toMatchObject({
      reason: 'aes_key_length',
    });
    expect(failure(() => encryptFlowResponse({}, randomBytes(16), randomBytes(12)))).toMatchObject({
      reason: 'iv_length',
    });
    expect(failure(() => encryptFlowResponse(undefined, randomBytes(16), randomBytes(16)))).toMatchObject({
      code: 'flowgate.flow.response_invalid',
      reason: 'not_serializable',
    });
    expect(failure(() => encryptFlowResponse({ n: 1n }, randomBytes(16), randomBytes(16)))).toMatchObject({
      reason: 'not_serializable',
    });
  });

  it('the client refuses a response with a bad tag or bad base64', () => {
    const aesKey = randomBytes(16);
    const iv = randomBytes(16);
    const body = encryptFlowResponse({ data: {} }, aesKey, iv);
    expect(failure(() => decryptFlowResponse(body, aesKey, Buffer.from(iv).fill(0)))).toMatchObject({
      reason: 'gcm_auth_failed',
    });
    expect(failure(() => decryptFlowResponse(`${body}!`, aesKey, iv))).toMatchObject({ reason: 'bad_base64' });
    expect(decryptFlowResponse(`${body}\n`, aesKey, iv)).toEqual({ data: {} });
  });
});
