// Flow endpoint crypto against real and reference vectors: pywa's captured INIT request and
// response, Meta's Node sample's responses for the same request, and the synthetic ping /
// data_exchange / error / BACK requests (with their negative cases) encrypted to the pywa key.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decryptFlowRequest, encryptFlowResponse, encryptFlowResponseRaw } from './endpoint.js';
import { decryptFlowResponse } from './client.js';
import { FlowCryptoError } from './errors.js';
import { flipIv } from './gcm.js';
import { loadPrivateKey } from './keys.js';
import { thrown } from '../../thrown.test-util.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../../../../shared/protocol/fixtures/crypto/${name}`, import.meta.url), 'utf8');
}

interface RoundtripVector {
  private_key_password: string;
  request_body: Record<string, string>;
  expected_decrypted_request: Record<string, unknown>;
  expected_decrypted_request_raw_utf8: string;
  aes_key_hex: string;
  initial_vector_hex: string;
  flipped_iv_hex: string;
  response_plaintext_json_as_serialized: string;
  expected_response_body_base64: string;
}

interface MetaResponsesVector {
  request_body: Record<string, string>;
  aes_key_hex: string;
  initial_vector_hex: string;
  responses: Record<string, { plaintext_utf8: string; body_base64: string }>;
}

interface SyntheticCase {
  request_body: Record<string, string>;
  decrypted_request_utf8?: string;
  aes_key_hex?: string;
  initial_vector_hex?: string;
  example_response_plaintext_utf8?: string;
  example_response_body_base64?: string;
}

const pywa = JSON.parse(fixture('pywa_flow_endpoint_roundtrip_vector.json')) as RoundtripVector;
const meta = JSON.parse(fixture('flow_endpoint_responses_vector_meta_nodejs_encryption.json')) as MetaResponsesVector;
const synthetic = JSON.parse(fixture('synthetic_flow_endpoint_requests_pywa_key.json')) as {
  cases: Record<string, SyntheticCase>;
};
const key = loadPrivateKey(
  fixture('pywa_flow_endpoint_private_key_encrypted_pass_pywa.pem'),
  pywa.private_key_password,
);
const hex = (value: string) => Buffer.from(value, 'hex');

const decryptError = (run: () => unknown): FlowCryptoError => thrown(FlowCryptoError, run);

describe('pywa round-trip vector (a real WhatsApp INIT request)', () => {
  const decrypted = decryptFlowRequest(pywa.request_body, key);

  it('decrypts to the expected INIT payload, AES key and IV', () => {
    expect(decrypted.payload).toEqual(pywa.expected_decrypted_request);
    expect(Object.keys(decrypted.payload)).toEqual(
      Object.keys(JSON.parse(pywa.expected_decrypted_request_raw_utf8) as object),
    );
    expect(decrypted.aesKey.toString('hex')).toBe(pywa.aes_key_hex);
    expect(decrypted.iv.toString('hex')).toBe(pywa.initial_vector_hex);
    expect(decrypted.keyIndex).toBe(0);
  });

  it('flips the IV bit by bit', () => {
    expect(flipIv(decrypted.iv).toString('hex')).toBe(pywa.flipped_iv_hex);
    expect(flipIv(flipIv(decrypted.iv)).equals(decrypted.iv)).toBe(true);
  });

  it("reproduces pywa's response ciphertext from pywa's exact serialization", () => {
    const body = encryptFlowResponseRaw(pywa.response_plaintext_json_as_serialized, decrypted.aesKey, decrypted.iv);
    expect(body).toBe(pywa.expected_response_body_base64);
  });

  it("decrypts pywa's expected response with the flipped IV to the object", () => {
    expect(decryptFlowResponse(pywa.expected_response_body_base64, decrypted.aesKey, decrypted.iv)).toEqual(
      JSON.parse(pywa.response_plaintext_json_as_serialized) as unknown,
    );
  });

  it('compact JSON.stringify of the same object gives a different, equally valid ciphertext (SPEC A.3)', () => {
    const object = JSON.parse(pywa.response_plaintext_json_as_serialized) as unknown;
    const body = encryptFlowResponse(object, decrypted.aesKey, decrypted.iv);
    expect(body).not.toBe(pywa.expected_response_body_base64);
    expect(body).toBe(meta.responses.pywa_test_response?.body_base64);
  });
});

describe("Meta's Node sample responses for the same request", () => {
  const decrypted = decryptFlowRequest(meta.request_body, [key]);
  const cases = Object.entries(meta.responses);

  it('covers every documented response kind', () => {
    expect(cases.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'health_check_ack',
        'error_notification_ack',
        'next_screen',
        'success_terminal',
        'flow_token_invalid_427_body',
      ]),
    );
    expect(decrypted.aesKey.toString('hex')).toBe(meta.aes_key_hex);
    expect(decrypted.iv.toString('hex')).toBe(meta.initial_vector_hex);
  });

  it.each(cases)('%s: encryptFlowResponse(object) is byte-for-byte Meta’s body', (_name, response) => {
    const object = JSON.parse(response.plaintext_utf8) as unknown;
    expect(JSON.stringify(object)).toBe(response.plaintext_utf8);
    expect(encryptFlowResponse(object, decrypted.aesKey, decrypted.iv)).toBe(response.body_base64);
    expect(decryptFlowResponse(response.body_base64, decrypted.aesKey, decrypted.iv)).toEqual(object);
  });
});

describe('synthetic requests to the pywa key', () => {
  const positive = Object.entries(synthetic.cases).filter(([, c]) => c.decrypted_request_utf8 !== undefined);

  it('has the four request kinds', () => {
    expect(positive.map(([name]) => name).sort()).toEqual(['back', 'data_exchange', 'error_notification', 'ping']);
  });

  it.each(positive)('%s decrypts to its stated plaintext, key and IV', (_name, c) => {
    const decrypted = decryptFlowRequest(c.request_body, key);
    expect(decrypted.payload).toEqual(JSON.parse(c.decrypted_request_utf8 ?? '') as unknown);
    expect(decrypted.aesKey.toString('hex')).toBe(c.aes_key_hex);
    expect(decrypted.iv.toString('hex')).toBe(c.initial_vector_hex);
    const response = JSON.parse(c.example_response_plaintext_utf8 ?? '') as unknown;
    expect(encryptFlowResponse(response, decrypted.aesKey, decrypted.iv)).toBe(c.example_response_body_base64);
    expect(
      decryptFlowResponse(
        c.example_response_body_base64 ?? '',
        hex(c.aes_key_hex ?? ''),
        hex(c.initial_vector_hex ?? ''),
      ),
    ).toEqual(response);
  });

  it('a tampered tag is a GCM failure answered with 421', () => {
    const c = synthetic.cases.ping_tampered_tag_expect_421;
    expect(c).toBeDefined();
    const error = decryptError(() => decryptFlowRequest(c?.request_body, key));
    expect(error).toMatchObject({ code: 'flowgate.flow.decrypt_failed', reason: 'gcm_auth_failed', status: 421 });
  });

  it('an AES key wrapped for another key is an RSA failure answered with 421', () => {
    const c = synthetic.cases.ping_undecryptable_aes_key_expect_421;
    expect(c).toBeDefined();
    const error = decryptError(() => decryptFlowRequest(c?.request_body, key));
    expect(error).toMatchObject({ code: 'flowgate.flow.decrypt_failed', reason: 'rsa_unwrap_failed', status: 421 });
    expect(error.name).toBe('FlowCryptoError');
    expect(error.message).not.toMatch(/BEGIN|[0-9a-f]{32}/);
  });
});
