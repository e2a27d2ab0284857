// The RSA unwrap pool gives the same answers as the protocol's decryptFlowRequest, from other threads.
import { generateKeyPairSync, publicEncrypt, constants, randomBytes, type KeyObject } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFlowEnvelope, encryptFlowRequest, openFlowRequest } from '../protocol/index.js';
import { RsaUnwrapPool } from './rsa-pool.js';

const pair = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync('rsa', { modulusLength: 2048 });
const active = pair();
const retiring = pair();
const stranger = pair();
const pool = new RsaUnwrapPool(2);
afterAll(() => pool.close());

function wrap(publicKey: KeyObject, aesKey: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
}

describe('RsaUnwrapPool', () => {
  it('unwraps with the first key that fits and says which one', async () => {
    const aesKey = randomBytes(16);
    expect(await pool.unwrap(wrap(active.publicKey, aesKey), [active.privateKey, retiring.privateKey])).toEqual({
      aesKey,
      keyIndex: 0,
    });
    expect(await pool.unwrap(wrap(retiring.publicKey, aesKey), [active.privateKey, retiring.privateKey])).toEqual({
      aesKey,
      keyIndex: 1,
    });
  });

  it('answers null when no key fits, or for bytes that are no RSA-OAEP ciphertext', async () => {
    expect(await pool.unwrap(wrap(stranger.publicKey, randomBytes(16)), [active.privateKey])).toBeNull();
    expect(await pool.unwrap(randomBytes(256), [active.privateKey])).toBeNull();
  });

  it('decrypts real flow requests concurrently, each with its own key, across both threads', async () => {
    const requests = Array.from({ length: 40 }, (_, i) =>
      encryptFlowRequest(
        { action: 'data_exchange', screen: 'A', data: { i }, version: '3.0', flow_token: `t${i}` },
        active.publicKey,
      ),
    );
    const opened = await Promise.all(
      requests.map(async (r) => {
        const envelope = decodeFlowEnvelope(r.body);
        const unwrapped = await pool.unwrap(envelope.encrypted_aes_key, [retiring.privateKey, active.privateKey]);
        expect(unwrapped?.keyIndex).toBe(1);
        return openFlowRequest(envelope, unwrapped!.aesKey, unwrapped!.keyIndex).payload;
      }),
    );
    expect(opened.map((p) => (p.data as { i: number }).i)).toEqual(requests.map((_, i) => i));
  });

  it('fills its threads in order: the next thread only once every earlier one has spillAt in flight', async () => {
    const ordered = new RsaUnwrapPool(2, 3);
    try {
      expect(ordered.inFlight()).toEqual([]);
      const keys = [active.privateKey];
      const ask = (n: number) =>
        Array.from({ length: n }, () => {
          const aesKey = randomBytes(16);
          return ordered.unwrap(wrap(active.publicKey, aesKey), keys).then((r) => {
            expect(r?.aesKey).toEqual(aesKey);
          });
        });
      const first = ask(3);
      expect(ordered.inFlight()).toEqual([3, 0]);
      const fourth = ask(1);
      expect(ordered.inFlight()).toEqual([3, 1]);
      // Both at spillAt: the one with fewer, the first of equals.
      const more = ask(4);
      expect(ordered.inFlight()).toEqual([4, 4]);
      await Promise.all([...first, ...fourth, ...more]);
      expect(ordered.inFlight()).toEqual([0, 0]);
      // Idle again: a lone unwrap goes to the first thread.
      const lone = ask(1);
      expect(ordered.inFlight()).toEqual([1, 0]);
      await Promise.all(lone);
    } finally {
      await ordered.close();
    }
  });

  it('refuses a size or spillAt below 1', () => {
    expect(() => new RsaUnwrapPool(0)).toThrow(RangeError);
    expect(() => new RsaUnwrapPool(2, 0)).toThrow(/spillAt must be ≥ 1, got 0/);
    expect(() => new RsaUnwrapPool(2, 1.5)).toThrow(RangeError);
  });

  it('keeps the order of key arrivals and departures within one batch (more keys than a thread keeps)', async () => {
    const single = new RsaUnwrapPool(1);
    try {
      const keys = Array.from({ length: 20 }, pair);
      const aesKeys = keys.map(() => randomBytes(16));
      // All in one event-loop turn: one batch, in which later requests make the thread forget earlier keys.
      const answers = await Promise.all(
        keys.map((k, i) => single.unwrap(wrap(k.publicKey, aesKeys[i]!), [k.privateKey])),
      );
      expect(answers).toEqual(aesKeys.map((aesKey) => ({ aesKey, keyIndex: 0 })));
      // The first key was forgotten by the thread and is sent again.
      const again = randomBytes(16);
      expect(await single.unwrap(wrap(keys[0]!.publicKey, again), [keys[0]!.privateKey])).toEqual({
        aesKey: again,
        keyIndex: 0,
      });
    } finally {
      await single.close();
    }
  });
});
