// The public view of a key row: everything but the sealed private key (and the PEM, fetched apart).
import type { BusinessKeyRow } from '../store/keys.js';
import type { BusinessKeySource, BusinessKeyState } from '../store/schema-keys.js';

export interface KeyInfo {
  id: string;
  phoneNumberId: string;
  state: BusinessKeyState;
  fingerprint: string;
  bits: number;
  source: BusinessKeySource;
  createdAt: number;
  uploadedAt: number | null;
  verifiedAt: number | null;
  activatedAt: number | null;
  retiringAt: number | null;
  /** A retiring key decrypts until then. */
  graceUntil: number | null;
  retiredAt: number | null;
}

export function toKeyInfo(row: BusinessKeyRow): KeyInfo {
  return {
    id: row.id,
    phoneNumberId: row.phone_number_id,
    state: row.state,
    fingerprint: row.fingerprint,
    bits: row.modulus_bits,
    source: row.source,
    createdAt: row.created_at,
    uploadedAt: row.uploaded_at,
    verifiedAt: row.verified_at,
    activatedAt: row.activated_at,
    retiringAt: row.retiring_at,
    graceUntil: row.grace_until,
    retiredAt: row.retired_at,
  };
}
