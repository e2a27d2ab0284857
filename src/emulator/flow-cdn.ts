// The emulated WhatsApp CDN for PhotoPicker/DocumentPicker files (SPEC B.2/B.3): a file is
// encrypted with encryptFlowMedia, kept in memory under an unguessable id and served, without any
// Authorization, at GET /_emulator/cdn/:id until its TTL on the injected clock has passed.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { encryptFlowMedia } from '../protocol/index.js';
import type { WirePickerItem } from './flow-client-types.js';

export const CDN_PATH = '/_emulator/cdn';
/** "Media uploaded by the users is temporarily (up to 20 days) stored in WhatsApp CDN." */
export const DEFAULT_CDN_TTL_MS = 20 * 24 * 60 * 60 * 1000;

interface CdnFile {
  readonly bytes: Uint8Array;
  readonly expiresAt: number;
}

export class FlowCdn {
  readonly #files = new Map<string, CdnFile>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Encrypts `plaintext` and publishes it; `baseUrl` is the emulator's origin. */
  publish(plaintext: Uint8Array, fileName: string, baseUrl: string, ttlMs = DEFAULT_CDN_TTL_MS): WirePickerItem {
    if (fileName === '') throw new TypeError('fileName must not be empty');
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new TypeError('mediaTtlMs must be a positive number');
    this.#sweep();
    const { cdnFile, metadata } = encryptFlowMedia(plaintext);
    // 192 random bits from the OS, not the emulator's (possibly seeded) random: the URL is the only guard.
    const id = randomBytes(24).toString('base64url');
    this.#files.set(id, { bytes: new Uint8Array(cdnFile), expiresAt: this.#now() + ttlMs });
    return {
      media_id: randomUUID(),
      cdn_url: new URL(`${CDN_PATH}/${id}`, baseUrl).href,
      file_name: fileName,
      encryption_metadata: metadata,
    };
  }

  /** The stored ciphertext file, or null when unknown or expired. */
  get(id: string): Uint8Array | null {
    const file = this.#files.get(id);
    if (file === undefined) return null;
    if (file.expiresAt <= this.#now()) {
      this.#files.delete(id);
      return null;
    }
    return file.bytes;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, file] of this.#files) if (file.expiresAt <= now) this.#files.delete(id);
  }

  mount(app: Hono): void {
    app.get(`${CDN_PATH}/:id`, (c) => {
      const bytes = this.get(c.req.param('id'));
      if (bytes === null) return c.text('Not Found', 404);
      return c.body(bytes.slice(), 200, {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
        'cache-control': 'private, max-age=0',
      });
    });
  }
}
