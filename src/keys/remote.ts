// The Graph side of a key: upload the public key to the number's whatsapp_business_encryption edge,
// read it back and insist on our key with a VALID signature (SPEC D.5).

import type { GraphClient } from '../graph/index.js';
import { GraphApiError } from '../protocol/graph-errors/index.js';
import { KeyGraphError, KeyVerificationError } from './errors.js';
import { remoteFingerprint, samePublicKey } from './material.js';

export interface PublicKeyRef {
  id: string;
  publicKeyPem: string;
  fingerprint: string;
}

export interface RemoteKeyStatus {
  /** Fingerprint of the key Graph holds for the number (null: none, or unreadable). */
  fingerprint: string | null;
  signatureStatus: string | null;
  matches: boolean;
}

/**
 * POSTs the public key. When Graph answered with an error it did not take the key (`taken: false`);
 * on a network failure or timeout it may have.
 */
export async function uploadPublicKey(graph: GraphClient, phoneNumberId: string, key: PublicKeyRef): Promise<void> {
  try {
    await graph.setBusinessPublicKey(phoneNumberId, key.publicKeyPem);
  } catch (error) {
    throw new KeyGraphError('upload', error);
  }
}

/** True when a failed upload provably left Graph's key untouched (Graph answered with an error). */
export function uploadRejected(error: unknown): boolean {
  return error instanceof KeyGraphError && error.cause instanceof GraphApiError;
}

export async function readRemoteKey(
  graph: GraphClient,
  phoneNumberId: string,
  key: PublicKeyRef,
): Promise<RemoteKeyStatus> {
  let remote;
  try {
    remote = await graph.getBusinessPublicKey(phoneNumberId);
  } catch (error) {
    throw new KeyGraphError('verify', error);
  }
  const pem = remote.publicKey;
  return {
    fingerprint: pem === null ? null : remoteFingerprint(pem),
    signatureStatus: remote.signatureStatus,
    matches: pem !== null && samePublicKey(pem, key),
  };
}

/** Reads the key back; throws KeyVerificationError unless it is ours and signed VALID. */
export async function verifyRemoteKey(
  graph: GraphClient,
  phoneNumberId: string,
  key: PublicKeyRef,
): Promise<RemoteKeyStatus> {
  const status = await readRemoteKey(graph, phoneNumberId, key);
  if (status.fingerprint === null && !status.matches) {
    throw new KeyVerificationError(
      'flowgate.keys.verify_missing',
      `Graph holds no business public key for this number, so key ${key.id} is not in place: upload it again (flowgate keys upload ${key.id}).`,
      null,
      status.signatureStatus,
    );
  }
  if (!status.matches) {
    throw new KeyVerificationError(
      'flowgate.keys.verify_different_key',
      `Graph holds a different business public key (fingerprint ${status.fingerprint ?? 'unknown'}) than key ${key.id} (${key.fingerprint}): another system may have uploaded its own key; upload ours again and stop the other uploader.`,
      status.fingerprint,
      status.signatureStatus,
    );
  }
  if (status.signatureStatus !== 'VALID') {
    throw new KeyVerificationError(
      'flowgate.keys.verify_signature_mismatch',
      `Graph holds key ${key.id} but its signature status is ${status.signatureStatus ?? 'missing'}, not VALID: upload the key again; if it stays ${status.signatureStatus ?? 'missing'}, re-register the phone number and upload once more.`,
      status.fingerprint,
      status.signatureStatus,
    );
  }
  return status;
}
