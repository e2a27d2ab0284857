// Helpers for flow endpoint tests: the pywa test key (fixtures/crypto), requests encrypted and signed the
// way WhatsApp's client does, and decrypted answers.
import { constants, createCipheriv, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  decryptFlowResponse,
  encryptFlowRequest,
  loadPrivateKey,
  publicKeyPem,
  signBody,
  type FlowJson,
} from '../src/protocol/index.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.js';
import type { FlowgateApp } from '../src/server/app.js';
import type { FlowKeySource } from '../src/flows/index.js';
import { GraphClient } from '../src/graph/index.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, readFixture } from './helpers.js';

export const PYWA_KEY: KeyObject = loadPrivateKey(
  readFixture('crypto/pywa_flow_endpoint_private_key_encrypted_pass_pywa.pem'),
  'pywa',
);

export function staticKeys(...keys: KeyObject[]): FlowKeySource {
  return { decryptionKeys: () => Promise.resolve(keys) };
}

export function testFlowJson(): FlowJson {
  return JSON.parse(readFileSync(new URL('./fixtures/flow-endpoint-test.json', import.meta.url), 'utf8')) as FlowJson;
}

export interface FlowAnswer {
  status: number;
  contentType: string | null;
  text: string;
  /** The decrypted body, or null when it was not encrypted for this request. */
  body: unknown;
}

/** POSTs a raw body (already encrypted) with a signature (null: none). */
export async function postRaw(
  url: string,
  flow: string,
  body: string,
  signature: string | null = signBody(body, APP_SECRET),
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return fetch(`${url}/flows/${flow}`, { method: 'POST', headers, body });
}

/**
 * The body WhatsApp would POST for a payload given as JSON text: for payloads JSON.stringify cannot write
 * (nested deeper than its stack allows) but JSON.parse reads.
 */
function encryptJsonText(text: string, key: KeyObject | string) {
  const aesKey = randomBytes(16);
  const iv = randomBytes(16);
  const wrapped = publicEncrypt(
    { key: createPublicKey(key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    aesKey,
  );
  const cipher = createCipheriv('aes-128-gcm', aesKey, iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const body = {
    encrypted_flow_data: sealed.toString('base64'),
    encrypted_aes_key: wrapped.toString('base64'),
    initial_vector: iv.toString('base64'),
  };
  return { body, aesKey, iv };
}

/** Encrypts `payload` (an object, or JSON text) to `publicKey`, signs and posts it, and decrypts the answer. */
export async function exchange(
  url: string,
  flow: string,
  payload: object | string,
  options: { key?: KeyObject | string; secret?: string } = {},
): Promise<FlowAnswer> {
  const key = options.key ?? PYWA_KEY;
  const { body, aesKey, iv } =
    typeof payload === 'string' ? encryptJsonText(payload, key) : encryptFlowRequest(payload, key);
  const raw = JSON.stringify(body);
  const res = await postRaw(url, flow, raw, signBody(raw, options.secret ?? APP_SECRET));
  const text = await res.text();
  let decrypted: unknown = null;
  try {
    decrypted = decryptFlowResponse(text, aesKey, iv);
  } catch {
    decrypted = null;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, body: decrypted };
}

/**
 * The emulator on loopback with the pywa key's public half as PHONE_NUMBER_ID's business key, set through
 * the Graph API as `flowgate keys upload` does: what the emulator's Flow client fetches and encrypts to.
 */
export async function emulatorWithPywaKey(
  options: Partial<EmulatorOptions> = {},
): Promise<{ emulator: Emulator; url: string }> {
  const emulator = createEmulator({ appSecret: APP_SECRET, accessToken: ACCESS_TOKEN, ...options });
  const { url } = await emulator.listen(0, '127.0.0.1');
  await new GraphClient({ baseUrl: url, version: 'v24.0', accessToken: ACCESS_TOKEN }).setBusinessPublicKey(
    PHONE_NUMBER_ID,
    publicKeyPem(PYWA_KEY),
  );
  return { emulator, url };
}

/** Issues `token` for `flow` to `waId`, valid for an hour, as app.sendFlow would (without sending anything). */
export async function issueTestToken(app: FlowgateApp, flow: string, token: string, waId: string): Promise<void> {
  const now = Date.now();
  await app.gateway.store.flows.issueToken({
    token,
    flow,
    waId,
    phoneNumberId: null,
    data: null,
    now,
    expiresAt: now + 3_600_000,
  });
}
