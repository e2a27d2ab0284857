// KeyRing: the business encryption keys of each phone number. Generates and imports keys (sealed at
// rest under the master key), uploads and verifies them through Graph, promotes and rotates them with
// a grace window, and hands the Flow endpoint the private keys to try. Every operation is audited.

import { randomBytes, type KeyObject } from 'node:crypto';
import type { GraphClient } from '../graph/index.js';
import type { Logger } from '../log/index.js';
import type { BusinessKeyRow, KeyAuditRow, KeysRepository } from '../store/keys.js';
import { invalidState, KeyRingError, masterKeyMissing, notFound } from './errors.js';
import { generateKeyMaterial, importKeyMaterial, isKeySize, privateKeyFromDer, type KeyMaterial } from './material.js';
import { readRemoteKey, uploadPublicKey, uploadRejected, verifyRemoteKey, type RemoteKeyStatus } from './remote.js';
import { masterKeyBytes, openPrivateKey, sealPrivateKey } from './sealing.js';
import { toKeyInfo, type KeyInfo } from './key-info.js';
import { KeyAuditor } from './audit.js';

export interface KeyRingOptions {
  keys: KeysRepository;
  /** FLOWGATE_MASTER_KEY (base64 of 32 bytes). Without it the ring lists and verifies but cannot seal or open keys. */
  masterKey: string | null;
  /** Needed for upload, verify and rotate. */
  graph: GraphClient | null;
  /** FLOWGATE_KEY_GRACE_HOURS: how long a replaced key keeps decrypting. */
  graceHours: number;
  now?: () => number;
  logger?: Logger;
  /** How long the list of decryption keys is reused before the database is asked again (other processes rotate too). Default 1000. */
  listTtlMs?: number;
}

export interface Actor {
  /** Who did it: an OS user name, `admin-api`, `scheduler`, `dev`. */
  actor: string;
}

export interface RotateOptions extends Actor {
  bits?: number;
  /** Id of a pending key to rotate to instead of a fresh one, if it is still pending (see `rotate`). */
  reuse?: string;
}

export interface UploadResult {
  key: KeyInfo;
  /** The key became active (it was pending). */
  promoted: boolean;
  /** The key that was active before and is now retiring. */
  previous: KeyInfo | null;
}

/** How often at most a request no cached key could decrypt reads the key list again (decryptionKeys `fresh`). */
export const FRESH_READ_MS = 250;

export class KeyRing {
  readonly #keys: KeysRepository;
  readonly #master: Buffer | null;
  readonly #graph: GraphClient | null;
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  readonly #listTtlMs: number;
  /** Parsed private keys by key id: the material of an id never changes, only whether it is used. */
  readonly #parsed = new Map<string, KeyObject>();
  readonly #lists = new Map<string, { keys: readonly KeyObject[]; validUntil: number }>();
  /**
   * Key-list reads in flight per number: requests that need one at the same moment share it (`fresh`: a read
   * begun for a request no cached key decrypted).
   */
  readonly #reading = new Map<string, { read: Promise<readonly KeyObject[]>; fresh: boolean }>();
  /**
   * Reads are numbered as they begin; a list is kept only if it is newer than the one kept (or than this
   * process's own last change of the keys, see #invalidate).
   */
  #reads = 0;
  readonly #listRead = new Map<string, number>();
  /** invalidate(): no read begun before it keeps its list, whatever the number. */
  #readsFloor = 0;
  /** When each number's list was last read `fresh` (see decryptionKeys): when a fresh read in flight began. */
  readonly #freshAt = new Map<string, number>();
  readonly #busy = new Map<string, Promise<void>>();
  readonly #auditor: KeyAuditor;

  constructor(options: KeyRingOptions) {
    this.#keys = options.keys;
    this.#master = options.masterKey === null ? null : masterKeyBytes(options.masterKey);
    this.#graph = options.graph;
    this.#graceMs = options.graceHours * 3_600_000;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
    this.#listTtlMs = options.listTtlMs ?? 1000;
    this.#auditor = new KeyAuditor(options.keys, this.#now, options.logger);
  }

  /**
   * Private keys to try for a Flow request on this number: active first, then retiring ones still in
   * grace, then the pending key whose upload to Graph began last (WhatsApp may encrypt to it from the
   * moment Graph takes it, before it is verified and promoted; a crash there leaves it on Graph too).
   */
  async decryptionKeys(phoneNumberId: string, options: { fresh?: boolean } = {}): Promise<readonly KeyObject[]> {
    const now = this.#now();
    const fresh = options.fresh === true;
    const cached = this.#lists.get(phoneNumberId);
    const reading = this.#reading.get(phoneNumberId);
    if (!fresh) {
      if (cached !== undefined && cached.validUntil > now) return cached.keys;
      if (reading !== undefined) return reading.read;
    } else if (now - (this.#freshAt.get(phoneNumberId) ?? -Infinity) < FRESH_READ_MS) {
      // `fresh`: a request none of these keys could decrypt. Another process may have begun uploading a key
      // since this list was read, so it is read again — however recent the list — but at most once every
      // FRESH_READ_MS, so that requests no key can decrypt (signed, but corrupted, replayed, or encrypted to a
      // key no process has) cannot make each one a database read. Within that time the answer is that fresh
      // read's list: the read itself while under way, then the list it left.
      if (reading?.fresh === true) return reading.read;
      if (cached !== undefined) return cached.keys;
    }
    // Read anew. A fresh request never joins another read: an ordinary one, or a fresh one begun more than
    // FRESH_READ_MS ago, may have begun before the upload of the key the request was encrypted to.
    if (fresh) this.#freshAt.set(phoneNumberId, now);
    const read = this.#readDecryptionKeys(phoneNumberId, now, ++this.#reads).finally(() => {
      if (this.#reading.get(phoneNumberId)?.read === read) this.#reading.delete(phoneNumberId);
    });
    this.#reading.set(phoneNumberId, { read, fresh });
    return read;
  }

  async #readDecryptionKeys(phoneNumberId: string, now: number, seq: number): Promise<readonly KeyObject[]> {
    const rows = await this.#keys.inStates(phoneNumberId, ['active', 'retiring', 'pending']);
    const uploading = rows
      .filter((r) => r.state === 'pending' && r.upload_started_at !== null)
      .sort((a, b) => (b.upload_started_at ?? 0) - (a.upload_started_at ?? 0))
      .slice(0, 1);
    const usable = rows
      .filter((r) => r.state === 'active' || (r.state === 'retiring' && r.grace_until !== null && r.grace_until > now))
      .sort((a, b) => rank(a) - rank(b) || (b.retiring_at ?? 0) - (a.retiring_at ?? 0))
      .concat(uploading);
    const keys = usable.map((row) => this.#privateKey(row));
    const graceEnds = usable.flatMap((r) => (r.state === 'retiring' && r.grace_until !== null ? [r.grace_until] : []));
    // An ordinary read that a fresh one overtook finishes with the older list: it does not replace the newer.
    if (seq > Math.max(this.#readsFloor, this.#listRead.get(phoneNumberId) ?? 0)) {
      this.#listRead.set(phoneNumberId, seq);
      this.#lists.set(phoneNumberId, { keys, validUntil: Math.min(now + this.#listTtlMs, ...graceEnds) });
    }
    return keys;
  }

  /** The active public key PEM, or null. */
  async activePublicKey(phoneNumberId: string): Promise<string | null> {
    const [active] = await this.#keys.inStates(phoneNumberId, ['active']);
    return active?.public_key_pem ?? null;
  }

  async list(phoneNumberId: string): Promise<KeyInfo[]> {
    return (await this.#keys.list(phoneNumberId)).map(toKeyInfo);
  }

  async get(phoneNumberId: string, id: string): Promise<KeyInfo> {
    return toKeyInfo(await this.#row(phoneNumberId, id));
  }

  /** The SPKI PEM of a key (the active one by default). */
  async publicKey(phoneNumberId: string, id?: string): Promise<{ key: KeyInfo; pem: string }> {
    const row =
      id === undefined ? (await this.#keys.inStates(phoneNumberId, ['active']))[0] : await this.#row(phoneNumberId, id);
    if (row === undefined)
      throw invalidState('This number has no active key: generate or import one, then upload it (or rotate).');
    return { key: toKeyInfo(row), pem: row.public_key_pem };
  }

  async auditLog(options: { phoneNumberId?: string; limit?: number; beforeId?: number } = {}): Promise<KeyAuditRow[]> {
    return this.#keys.auditLog(options);
  }

  /** A new pending key (RSA-2048 unless 3072 or 4096 is asked for). */
  async generate(phoneNumberId: string, options: Actor & { bits?: number }): Promise<KeyInfo> {
    const bits = options.bits ?? 2048;
    return this.#auditor.run('generate', phoneNumberId, options.actor, null, async (note) => {
      if (!isKeySize(bits))
        throw new KeyRingError('flowgate.keys.invalid_state', 'Key size must be 2048, 3072 or 4096 bits.', 400);
      const material = await generateKeyMaterial(bits);
      note(null, material.fingerprint);
      const info = await this.#store(phoneNumberId, material, 'generated');
      note(info.id, info.fingerprint);
      return info;
    });
  }

  /** Imports a PEM private key (PKCS#1 or PKCS#8, encrypted or not) as a new pending key. */
  async import(phoneNumberId: string, pem: string, options: Actor & { passphrase?: string }): Promise<KeyInfo> {
    return this.#auditor.run('import', phoneNumberId, options.actor, null, async (note) => {
      const material = importKeyMaterial(pem, options.passphrase);
      note(null, material.fingerprint);
      const same = (await this.#keys.list(phoneNumberId)).find((r) => r.fingerprint === material.fingerprint);
      if (same !== undefined) throw invalidState(`This key is already in the ring as ${same.id} (${same.state}).`);
      const info = await this.#store(phoneNumberId, material, 'imported');
      note(info.id, info.fingerprint);
      return info;
    });
  }

  /**
   * Uploads a key's public key and verifies it on Graph. A pending key (the newest pending one by
   * default) then becomes active and the previous active key retiring; an active key is re-uploaded.
   * On failure nothing changes in the ring; if Graph may hold the new key, the active key is uploaded again.
   */
  async upload(phoneNumberId: string, options: Actor & { id?: string }): Promise<UploadResult> {
    return this.#exclusive(phoneNumberId, () => this.#upload(phoneNumberId, options));
  }

  async #upload(phoneNumberId: string, options: Actor & { id?: string }): Promise<UploadResult> {
    const row =
      options.id === undefined
        ? ((await this.#keys.inStates(phoneNumberId, ['pending']))[0] ??
          (await this.#keys.inStates(phoneNumberId, ['active']))[0])
        : await this.#row(phoneNumberId, options.id);
    if (row === undefined) throw invalidState('No pending or active key to upload: generate or import one first.');
    if (row.state !== 'pending' && row.state !== 'active') {
      throw invalidState(`Key ${row.id} is ${row.state}; only pending or active keys can be uploaded.`);
    }
    const graph = this.#requireGraph();
    const [active] = row.state === 'pending' ? await this.#keys.inStates(phoneNumberId, ['active']) : [undefined];
    if (row.state === 'pending') {
      await this.#keys.markUploadStarted(row.id, this.#now());
      this.#invalidate(phoneNumberId);
    }
    try {
      await this.#auditor.run('upload', phoneNumberId, options.actor, row, () =>
        uploadPublicKey(graph, phoneNumberId, ref(row)),
      );
      await this.#keys.markUploaded(row.id, this.#now());
      await this.#auditor.run('verify', phoneNumberId, options.actor, row, () =>
        verifyRemoteKey(graph, phoneNumberId, ref(row)),
      );
      await this.#keys.markVerified(row.id, this.#now());
    } catch (error) {
      // Graph holds the old key again (or never took the new one): the new one stops being tried.
      const undone =
        uploadRejected(error) || (active !== undefined && (await this.#restore(phoneNumberId, active, options.actor)));
      if (row.state === 'pending' && undone) {
        await this.#keys.markUploadStarted(row.id, null);
        this.#invalidate(phoneNumberId);
      }
      throw error;
    }
    if (row.state === 'active') return { key: await this.get(phoneNumberId, row.id), promoted: false, previous: null };
    let previous: BusinessKeyRow | null;
    try {
      previous = await this.#auditor.run('activate', phoneNumberId, options.actor, row, async () => {
        const result = await this.#keys.promote(row.id, this.#now(), this.#now() + this.#graceMs);
        if (result === null) throw invalidState(`Key ${row.id} stopped being pending while it was uploaded.`);
        return result.previous;
      });
    } catch (error) {
      // The key stopped being pending while Graph took it. Another process may have promoted it (then Graph
      // holds the active key: nothing to do), or someone retired it: then Graph must hold the key active now
      // (read again, not the one before the upload), or every request would be encrypted to a key not tried.
      const [current] = await this.#keys.inStates(phoneNumberId, ['active']);
      if (current !== undefined && current.id !== row.id) await this.#restore(phoneNumberId, current, options.actor);
      this.#invalidate(phoneNumberId);
      throw error;
    }
    this.#invalidate(phoneNumberId);
    if (previous !== null) {
      await this.#auditor.record('retiring', phoneNumberId, options.actor, previous, null);
    }
    return {
      key: await this.get(phoneNumberId, row.id),
      promoted: true,
      previous: previous === null ? null : await this.get(phoneNumberId, previous.id),
    };
  }

  /** Reads the number's key back from Graph and checks it is our active key (or `id`) with a VALID signature. */
  async verify(
    phoneNumberId: string,
    options: Actor & { id?: string },
  ): Promise<{ key: KeyInfo; remote: RemoteKeyStatus }> {
    const { key } = await this.publicKey(phoneNumberId, options.id);
    const row = await this.#row(phoneNumberId, key.id);
    const graph = this.#requireGraph();
    const remote = await this.#auditor.run('verify', phoneNumberId, options.actor, row, () =>
      verifyRemoteKey(graph, phoneNumberId, ref(row)),
    );
    await this.#keys.markVerified(row.id, this.#now());
    return { key: await this.get(phoneNumberId, row.id), remote };
  }

  /** What Graph holds for the number, without judging it (for `keys list`/status views). */
  async remoteStatus(phoneNumberId: string): Promise<RemoteKeyStatus | null> {
    const [active] = await this.#keys.inStates(phoneNumberId, ['active']);
    if (active === undefined) return null;
    return readRemoteKey(this.#requireGraph(), phoneNumberId, ref(active));
  }

  /**
   * generate → upload → verify → promote → old active to retiring. If a step fails, the current key
   * stays active (and is uploaded again if Graph may hold the new one); the new key is left `pending`,
   * never used for decryption, for a person to inspect, upload again or retire.
   * `reuse` names the pending key an earlier failed rotation left (the scheduler's retries pass it):
   * while it is still pending (and of the asked size) it is uploaded instead of a fresh key, so retries
   * do not pile up sealed private keys; otherwise a fresh key is generated as usual.
   */
  async rotate(phoneNumberId: string, options: RotateOptions): Promise<UploadResult> {
    this.#requireGraph();
    return this.#exclusive(phoneNumberId, () => this.#rotate(phoneNumberId, options));
  }

  async #rotate(phoneNumberId: string, options: RotateOptions): Promise<UploadResult> {
    return this.#auditor.run('rotate', phoneNumberId, options.actor, null, async (note) => {
      const key = (await this.#reusable(phoneNumberId, options)) ?? (await this.generate(phoneNumberId, options));
      note(key.id, key.fingerprint);
      return this.#upload(phoneNumberId, { actor: options.actor, id: key.id });
    });
  }

  /**
   * The key `reuse` names if it is still one of this number's pending keys. Checked inside the number's
   * exclusive section, so no upload in this process slips in between; a retirement or another process's
   * upload meanwhile is caught by `promote`, which only promotes a key that is still pending.
   */
  async #reusable(phoneNumberId: string, options: RotateOptions): Promise<BusinessKeyRow | null> {
    if (options.reuse === undefined) return null;
    const row = await this.#keys.get(options.reuse);
    if (row?.phone_number_id !== phoneNumberId || row.state !== 'pending') return null;
    if (options.bits !== undefined && row.modulus_bits !== options.bits) return null;
    this.#logger?.info(
      { keyId: row.id, fingerprint: row.fingerprint },
      'rotating to the pending key a failed rotation left',
    );
    return row;
  }

  /** pending or retiring → retired (kept sealed, never used). The active key is replaced by rotating, not retired. */
  async retire(phoneNumberId: string, id: string, options: Actor): Promise<KeyInfo> {
    const row = await this.#row(phoneNumberId, id);
    await this.#auditor.run('retire', phoneNumberId, options.actor, row, async () => {
      if (row.state === 'active') {
        throw invalidState(
          `Key ${id} is the active key: rotate to a new key first (flowgate keys rotate), then retire it.`,
        );
      }
      if (!(await this.#keys.retire(id, this.#now()))) throw invalidState(`Key ${id} is already retired.`);
    });
    this.#forget(phoneNumberId, id);
    return this.get(phoneNumberId, id);
  }

  /** Moves retiring keys whose grace window ended to retired. Returns how many. */
  async sweep(options: Actor): Promise<number> {
    const now = this.#now();
    let n = 0;
    for (const row of await this.#keys.pastGrace(now)) {
      if (await this.#keys.retire(row.id, now)) {
        n += 1;
        this.#forget(row.phone_number_id, row.id);
        await this.#auditor.record('retire', row.phone_number_id, options.actor, row, null);
      }
    }
    return n;
  }

  /** Drops every cached list and parsed key (another process changed the ring and waiting a second is too long). */
  invalidate(): void {
    this.#lists.clear();
    this.#parsed.clear();
    this.#reading.clear();
    this.#readsFloor = ++this.#reads;
  }

  // --- internals -------------------------------------------------------------------------------

  async #store(phoneNumberId: string, material: KeyMaterial, source: 'generated' | 'imported'): Promise<KeyInfo> {
    const master = this.#requireMaster();
    const id = `key_${randomBytes(12).toString('hex')}`;
    await this.#keys.insert({
      id,
      phoneNumberId,
      fingerprint: material.fingerprint,
      publicKeyPem: material.publicKeyPem,
      sealedPrivateKey: sealPrivateKey(master, id, phoneNumberId, material.pkcs8Der),
      modulusBits: material.bits,
      source,
      createdAt: this.#now(),
    });
    material.pkcs8Der.fill(0);
    this.#logger?.info({ keyId: id, fingerprint: material.fingerprint }, `business key ${source}`);
    return this.get(phoneNumberId, id);
  }

  #privateKey(row: BusinessKeyRow): KeyObject {
    const cached = this.#parsed.get(row.id);
    if (cached !== undefined) return cached;
    const der = openPrivateKey(this.#requireMaster(), row.id, row.phone_number_id, row.sealed_private_key);
    try {
      const key = privateKeyFromDer(der);
      this.#parsed.set(row.id, key);
      return key;
    } finally {
      der.fill(0);
    }
  }

  async #row(phoneNumberId: string, id: string): Promise<BusinessKeyRow> {
    const row = await this.#keys.get(id);
    if (row?.phone_number_id !== phoneNumberId) throw notFound(id);
    return row;
  }

  /** Uploads the active key again after a failed upload; whether Graph took it. */
  async #restore(phoneNumberId: string, active: BusinessKeyRow, actor: string): Promise<boolean> {
    const graph = this.#requireGraph();
    return this.#auditor
      .run('restore', phoneNumberId, actor, active, () => uploadPublicKey(graph, phoneNumberId, ref(active)))
      .then(
        () => true,
        (error: unknown) => {
          this.#logger?.error(
            { keyId: active.id, err: String(error) },
            'could not upload the active key again after a failed upload',
          );
          return false;
        },
      );
  }

  /**
   * One upload/rotation per number at a time in this process: two interleaved ones would overwrite
   * each other's key on Graph and fail each other's verification.
   */
  async #exclusive<T>(phoneNumberId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#busy.get(phoneNumberId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#busy.set(phoneNumberId, settled);
    try {
      return await run;
    } finally {
      if (this.#busy.get(phoneNumberId) === settled) this.#busy.delete(phoneNumberId);
    }
  }

  #requireMaster(): Buffer {
    if (this.#master === null) throw masterKeyMissing();
    return this.#master;
  }

  #requireGraph(): GraphClient {
    if (this.#graph === null) {
      throw new KeyRingError(
        'flowgate.keys.graph_unavailable',
        'No Graph access: set FLOWGATE_ACCESS_TOKEN (and FLOWGATE_GRAPH_URL when not using Meta) to upload, verify or rotate keys.',
        503,
      );
    }
    return this.#graph;
  }

  /** This process changed the number's keys: reads begun before neither are joined nor keep their list. */
  #invalidate(phoneNumberId: string): void {
    this.#lists.delete(phoneNumberId);
    this.#reading.delete(phoneNumberId);
    this.#listRead.set(phoneNumberId, ++this.#reads);
  }

  #forget(phoneNumberId: string, id: string): void {
    this.#invalidate(phoneNumberId);
    this.#parsed.delete(id);
  }
}

function rank(row: BusinessKeyRow): number {
  return row.state === 'active' ? 0 : row.state === 'retiring' ? 1 : 2;
}

function ref(row: BusinessKeyRow): { id: string; publicKeyPem: string; fingerprint: string } {
  return { id: row.id, publicKeyPem: row.public_key_pem, fingerprint: row.fingerprint };
}
