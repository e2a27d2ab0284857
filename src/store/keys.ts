// Repository of the business encryption key ring: key rows (private keys only sealed), the
// append-only audit log and the lease that elects one process for scheduled rotation.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type {
  BusinessKeySource,
  BusinessKeyState,
  BusinessKeysTable,
  KeyAuditOutcome,
  KeyAuditTable,
} from './schema-keys.js';

export type BusinessKeyRow = Selectable<BusinessKeysTable>;
export type KeyAuditRow = Selectable<KeyAuditTable>;

export interface NewBusinessKey {
  id: string;
  phoneNumberId: string;
  fingerprint: string;
  publicKeyPem: string;
  sealedPrivateKey: Uint8Array;
  modulusBits: number;
  source: BusinessKeySource;
  createdAt: number;
}

export interface KeyAuditEntry {
  at: number;
  action: string;
  keyId: string | null;
  fingerprint: string | null;
  phoneNumberId: string;
  actor: string;
  outcome: KeyAuditOutcome;
  error: string | null;
}

export interface PromoteResult {
  /** The key that was active before and is now retiring, if there was one. */
  previous: BusinessKeyRow | null;
}

export class KeysRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: NewBusinessKey): Promise<void> {
    await this.db
      .insertInto('business_keys')
      .values({
        id: key.id,
        phone_number_id: key.phoneNumberId,
        state: 'pending',
        fingerprint: key.fingerprint,
        public_key_pem: key.publicKeyPem,
        sealed_private_key: key.sealedPrivateKey,
        modulus_bits: key.modulusBits,
        source: key.source,
        created_at: key.createdAt,
        uploaded_at: null,
        upload_started_at: null,
        verified_at: null,
        activated_at: null,
        retiring_at: null,
        grace_until: null,
        retired_at: null,
      })
      .execute();
  }

  async get(id: string): Promise<BusinessKeyRow | null> {
    return (await this.db.selectFrom('business_keys').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** Every key of a number, newest first. */
  async list(phoneNumberId: string): Promise<BusinessKeyRow[]> {
    return this.db
      .selectFrom('business_keys')
      .selectAll()
      .where('phone_number_id', '=', phoneNumberId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  async inStates(phoneNumberId: string, states: readonly BusinessKeyState[]): Promise<BusinessKeyRow[]> {
    return this.db
      .selectFrom('business_keys')
      .selectAll()
      .where('phone_number_id', '=', phoneNumberId)
      .where('state', 'in', [...states])
      .orderBy('activated_at', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Phone numbers that have any key (for the retirement sweep). */
  async phoneNumbers(): Promise<string[]> {
    const rows = await this.db.selectFrom('business_keys').select('phone_number_id').distinct().execute();
    return rows.map((r) => r.phone_number_id);
  }

  async markUploadStarted(id: string, at: number | null): Promise<void> {
    await this.db.updateTable('business_keys').set({ upload_started_at: at }).where('id', '=', id).execute();
  }

  async markUploaded(id: string, at: number): Promise<void> {
    await this.db.updateTable('business_keys').set({ uploaded_at: at }).where('id', '=', id).execute();
  }

  async markVerified(id: string, at: number): Promise<void> {
    await this.db.updateTable('business_keys').set({ verified_at: at }).where('id', '=', id).execute();
  }

  /**
   * Makes a pending key active and the current active key retiring with a grace window, in one
   * transaction: either both happen or neither. Returns null when `id` is no longer pending.
   */
  async promote(id: string, now: number, graceUntil: number): Promise<PromoteResult | null> {
    return this.db.transaction().execute(async (trx) => {
      const key = await trx.selectFrom('business_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (key?.state !== 'pending') return null;
      const previous =
        (await trx
          .selectFrom('business_keys')
          .selectAll()
          .where('phone_number_id', '=', key.phone_number_id)
          .where('state', '=', 'active')
          .executeTakeFirst()) ?? null;
      if (previous !== null) {
        await trx
          .updateTable('business_keys')
          .set({ state: 'retiring', retiring_at: now, grace_until: graceUntil })
          .where('id', '=', previous.id)
          .execute();
      }
      await trx
        .updateTable('business_keys')
        .set({ state: 'active', activated_at: now })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
      return { previous };
    });
  }

  /** Moves a key to retired (from pending or retiring). Returns false when it was not in those states. */
  async retire(id: string, now: number, trx?: Transaction<Database>): Promise<boolean> {
    const result = await (trx ?? this.db)
      .updateTable('business_keys')
      .set({ state: 'retired', retired_at: now })
      .where('id', '=', id)
      .where('state', 'in', ['pending', 'retiring'])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Retiring keys whose grace window ended at or before `now`. */
  async pastGrace(now: number): Promise<BusinessKeyRow[]> {
    return this.db
      .selectFrom('business_keys')
      .selectAll()
      .where('state', '=', 'retiring')
      .where('grace_until', '<=', now)
      .execute();
  }

  async audit(entry: KeyAuditEntry): Promise<void> {
    await this.db
      .insertInto('key_audit')
      .values({
        at: entry.at,
        action: entry.action,
        key_id: entry.keyId,
        fingerprint: entry.fingerprint,
        phone_number_id: entry.phoneNumberId,
        actor: entry.actor,
        outcome: entry.outcome,
        error: entry.error,
      })
      .execute();
  }

  /** How many `action` entries by `actor` failed for the number after `since`, and when the last one was. */
  async failuresSince(
    phoneNumberId: string,
    action: string,
    actor: string,
    since: number,
  ): Promise<{ count: number; lastAt: number | null }> {
    const row = await this.db
      .selectFrom('key_audit')
      // PostgreSQL returns bigint aggregates as strings.
      .select((eb) => [
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.max<number | string | null>('at').as('last_at'),
      ])
      .where('phone_number_id', '=', phoneNumberId)
      .where('action', '=', action)
      .where('actor', '=', actor)
      .where('outcome', '=', 'error')
      .where('at', '>', since)
      .executeTakeFirst();
    const lastAt = row?.last_at ?? null;
    return { count: Number(row?.count ?? 0), lastAt: lastAt === null ? null : Number(lastAt) };
  }

  /**
   * The key named by the newest failed `action` entry by `actor` for the number after `since`, or null.
   * Entries that name no key (a rotation whose key generation itself failed) are skipped.
   */
  async lastFailedKey(phoneNumberId: string, action: string, actor: string, since: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('key_audit')
      .select('key_id')
      .where('phone_number_id', '=', phoneNumberId)
      .where('action', '=', action)
      .where('actor', '=', actor)
      .where('outcome', '=', 'error')
      .where('at', '>', since)
      .where('key_id', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.key_id ?? null;
  }

  /** Audit entries, newest first. */
  async auditLog(options: { phoneNumberId?: string; limit?: number; beforeId?: number } = {}): Promise<KeyAuditRow[]> {
    let query = this.db.selectFrom('key_audit').selectAll();
    if (options.phoneNumberId !== undefined) query = query.where('phone_number_id', '=', options.phoneNumberId);
    if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
    return query
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
  }

  /**
   * Claims (or renews) a named lease until `expiresAt`, atomically: it succeeds when nobody holds it,
   * when the previous holder's lease expired, or when `holder` already holds it.
   */
  async claimLease(name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
    const row = await this.db
      .insertInto('key_leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('key_leases.expires_at', '<=', now), eb('key_leases.holder', '=', holder)])),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('key_leases').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
