// Table types of the business encryption key ring (migration 0003_keys): the keys themselves, with
// private keys only ever sealed under the master key, an append-only audit log, and named leases
// that let exactly one process run scheduled rotation.
import type { Generated } from 'kysely';

export type BusinessKeyState = 'pending' | 'active' | 'retiring' | 'retired';
export type BusinessKeySource = 'generated' | 'imported';

export interface BusinessKeysTable {
  /** `key_` + 24 hex characters; also bound into the sealed private key's AAD. */
  id: string;
  phone_number_id: string;
  state: BusinessKeyState;
  /** Hex SHA-256 of the DER SPKI. */
  fingerprint: string;
  /** SPKI PEM (`BEGIN PUBLIC KEY`): what is uploaded to Meta. */
  public_key_pem: string;
  /** version byte ‖ 12-byte nonce ‖ 16-byte GCM tag ‖ AES-256-GCM(PKCS#8 DER). Never plaintext. */
  sealed_private_key: Uint8Array;
  modulus_bits: number;
  source: BusinessKeySource;
  created_at: number;
  uploaded_at: number | null;
  /** A pending key's upload began (migration 0008); null again when the upload was undone. */
  upload_started_at: number | null;
  verified_at: number | null;
  activated_at: number | null;
  /** When the key left `active`. */
  retiring_at: number | null;
  /** End of the grace window: after it a retiring key is no longer tried. */
  grace_until: number | null;
  retired_at: number | null;
}

export type KeyAuditOutcome = 'ok' | 'error';

export interface KeyAuditTable {
  id: Generated<number>;
  at: number;
  action: string;
  key_id: string | null;
  fingerprint: string | null;
  phone_number_id: string;
  /** OS user name for the CLI, `admin-api` for the admin API, `scheduler` for scheduled rotation. */
  actor: string;
  outcome: KeyAuditOutcome;
  /** The error message on failure; messages never carry key material. */
  error: string | null;
}

export interface KeyLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface KeysTables {
  business_keys: BusinessKeysTable;
  key_audit: KeyAuditTable;
  key_leases: KeyLeasesTable;
}
