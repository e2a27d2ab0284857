// The key ring against a real SQLite file and the emulator over loopback: upload + verify, rotation
// with a grace window, forced MISMATCH and a different key, failed rotations, retirement, audit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { GraphClient } from '../graph/index.js';
import { decryptFlowRequest, encryptFlowRequest, FlowCryptoError } from '../protocol/flows/crypto/index.js';
import { KeyGraphError, KeyRingError, KeyVerificationError } from './errors.js';
import type { KeysRepository } from '../store/keys.js';
import { PHONE, ringFixture, type RingFixture } from './test-util.test-util.js';

const HOUR = 3_600_000;
const actor = 'alice';
let f: RingFixture;
beforeEach(async () => {
  f = await ringFixture();
});
afterEach(async () => {
  await f.close();
});

const payload = { version: '3.0', action: 'ping' };

describe('upload and verify', () => {
  it('generates a pending key, uploads it, verifies it on Graph and activates it', async () => {
    const key = await f.ring.generate(PHONE, { actor });
    expect(key.state).toBe('pending');
    expect(await f.ring.activePublicKey(PHONE)).toBeNull();
    expect(await f.ring.decryptionKeys(PHONE)).toEqual([]);
    const result = await f.ring.upload(PHONE, { actor });
    expect(result).toMatchObject({ promoted: true, previous: null, key: { id: key.id, state: 'active' } });
    expect(result.key.verifiedAt).not.toBeNull();
    const pem = await f.ring.activePublicKey(PHONE);
    expect(f.emulator.businessPublicKey()).toBe(pem);
    const keys = await f.ring.decryptionKeys(PHONE);
    expect(keys).toHaveLength(1);
    const request = encryptFlowRequest(payload, pem ?? '');
    expect(decryptFlowRequest(request.body, keys).payload).toEqual(payload);
    await expect(f.ring.verify(PHONE, { actor })).resolves.toMatchObject({
      remote: { signatureStatus: 'VALID', matches: true },
    });
  });

  it('generates 3072-bit keys on request and refuses other sizes', async () => {
    expect((await f.ring.generate(PHONE, { actor, bits: 3072 })).bits).toBe(3072);
    await expect(f.ring.generate(PHONE, { actor, bits: 1024 })).rejects.toThrow(/2048, 3072 or 4096/);
  });

  it('refuses to activate a key whose signature status is MISMATCH, and keeps the old key active', async () => {
    const first = (await f.ring.rotate(PHONE, { actor })).key;
    f.emulator.setKeyStatus('MISMATCH');
    const failure = await f.ring.rotate(PHONE, { actor }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KeyVerificationError);
    expect((failure as KeyVerificationError).code).toBe('flowgate.keys.verify_signature_mismatch');
    expect((failure as Error).message).toMatch(/MISMATCH, not VALID/);
    const keys = await f.ring.list(PHONE);
    expect(keys.find((k) => k.state === 'active')?.id).toBe(first.id);
    expect(keys.filter((k) => k.state === 'pending')).toHaveLength(1);
    // The ring put its active key back on Graph.
    expect(f.emulator.businessPublicKey()).toBe(await f.ring.activePublicKey(PHONE));
    expect(await f.ring.decryptionKeys(PHONE)).toHaveLength(1);
    f.emulator.setKeyStatus('VALID');
    await expect(f.ring.verify(PHONE, { actor })).resolves.toMatchObject({ key: { id: first.id } });
  });

  it('decrypts requests to the new key while it is being uploaded and verified, before promotion', async () => {
    await f.ring.rotate(PHONE, { actor });
    let during = '';
    // A WhatsApp client that fetches the number's key from Graph just before the ring reads it back.
    const graph = {
      setBusinessPublicKey: (phone: string, pem: string) => f.graph.setBusinessPublicKey(phone, pem),
      getBusinessPublicKey: async (phone: string) => {
        const live = encryptFlowRequest(payload, f.emulator.businessPublicKey() ?? '');
        during = String(decryptFlowRequest(live.body, await ring.decryptionKeys(PHONE)).keyIndex);
        return f.graph.getBusinessPublicKey(phone);
      },
    } as unknown as GraphClient;
    const ring = f.newRing({ graph });
    expect((await ring.rotate(PHONE, { actor })).promoted).toBe(true);
    // Tried after the active key (index 0) and the one retiring: this rotation's first key.
    expect(during).toBe('1');
  });

  it('keeps trying a new key that Graph may still hold after a failed upload it could not undo', async () => {
    const first = (await f.ring.rotate(PHONE, { actor })).key;
    let uploads = 0;
    const graph = {
      setBusinessPublicKey: (phone: string, pem: string) => {
        uploads += 1;
        // The second upload (putting the active key back) fails: Graph keeps the new key.
        if (uploads === 2) return Promise.reject(new Error('Graph is down'));
        return f.graph.setBusinessPublicKey(phone, pem);
      },
      getBusinessPublicKey: (phone: string) => f.graph.getBusinessPublicKey(phone),
    } as unknown as GraphClient;
    f.emulator.setKeyStatus('MISMATCH');
    await expect(f.newRing({ graph }).rotate(PHONE, { actor })).rejects.toBeInstanceOf(KeyVerificationError);
    expect((await f.ring.publicKey(PHONE)).key.id).toBe(first.id);
    const toGraphs = encryptFlowRequest(payload, f.emulator.businessPublicKey() ?? '');
    expect(decryptFlowRequest(toGraphs.body, await f.ring.decryptionKeys(PHONE)).keyIndex).toBe(1);
  });

  it('reports a different key on Graph as a clear error', async () => {
    await f.ring.rotate(PHONE, { actor });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    await f.graph.setBusinessPublicKey(PHONE, other.toString());
    const failure = await f.ring.verify(PHONE, { actor }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KeyVerificationError);
    expect((failure as KeyVerificationError).code).toBe('flowgate.keys.verify_different_key');
    expect((failure as Error).message).toMatch(/different business public key/);
  });

  it('turns Graph errors into typed errors with a sentence to act on, and a failed rotation changes nothing', async () => {
    const first = (await f.ring.rotate(PHONE, { actor })).key;
    const stranger = new GraphClient({
      baseUrl: f.emulator.graphBaseUrl ?? '',
      version: 'v24.0',
      accessToken: 'expired-token',
      maxRetries: 0,
    });
    const ring = f.newRing({ graph: stranger });
    const failure = await ring.rotate(PHONE, { actor }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KeyGraphError);
    expect((failure as KeyGraphError).metaCode).toBe(190);
    expect((failure as Error).message).toMatch(/FLOWGATE_ACCESS_TOKEN/);
    expect((failure as Error).message).not.toContain('expired-token');
    expect((await f.ring.list(PHONE)).find((k) => k.state === 'active')?.id).toBe(first.id);
    expect(f.emulator.businessPublicKey()).toBe(await f.ring.activePublicKey(PHONE));

    const unknownNumber = await f.ring.rotate('999000111', { actor }).catch((e: unknown) => e);
    expect(unknownNumber).toBeInstanceOf(KeyGraphError);
    expect((unknownNumber as KeyGraphError).metaCode).toBe(100);
    expect((unknownNumber as Error).message).toMatch(/phone number id/);
  });

  it('needs Graph access for upload and the master key for generate', async () => {
    await expect(f.newRing({ graph: null }).rotate(PHONE, { actor })).rejects.toThrow(/FLOWGATE_ACCESS_TOKEN/);
    await expect(f.newRing({ masterKey: null }).generate(PHONE, { actor })).rejects.toThrow(/FLOWGATE_MASTER_KEY/);
  });
});

describe('rotation and grace', () => {
  it('keeps decrypting requests made to the old key during the grace window, and not after retirement', async () => {
    const old = (await f.ring.rotate(PHONE, { actor })).key;
    const oldPem = (await f.ring.activePublicKey(PHONE)) ?? '';
    const rotated = await f.ring.rotate(PHONE, { actor });
    expect(rotated.previous).toMatchObject({ id: old.id, state: 'retiring' });
    expect(rotated.previous?.graceUntil).toBe(f.clock.now() + 24 * HOUR);

    const toOld = encryptFlowRequest(payload, oldPem);
    const keys = await f.ring.decryptionKeys(PHONE);
    expect(keys).toHaveLength(2);
    const decrypted = decryptFlowRequest(toOld.body, keys);
    expect(decrypted.keyIndex).toBe(1);
    const toNew = encryptFlowRequest(payload, (await f.ring.activePublicKey(PHONE)) ?? '');
    expect(decryptFlowRequest(toNew.body, keys).keyIndex).toBe(0);

    f.clock.advance(23 * HOUR);
    expect(await f.ring.decryptionKeys(PHONE)).toHaveLength(2);
    f.clock.advance(2 * HOUR);
    // Past the grace window the retiring key is no longer tried, even before the sweep marks it.
    const afterGrace = await f.ring.decryptionKeys(PHONE);
    expect(afterGrace).toHaveLength(1);
    expect(() => decryptFlowRequest(toOld.body, afterGrace)).toThrow(FlowCryptoError);
    expect(await f.ring.sweep({ actor: 'scheduler' })).toBe(1);
    expect((await f.ring.get(PHONE, old.id)).state).toBe('retired');
    const retired = await f.ring.decryptionKeys(PHONE);
    const error = (() => {
      try {
        decryptFlowRequest(toOld.body, retired);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FlowCryptoError);
    expect((error as FlowCryptoError).status).toBe(421);
  });

  it('retires pending and retiring keys on request, never the active one', async () => {
    const first = (await f.ring.rotate(PHONE, { actor })).key;
    await f.ring.rotate(PHONE, { actor });
    await expect(f.ring.retire(PHONE, (await f.ring.publicKey(PHONE)).key.id, { actor })).rejects.toThrow(/rotate/);
    expect((await f.ring.retire(PHONE, first.id, { actor })).state).toBe('retired');
    expect(await f.ring.decryptionKeys(PHONE)).toHaveLength(1);
    await expect(f.ring.retire(PHONE, first.id, { actor })).rejects.toThrow(/already retired/);
    await expect(f.ring.retire(PHONE, 'key_nope', { actor })).rejects.toBeInstanceOf(KeyRingError);
    const pending = await f.ring.generate(PHONE, { actor });
    expect((await f.ring.retire(PHONE, pending.id, { actor })).state).toBe('retired');
    await expect(f.ring.upload(PHONE, { actor, id: pending.id })).rejects.toThrow(/only pending or active/);
  });

  it('sees rotations made by another process (another ring on the same database)', async () => {
    await f.ring.rotate(PHONE, { actor });
    const server = f.newRing();
    expect(await server.decryptionKeys(PHONE)).toHaveLength(1);
    await f.ring.rotate(PHONE, { actor });
    expect(await server.decryptionKeys(PHONE)).toHaveLength(2);
  });

  it('reads the key list again, fresh, when asked after a request none of its keys decrypted, at most every 250 ms', async () => {
    await f.ring.rotate(PHONE, { actor });
    // Another process, which keeps its list for a second.
    const server = f.newRing({ listTtlMs: 1000 });
    const before = await server.decryptionKeys(PHONE);
    expect(before).toHaveLength(1);
    // This process begins uploading a new key: WhatsApp may encrypt to it from now on.
    const fresh = await f.ring.generate(PHONE, { actor });
    await f.store.keys.markUploadStarted(fresh.id, f.clock.now());
    f.clock.advance(10);
    expect(await server.decryptionKeys(PHONE)).toBe(before);
    // However recent the list, a fresh one is read (the first in FRESH_READ_MS).
    const again = await server.decryptionKeys(PHONE, { fresh: true });
    expect(again).toHaveLength(2);
    // Within FRESH_READ_MS of that fresh read, a fresh list is the one just read: undecryptable requests
    // cannot make each one a database read.
    const third = await f.ring.generate(PHONE, { actor });
    await f.store.keys.markUploadStarted(third.id, f.clock.now());
    f.clock.advance(100);
    expect(await server.decryptionKeys(PHONE, { fresh: true })).toBe(again);
    f.clock.advance(200);
    const latest = await server.decryptionKeys(PHONE, { fresh: true });
    expect(latest).toHaveLength(2);
    expect(latest).not.toBe(again);
  });

  it('a fresh read does not take the list of an ordinary read begun before the upload, nor is undone by it', async () => {
    await f.ring.rotate(PHONE, { actor });
    // Another process whose first read of the list is slow.
    const slow = holdingRead(f.store.keys, 1);
    const server = f.newRing({ keys: slow.keys, listTtlMs: 1000 });
    const ordinary = server.decryptionKeys(PHONE);
    await slow.holding();
    // A key upload begins after that read had its rows; a request encrypted to it finds no cached key.
    const uploaded = await f.ring.generate(PHONE, { actor });
    await f.store.keys.markUploadStarted(uploaded.id, f.clock.now());
    // Read on its own (joining the held read would wait for it, and get its older list).
    const fresh = await server.decryptionKeys(PHONE, { fresh: true });
    expect(fresh).toHaveLength(2);
    // The older read finishes last: its callers get what it read, but the list kept is the fresh one.
    slow.release();
    expect(await ordinary).toHaveLength(1);
    expect(await server.decryptionKeys(PHONE)).toBe(fresh);
  });

  it('a fresh read joins a fresh read in flight only within FRESH_READ_MS of its start', async () => {
    await f.ring.rotate(PHONE, { actor });
    const slow = holdingRead(f.store.keys, 2);
    const server = f.newRing({ keys: slow.keys, listTtlMs: 1000 });
    expect(await server.decryptionKeys(PHONE)).toHaveLength(1);
    // A request none of the cached keys decrypts starts a fresh read, which is slow.
    f.clock.advance(10);
    const first = server.decryptionKeys(PHONE, { fresh: true });
    await slow.holding();
    // A key upload begins; more than FRESH_READ_MS later a request encrypted to it reads on its own.
    const uploaded = await f.ring.generate(PHONE, { actor });
    await f.store.keys.markUploadStarted(uploaded.id, f.clock.now());
    f.clock.advance(300);
    const second = server.decryptionKeys(PHONE, { fresh: true });
    slow.release();
    expect(await second).toHaveLength(2);
    expect(await first).toHaveLength(1);
    expect(await server.decryptionKeys(PHONE)).toHaveLength(2);
  });

  it('a fresh request while a fresh read is under way gets that read, not the list cached before it', async () => {
    await f.ring.rotate(PHONE, { actor });
    const slow = holdingRead(f.store.keys, 2);
    const server = f.newRing({ keys: slow.keys, listTtlMs: 1000 });
    expect(await server.decryptionKeys(PHONE)).toHaveLength(1);
    // Another process begins uploading a key; two requests encrypted to it come 10 ms apart.
    const uploaded = await f.ring.generate(PHONE, { actor });
    await f.store.keys.markUploadStarted(uploaded.id, f.clock.now());
    f.clock.advance(10);
    const first = server.decryptionKeys(PHONE, { fresh: true });
    await slow.holding();
    f.clock.advance(10);
    const second = server.decryptionKeys(PHONE, { fresh: true });
    slow.release();
    expect(await first).toHaveLength(2);
    expect(await second).toHaveLength(2);
  });

  it("a read begun before this process's own rotation does not keep its list after it", async () => {
    await f.ring.rotate(PHONE, { actor });
    const slow = holdingRead(f.store.keys, 1);
    const server = f.newRing({ keys: slow.keys, listTtlMs: 1000 });
    const before = server.decryptionKeys(PHONE);
    await slow.holding();
    const rotated = await server.rotate(PHONE, { actor });
    slow.release();
    expect(await before).toHaveLength(1);
    // Within the list's second, this process already decrypts with the key it just made active.
    const now = await server.decryptionKeys(PHONE);
    expect(now).toHaveLength(2);
    const { pem } = await server.publicKey(PHONE);
    expect(decryptFlowRequest(encryptFlowRequest(payload, pem).body, now).keyIndex).toBe(0);
    expect(rotated.promoted).toBe(true);
  });

  it('refuses to open keys under a different master key', async () => {
    await f.ring.rotate(PHONE, { actor });
    const wrong = f.newRing({ masterKey: Buffer.alloc(32, 7).toString('base64') });
    await expect(wrong.decryptionKeys(PHONE)).rejects.toThrow(/does not open with this FLOWGATE_MASTER_KEY/);
  });
});

/**
 * Another process's view of the key table, whose `nth` read of a key list has its rows and is then held
 * before it returns, until release(); holding() resolves once that read has its rows.
 */
function holdingRead(real: KeysRepository, nth: number) {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  const keys: KeysRepository = Object.assign(Object.create(real) as KeysRepository, {
    inStates: async (...args: Parameters<KeysRepository['inStates']>) => {
      const rows = await real.inStates(...args);
      if (++reads === nth) await held;
      return rows;
    },
  });
  const holding = async () => {
    while (reads < nth) await new Promise((resolve) => setImmediate(resolve));
  };
  return { keys, release, holding };
}

describe('concurrency', () => {
  it('runs simultaneous rotations of one number one after the other, each verified', async () => {
    const results = await Promise.all([
      f.ring.rotate(PHONE, { actor }),
      f.ring.rotate(PHONE, { actor }),
      f.ring.rotate(PHONE, { actor }),
    ]);
    expect(results.map((r) => r.promoted)).toEqual([true, true, true]);
    const keys = await f.ring.list(PHONE);
    expect(keys.filter((k) => k.state === 'active')).toHaveLength(1);
    expect(keys.filter((k) => k.state === 'retiring')).toHaveLength(2);
    expect(f.emulator.businessPublicKey()).toBe(await f.ring.activePublicKey(PHONE));
  });
});
