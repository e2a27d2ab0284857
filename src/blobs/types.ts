// The blob store contract (ARCHITECTURE "blobs/"): a handful of methods any backend implements —
// streaming put that reports size and SHA-256, streaming get, stat, delete, and short-lived signed
// URLs. The filesystem backend is file-store.ts; S3 can follow the same interface.

import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  /** Bytes stored. */
  size: number;
  /** Lower-case hex SHA-256 of the stored bytes. */
  sha256: string;
  contentType: string;
}

export interface BlobMeta {
  contentType: string;
}

export interface BlobStore {
  /** Stores `body` under `key` (replacing what was there) once every byte is durable. */
  put(key: string, body: Readable | Uint8Array, meta: BlobMeta): Promise<BlobInfo>;
  /** The stored bytes; throws BlobNotFoundError when the key holds nothing. */
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<BlobInfo | null>;
  /** Removes the blob; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A URL path that grants read access to `key` for `ttlSeconds`. */
  signedUrl(key: string, ttlSeconds: number): string;
}

/** Outcome of checking a signed URL. */
export type SignedUrlCheck =
  { ok: true; key: string; expiresAt: number } | { ok: false; reason: 'malformed' | 'expired' | 'bad_signature' };
