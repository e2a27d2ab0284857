// Scheduled key work on a real SQLite file with the emulator: one lease holder at a time (claimed
// atomically, taken over after expiry), grace-window retirement, rotation every N days, a failing
// scheduled rotation that leaves the current key active, and retries that reuse the scheduler's own
// pending key (never a person's).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyInfo } from './key-info.js';
import { KeyScheduler, MAX_SCHEDULED_ROTATION_FAILURES } from './scheduler.js';
import { PHONE, ringFixture, type RingFixture } from './test-util.test-util.js';

const DAY = 86_400_000;
let f: RingFixture;
beforeEach(async () => {
  f = await ringFixture({ graceHours: 24 });
});
afterEach(async () => {
  await f.close();
});

function scheduler(holder: string, rotationDays: number | null = 30): KeyScheduler {
  return new KeyScheduler({
    ring: f.ring,
    keys: f.store.keys,
    rotationDays,
    now: f.clock.now,
    holder,
    leaseMs: 60_000,
  });
}

/** A scheduler without jitter whose lease outlives the test, for counting tries (on `ring`, the fixture's by default). */
function steadyScheduler(ring = f.ring): KeyScheduler {
  return new KeyScheduler({
    ring,
    keys: f.store.keys,
    rotationDays: 30,
    now: f.clock.now,
    random: () => 0.5,
    holder: 'a',
    leaseMs: 30 * DAY,
  });
}

/**
 * Graph as a ring sees it, with a moment after the next upload for a person (another process) to act in:
 * `afterUpload(hook)` runs `hook` once, right after Graph took the next public key.
 */
function pausingGraph(): { graph: typeof f.graph; afterUpload: (hook: () => Promise<void>) => void } {
  let next: (() => Promise<void>) | null = null;
  const graph = new Proxy(f.graph, {
    get(target, prop, receiver) {
      if (prop === 'setBusinessPublicKey') {
        return async (phone: string, pem: string) => {
          await target.setBusinessPublicKey(phone, pem);
          const hook = next;
          next = null;
          if (hook !== null) await hook();
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    graph,
    afterUpload: (hook) => {
      next = hook;
    },
  };
}

/** `n` scheduled rotations of `active` that fail on Graph, a day apart (past every backoff). */
async function failScheduledRotations(s: KeyScheduler, active: KeyInfo, n: number): Promise<void> {
  f.emulator.setKeyStatus('MISMATCH');
  for (let i = 0; i < n; i += 1) {
    expect((await s.tick()).failed).toEqual([active.id]);
    f.clock.advance(DAY);
  }
}

async function pendingKeys(): Promise<KeyInfo[]> {
  return (await f.ring.list(PHONE)).filter((k) => k.state === 'pending');
}

async function schedulerEntries(action: string): Promise<{ outcome: string; keyId: string | null }[]> {
  return (await f.ring.auditLog({ phoneNumberId: PHONE }))
    .filter((e) => e.actor === 'scheduler' && e.action === action)
    .map((e) => ({ outcome: e.outcome, keyId: e.key_id }));
}

describe('key scheduler', () => {
  it('lets one process hold the lease at a time and another take over once it expires', async () => {
    const a = scheduler('a');
    const b = scheduler('b');
    expect((await a.tick()).leader).toBe(true);
    expect((await b.tick()).leader).toBe(false);
    expect((await a.tick()).leader).toBe(true);
    f.clock.advance(61_000);
    expect((await b.tick()).leader).toBe(true);
    expect((await a.tick()).leader).toBe(false);
    await b.stop();
    expect((await a.tick()).leader).toBe(true);
  });

  it('claims the lease atomically: of many simultaneous claims exactly one wins', async () => {
    const now = f.clock.now();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => f.store.keys.claimLease('race', `p${i}`, now, now + 1000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('rotates keys older than the rotation period and retires keys past their grace window', async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    const s = scheduler('a', 30);
    expect(await s.tick()).toMatchObject({ leader: true, rotated: [], retired: 0 });
    f.clock.advance(31 * DAY);
    const rotated = await s.tick();
    expect(rotated.rotated).toHaveLength(1);
    expect((await f.ring.get(PHONE, first.id)).state).toBe('retiring');
    expect(await f.ring.decryptionKeys(PHONE)).toHaveLength(2);
    f.clock.advance(DAY + 1);
    expect(await s.tick()).toMatchObject({ retired: 1, rotated: [] });
    expect((await f.ring.get(PHONE, first.id)).state).toBe('retired');
    const audit = await f.ring.auditLog({ phoneNumberId: PHONE });
    expect(audit.filter((e) => e.actor === 'scheduler').map((e) => e.action)).toEqual(
      expect.arrayContaining(['rotate', 'generate', 'upload', 'verify', 'activate', 'retire']),
    );
  });

  it('a failing scheduled rotation leaves the current key active and reports it', async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    f.emulator.setKeyStatus('MISMATCH');
    const result = await scheduler('a', 30).tick();
    expect(result).toMatchObject({ leader: true, rotated: [], failed: [first.id] });
    expect((await f.ring.publicKey(PHONE)).key.id).toBe(first.id);
  });

  it('backs off after a failed scheduled rotation (×4 from 15 minutes) and stops after five failures', async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    f.emulator.setKeyStatus('MISMATCH');
    const s = new KeyScheduler({
      ring: f.ring,
      keys: f.store.keys,
      rotationDays: 30,
      now: f.clock.now,
      random: () => 0.5, // no jitter
      holder: 'a',
      leaseMs: DAY,
    });
    const MIN = 60_000;
    const tries: string[] = [];
    // Ticks every 5 minutes for two days: tries at 0, +15 min, +1 h, +4 h, +16 h; then none.
    for (let minute = 0; minute <= 2 * 24 * 60; minute += 5) {
      const result = await s.tick();
      if (result.failed.length > 0) tries.push(`${minute}`);
      else expect(result.held).toEqual([first.id]);
      f.clock.advance(5 * MIN);
    }
    expect(tries).toEqual(['0', '15', '75', '315', '1275']);
    expect((await schedulerEntries('rotate')).filter((e) => e.outcome === 'error')).toHaveLength(
      MAX_SCHEDULED_ROTATION_FAILURES,
    );
    // Every retry reused the key the first try generated.
    expect(await pendingKeys()).toHaveLength(1);
    expect((await f.ring.publicKey(PHONE)).key.id).toBe(first.id);

    // A person's rotation makes a new active key: its own schedule starts clean.
    f.emulator.setKeyStatus('VALID');
    const second = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    expect((await s.tick()).rotated).toHaveLength(1);
    expect((await f.ring.publicKey(PHONE)).key.id).not.toBe(second.id);
  });

  it('retries a failed scheduled rotation with the pending key it left, and promotes that key once Graph recovers', async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    const s = steadyScheduler();
    await failScheduledRotations(s, first, 3);

    const [spare, ...others] = await pendingKeys();
    if (spare === undefined) throw new Error('the failed rotations left no pending key');
    expect(others).toEqual([]);
    expect(await schedulerEntries('generate')).toEqual([{ outcome: 'ok', keyId: spare.id }]);
    // Each try's audit entry names the key it used.
    expect(await schedulerEntries('rotate')).toEqual(Array(3).fill({ outcome: 'error', keyId: spare.id }));

    f.emulator.setKeyStatus('VALID');
    expect((await s.tick()).rotated).toEqual([spare.id]);
    expect((await f.ring.publicKey(PHONE)).key).toMatchObject({ id: spare.id, fingerprint: spare.fingerprint });
    expect((await f.ring.get(PHONE, first.id)).state).toBe('retiring');
    expect(await pendingKeys()).toEqual([]);
    expect((await schedulerEntries('rotate'))[0]).toEqual({ outcome: 'ok', keyId: spare.id });
    expect(await schedulerEntries('generate')).toHaveLength(1);
  });

  it("leaves a person's own pending keys alone: generated, imported, or left by their failed rotation", async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    f.emulator.setKeyStatus('MISMATCH');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const generated = await f.ring.generate(PHONE, { actor: 'alice' });
    f.clock.advance(1000);
    const imported = await f.ring.import(PHONE, pem.toString(), { actor: 'alice' });
    f.clock.advance(1000);
    await expect(f.ring.rotate(PHONE, { actor: 'alice' })).rejects.toThrow(/MISMATCH/);
    // Alice's failed rotation left the newest pending key, the one a "newest pending" rule would take.
    const [leftByAlice] = await pendingKeys();
    if (leftByAlice === undefined) throw new Error("alice's failed rotation left no pending key");
    expect([generated.id, imported.id]).not.toContain(leftByAlice.id);
    const persons = await Promise.all([generated, imported, leftByAlice].map((k) => f.ring.get(PHONE, k.id)));
    const personIds = persons.map((k) => k.id);

    const s = steadyScheduler();
    await failScheduledRotations(s, first, 2);
    const schedulers = (await pendingKeys()).filter((k) => !personIds.includes(k.id));
    expect(schedulers).toHaveLength(1);
    const [spare] = schedulers;
    if (spare === undefined) throw new Error('the failed rotations left no pending key');

    f.emulator.setKeyStatus('VALID');
    expect((await s.tick()).rotated).toEqual([spare.id]);
    expect(await Promise.all(personIds.map((id) => f.ring.get(PHONE, id)))).toEqual(persons);
    const touched = (await f.ring.auditLog({ phoneNumberId: PHONE })).filter(
      (e) => e.actor === 'scheduler' && e.key_id !== null && personIds.includes(e.key_id),
    );
    expect(touched).toEqual([]);
  });

  it('generates a fresh key when a person retired the pending key a failed scheduled rotation left', async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    const s = steadyScheduler();
    await failScheduledRotations(s, first, 1);
    const [spare] = await pendingKeys();
    if (spare === undefined) throw new Error('the failed rotation left no pending key');
    await f.ring.retire(PHONE, spare.id, { actor: 'alice' });

    f.emulator.setKeyStatus('VALID');
    const [rotated] = (await s.tick()).rotated;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(spare.id);
    expect((await f.ring.publicKey(PHONE)).key.id).toBe(rotated);
    expect((await f.ring.get(PHONE, spare.id)).state).toBe('retired');
  });

  it('uploads the active key again when a person retires the pending key while Graph takes it', async () => {
    const first = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    f.clock.advance(31 * DAY);
    const { graph, afterUpload } = pausingGraph();
    const ring = f.newRing({ graph });
    const s = steadyScheduler(ring);
    f.emulator.setKeyStatus('MISMATCH');
    expect((await s.tick()).failed).toEqual([first.id]);
    const spare = (await ring.list(PHONE)).find((k) => k.state === 'pending');
    if (spare === undefined) throw new Error('no pending key left by the failed rotation');
    f.clock.advance(DAY);
    f.emulator.setKeyStatus('VALID');
    afterUpload(async () => {
      await f.store.keys.retire(spare.id, f.clock.now());
    });
    expect((await s.tick()).failed).toEqual([first.id]);
    // The key the ring decrypts with is the one Graph holds again.
    const active = await f.store.keys.get(first.id);
    expect(active?.state).toBe('active');
    expect(f.emulator.businessPublicKey()?.trim()).toBe(active?.public_key_pem.trim());
  });

  it('leaves Graph with the key another process promoted meanwhile, not the one active before', async () => {
    const k0 = (await f.ring.rotate(PHONE, { actor: 'alice' })).key;
    const k1 = await f.ring.generate(PHONE, { actor: 'alice' });
    const { graph, afterUpload } = pausingGraph();
    // While this process's upload of k1 is at Graph, another (a person's `keys upload`) uploads and promotes it.
    const other = f.newRing();
    afterUpload(async () => {
      await other.upload(PHONE, { actor: 'bob', id: k1.id });
    });
    await expect(f.newRing({ graph }).upload(PHONE, { actor: 'scheduler', id: k1.id })).rejects.toThrow(
      /stopped being pending/,
    );
    const active = await f.store.keys.get(k1.id);
    expect(active?.state).toBe('active');
    expect((await f.store.keys.get(k0.id))?.state).toBe('retiring');
    expect(f.emulator.businessPublicKey()?.trim()).toBe(active?.public_key_pem.trim());
  });

  it('without a rotation period only retires', async () => {
    await f.ring.rotate(PHONE, { actor: 'alice' });
    f.clock.advance(400 * DAY);
    expect(await scheduler('a', null).tick()).toMatchObject({ leader: true, rotated: [] });
  });
});
