// Filesystem blob store (the embedded default): bytes under `<root>/objects/<key>`, a small JSON
// sidecar (size, sha256, content type) under `<root>/meta/<key>.json`. Writes stream into a temp
// file in `<root>/tmp` while size and SHA-256 are computed, are fsynced, then renamed into place,
// so a reader sees the old bytes or the new ones, never a torn file. Files 0600, directories 0700.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat as fsStat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlobError, BlobNotFoundError } from './errors.js';
import { blobKeySegments } from './keys.js';
import { assertSigningSecret, signBlobUrl, verifyBlobUrl } from './signed-url.js';
import type { BlobInfo, BlobMeta, BlobStore, SignedUrlCheck } from './types.js';

export interface FileBlobStoreOptions {
  /** Directory that holds the store, e.g. `<dataDir>/blobs`; created on first write. */
  root: string;
  /** HMAC key for signed URLs (at least 16 bytes). */
  secret: Uint8Array | string;
  /** Path prefix of signed URLs, where the server mounts blob downloads. Default `/blobs`. */
  urlPrefix?: string;
  /** Clock in ms since the epoch; injected by tests. */
  now?: () => number;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

interface StoredMeta {
  size: number;
  sha256: string;
  contentType: string;
}

function isStoredMeta(value: unknown): value is StoredMeta {
  if (typeof value !== 'object' || value === null) return false;
  const meta = value as Record<string, unknown>;
  return typeof meta.size === 'number' && typeof meta.sha256 === 'string' && typeof meta.contentType === 'string';
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

async function* chunksOf(body: Readable | Uint8Array): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk);
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TypeError('Blob bodies must stream bytes.');
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileBlobStore implements BlobStore {
  readonly root: string;
  private readonly secret: Buffer;
  private readonly urlPrefix: string;
  private readonly now: () => number;

  constructor(options: FileBlobStoreOptions) {
    this.root = path.resolve(options.root);
    this.secret = Buffer.from(options.secret);
    assertSigningSecret(this.secret);
    this.urlPrefix = options.urlPrefix ?? '/blobs';
    this.now = options.now ?? Date.now;
  }

  private locate(key: string): { object: string; meta: string } {
    const segments = blobKeySegments(key);
    const object = path.join(this.root, 'objects', ...segments);
    const meta = path.join(this.root, 'meta', ...segments) + '.json';
    // Defence in depth: the key grammar already forbids anything that could leave the root.
    if (!object.startsWith(this.root + path.sep) || !meta.startsWith(this.root + path.sep)) {
      throw new BlobError('flowgate.blobs.invalid_key', 'Invalid blob key: resolves outside the store.', key);
    }
    return { object, meta };
  }

  async put(key: string, body: Readable | Uint8Array, meta: BlobMeta): Promise<BlobInfo> {
    const target = this.locate(key);
    const tmpDir = path.join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
    const id = randomBytes(12).toString('hex');
    const tmpObject = path.join(tmpDir, `${id}.part`);
    const tmpMeta = path.join(tmpDir, `${id}.meta`);
    try {
      const { size, sha256 } = await this.writeTemp(tmpObject, body);
      const info: BlobInfo = { key, size, sha256, contentType: meta.contentType };
      const record: StoredMeta = { size, sha256, contentType: meta.contentType };
      await this.writeSmall(tmpMeta, JSON.stringify(record));
      await mkdir(path.dirname(target.object), { recursive: true, mode: DIR_MODE });
      await mkdir(path.dirname(target.meta), { recursive: true, mode: DIR_MODE });
      await rename(tmpObject, target.object);
      await rename(tmpMeta, target.meta);
      await syncDir(path.dirname(target.object));
      await syncDir(path.dirname(target.meta));
      return info;
    } catch (error) {
      await rm(tmpObject, { force: true });
      await rm(tmpMeta, { force: true });
      if (error instanceof BlobError) throw error;
      throw new BlobError('flowgate.blobs.write_failed', 'Storing the blob failed.', key, { cause: error });
    }
  }

  private async writeTemp(file: string, body: Readable | Uint8Array): Promise<{ size: number; sha256: string }> {
    const hash = createHash('sha256');
    let size = 0;
    const handle = await open(file, 'wx', FILE_MODE);
    try {
      for await (const chunk of chunksOf(body)) {
        hash.update(chunk);
        size += chunk.length;
        await writeAll(handle, chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { size, sha256: hash.digest('hex') };
  }

  private async writeSmall(file: string, text: string): Promise<void> {
    const handle = await open(file, 'wx', FILE_MODE);
    try {
      await writeAll(handle, Buffer.from(text));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async get(key: string): Promise<Readable> {
    const { object } = this.locate(key);
    let handle: FileHandle;
    try {
      handle = await open(object, 'r');
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(key, { cause: error });
      throw error;
    }
    // The open handle pins the inode, so a concurrent overwrite or delete cannot tear this read.
    return handle.createReadStream({ autoClose: true });
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const target = this.locate(key);
    let record: unknown;
    try {
      record = JSON.parse(await readFile(target.meta, 'utf8'));
      const file = await fsStat(target.object);
      if (!isStoredMeta(record) || file.size !== record.size) return null;
    } catch (error) {
      if (isNotFound(error) || error instanceof SyntaxError) return null;
      throw error;
    }
    return { key, size: record.size, sha256: record.sha256, contentType: record.contentType };
  }

  async delete(key: string): Promise<void> {
    const target = this.locate(key);
    await rm(target.meta, { force: true });
    await rm(target.object, { force: true });
  }

  signedUrl(key: string, ttlSeconds: number): string {
    blobKeySegments(key);
    return signBlobUrl(this.secret, this.urlPrefix, key, ttlSeconds, this.now());
  }

  /** Checks a URL from signedUrl(); `now` defaults to the store's clock. */
  verifySignedUrl(url: string, now: number | Date = this.now()): SignedUrlCheck {
    return verifyBlobUrl(this.secret, this.urlPrefix, url, typeof now === 'number' ? now : now.getTime());
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
