// FileBlobStore against real files in a temp dir: streaming put with size and SHA-256, get, stat,
// delete, overwrite, file modes, path-traversal-proof keys, signed URLs with an injected clock, and
// the handler that serves signed URLs.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobNotFoundError, InvalidBlobKeyError } from './errors.js';
import { FileBlobStore } from './file-store.js';
import { signedBlobHandler } from './http.js';

const SECRET = 'test-secret-0123456789abcdef';
let root: string;
let clock: number;
let store: FileBlobStore;

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'flowgate-blobs-'));
  clock = Date.UTC(2026, 0, 1, 12, 0, 0);
  store = new FileBlobStore({ root: path.join(root, 'blobs'), secret: SECRET, now: () => clock });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FileBlobStore', () => {
  it('stores a stream, computing size and SHA-256 on the way', async () => {
    const parts = ['hello ', 'blob ', 'world'];
    const info = await store.put('flow-media/ab/abcdef', Readable.from(parts.map((p) => Buffer.from(p))), {
      contentType: 'text/plain',
    });
    expect(info).toEqual({
      key: 'flow-media/ab/abcdef',
      size: 16,
      sha256: sha256('hello blob world'),
      contentType: 'text/plain',
    });
    expect(await text(await store.get('flow-media/ab/abcdef'))).toBe('hello blob world');
    expect(await store.stat('flow-media/ab/abcdef')).toEqual(info);
    expect(await readdir(path.join(root, 'blobs', 'tmp'))).toEqual([]);
  });

  it('stores bytes and overwrites atomically', async () => {
    await store.put('a', Buffer.from('first'), { contentType: 'text/plain' });
    const second = await store.put('a', new Uint8Array(Buffer.from('second!')), { contentType: 'application/pdf' });
    expect(second.size).toBe(7);
    expect(await text(await store.get('a'))).toBe('second!');
    expect(await store.stat('a')).toMatchObject({ size: 7, contentType: 'application/pdf' });
  });

  it('keeps a stream opened before an overwrite or delete readable to the end', async () => {
    await store.put('x', Buffer.from('old bytes'), { contentType: 'text/plain' });
    const reading = await store.get('x');
    await store.put('x', Buffer.from('new bytes, longer'), { contentType: 'text/plain' });
    expect(await text(reading)).toBe('old bytes');
    const again = await store.get('x');
    await store.delete('x');
    expect(await text(again)).toBe('new bytes, longer');
  });

  it('writes files 0600 and directories 0700', async () => {
    await store.put('dir/sub/file', Buffer.from('x'), { contentType: 'text/plain' });
    const file = await stat(path.join(root, 'blobs', 'objects', 'dir', 'sub', 'file'));
    const meta = await stat(path.join(root, 'blobs', 'meta', 'dir', 'sub', 'file.json'));
    const dir = await stat(path.join(root, 'blobs', 'objects', 'dir', 'sub'));
    expect(file.mode & 0o777).toBe(0o600);
    expect(meta.mode & 0o777).toBe(0o600);
    expect(dir.mode & 0o777).toBe(0o700);
  });

  it('reports missing blobs', async () => {
    expect(await store.stat('nothing/here')).toBeNull();
    await expect(store.get('nothing/here')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.delete('nothing/here')).resolves.toBeUndefined();
  });

  it('deletes', async () => {
    await store.put('gone', Buffer.from('bye'), { contentType: 'text/plain' });
    await store.delete('gone');
    expect(await store.stat('gone')).toBeNull();
    await expect(store.get('gone')).rejects.toMatchObject({ code: 'flowgate.blobs.not_found', status: 404 });
  });

  it('treats a sidecar that does not match the bytes as no blob', async () => {
    await store.put('torn', Buffer.from('1234'), { contentType: 'text/plain' });
    await writeFile(path.join(root, 'blobs', 'objects', 'torn'), '12345');
    expect(await store.stat('torn')).toBeNull();
  });

  it('removes the temp file when the body stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('network dropped'));
      },
    });
    await expect(store.put('broken', failing, { contentType: 'text/plain' })).rejects.toMatchObject({
      code: 'flowgate.blobs.write_failed',
    });
    expect(await store.stat('broken')).toBeNull();
    expect(await readdir(path.join(root, 'blobs', 'tmp'))).toEqual([]);
  });

  it.each([
    ['', 'empty'],
    ['../escape', 'parent segment'],
    ['a/../../escape', 'parent segment inside'],
    ['/etc/passwd', 'absolute'],
    ['a//b', 'empty segment'],
    ['a/', 'trailing slash'],
    ['.hidden', 'dot file'],
    ['a/./b', 'dot segment'],
    ['a\\..\\b', 'backslash'],
    ['a\0b', 'NUL'],
    ['a b', 'space'],
    ['x'.repeat(129), 'long segment'],
    [`${'a/'.repeat(256)}a`, 'long key'],
  ])('rejects the key %j (%s) everywhere', async (key) => {
    await expect(store.put(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
      InvalidBlobKeyError,
    );
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    expect(() => store.signedUrl(key, 60)).toThrow(InvalidBlobKeyError);
    expect(await readdir(root)).toEqual([]);
  });

  it('never puts the key in error messages', async () => {
    const error = await store.get('secret-key-name').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobNotFoundError);
    expect((error as Error).message).not.toContain('secret-key-name');
    expect((error as BlobNotFoundError).key).toBe('secret-key-name');
  });

  it('refuses a short signing secret', () => {
    expect(() => new FileBlobStore({ root, secret: 'short' })).toThrow(RangeError);
  });
});

describe('signed URLs', () => {
  it('sign a path with expiry and verify it until it expires', () => {
    const url = store.signedUrl('flow-media/ab/file-1.jpg', 300);
    expect(url).toMatch(/^\/blobs\/flow-media\/ab\/file-1\.jpg\?expires=\d+&sig=[0-9a-f]{64}$/);
    expect(store.verifySignedUrl(url)).toEqual({
      ok: true,
      key: 'flow-media/ab/file-1.jpg',
      expiresAt: clock + 300_000,
    });
    expect(store.verifySignedUrl(`https://gw.example${url}`, clock + 299_000).ok).toBe(true);
    expect(store.verifySignedUrl(url, clock + 300_000)).toEqual({ ok: false, reason: 'expired' });
    expect(store.verifySignedUrl(url, new Date(clock + 10_000_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('reject tampered keys, expiries and signatures', () => {
    const url = store.signedUrl('a/b', 60);
    const parsed = new URL(url, 'http://h');
    const expires = parsed.searchParams.get('expires')!;
    const sig = parsed.searchParams.get('sig')!;
    const flipped = (sig.startsWith('0') ? '1' : '0') + sig.slice(1);
    expect(store.verifySignedUrl(`/blobs/a/c?expires=${expires}&sig=${sig}`)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(store.verifySignedUrl(`/blobs/a/b?expires=${Number(expires) + 1000}&sig=${sig}`)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(store.verifySignedUrl(`/blobs/a/b?expires=${expires}&sig=${flipped}`)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const other = new FileBlobStore({ root, secret: 'another-secret-0123456789', now: () => clock });
    expect(other.verifySignedUrl(url)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    '/blobs/a/b',
    '/blobs/a/b?expires=1&sig=zz',
    '/other/a/b?expires=1&sig=' + '0'.repeat(64),
    '/blobs/..%2Fx?expires=1&sig=' + '0'.repeat(64),
    '/blobs/%E0%A4%A?expires=1&sig=' + '0'.repeat(64),
    '/blobs/a?expires=-1&sig=' + '0'.repeat(64),
  ])('call %s malformed', (url) => {
    expect(store.verifySignedUrl(url)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('encode and decode keys with the path prefix given', () => {
    const mounted = new FileBlobStore({ root, secret: SECRET, urlPrefix: '/api/blobs/', now: () => clock });
    const url = mounted.signedUrl('k_1-2.x', 5);
    expect(url.startsWith('/api/blobs/k_1-2.x?')).toBe(true);
    expect(mounted.verifySignedUrl(url)).toMatchObject({ ok: true, key: 'k_1-2.x' });
    expect(() => mounted.signedUrl('k', 0)).toThrow(RangeError);
  });
});

describe('signedBlobHandler', () => {
  it('serves a blob for a valid signed URL and refuses the rest', async () => {
    const handler = signedBlobHandler(store);
    await store.put('docs/a.pdf', Buffer.from('%PDF-1.4 tiny'), { contentType: 'application/pdf' });
    const url = `http://gw.test${store.signedUrl('docs/a.pdf', 60)}`;
    const ok = await handler(new Request(url));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect(ok.headers.get('content-length')).toBe('13');
    expect(await ok.text()).toBe('%PDF-1.4 tiny');
    expect((await handler(new Request(url, { method: 'HEAD' }))).status).toBe(200);
    expect((await handler(new Request(url, { method: 'POST' }))).status).toBe(405);
    expect((await handler(new Request(url.replace('a.pdf', 'b.pdf')))).status).toBe(403);
    expect((await handler(new Request('http://gw.test/blobs/docs/a.pdf'))).status).toBe(404);
    clock += 61_000;
    expect((await handler(new Request(url))).status).toBe(403);
    clock -= 61_000;
    await store.delete('docs/a.pdf');
    expect((await handler(new Request(url))).status).toBe(404);
  });
});
