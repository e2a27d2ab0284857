// storeFlowMedia against a loopback CDN and a real FileBlobStore: pywa's real media vector,
// vectors built with encryptFlowMedia, tampering, hash and HMAC failures, the size bound while
// streaming, retries honouring Retry-After, timeouts, and MIME sniffing against accepted types.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../blobs/index.js';
import { encryptFlowMedia } from '../protocol/index.js';
import {
  FlowMediaError,
  PHOTO_MIME_TYPES,
  parseFlowMediaHost,
  storeFlowMedia,
  type StoreFlowMediaDeps,
  type WirePickerItem,
} from './flow-media.js';
import { JPEG, VECTOR, pdf, png, startCdn, type Cdn } from './flow-media.test-util.js';

const MEDIA_ID = '790aba14-5f4a-4dbd-aa9e-0d75401da14b';
let cdn: Cdn;
let root: string;
let blobs: FileBlobStore;
let sleeps: number[];
/** Every test CDN here is on loopback (the host policy itself: flow-media-hosts.test.ts). */
const LOOPBACK = [parseFlowMediaHost('http://127.0.0.1:*')!];

function deps(extra: Partial<StoreFlowMediaDeps> = {}): StoreFlowMediaDeps {
  return {
    fetch,
    blobs,
    token: 'flow-token-1',
    allowedOrigins: LOOPBACK,
    maxBytes: 1024 * 1024,
    timeoutMs: 2000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...extra,
  };
}

function serve(pathName: string, body: Buffer): void {
  cdn.route(pathName, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
}

function itemFor(plaintext: Buffer, pathName: string, fileName = 'file.bin'): WirePickerItem {
  const { cdnFile, metadata } = encryptFlowMedia(plaintext);
  serve(pathName, cdnFile);
  return { media_id: MEDIA_ID, cdn_url: cdn.url(pathName), file_name: fileName, encryption_metadata: metadata };
}

async function failure(promise: Promise<unknown>): Promise<FlowMediaError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlowMediaError);
  const mediaError = error as FlowMediaError;
  expect(mediaError.mediaId).toBe(MEDIA_ID);
  expect(mediaError.message).not.toContain(MEDIA_ID);
  expect(mediaError.message).not.toContain('127.0.0.1');
  return mediaError;
}

const sha256hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');

beforeEach(async () => {
  cdn = await startCdn();
  root = await mkdtemp(path.join(tmpdir(), 'flowgate-flow-media-'));
  blobs = new FileBlobStore({ root, secret: 'flow-media-test-secret-0123' });
  sleeps = [];
});

afterEach(async () => {
  await cdn.close();
  await rm(root, { recursive: true, force: true });
});

describe('storeFlowMedia', () => {
  it("stores pywa's real CDN vector as the 1×1 JPEG it decrypts to", async () => {
    serve('/v/pywa', Buffer.from(VECTOR.cdn_file_hex, 'hex'));
    const stored = await storeFlowMedia(
      {
        media_id: MEDIA_ID,
        cdn_url: cdn.url('/v/pywa'),
        file_name: 'IMG_5237.jpg',
        encryption_metadata: VECTOR.encryption_metadata,
      },
      deps({ allowedMimeTypes: PHOTO_MIME_TYPES }),
    );
    const sha = sha256hex(JPEG);
    const name = createHash('sha256').update(`flow-token-1\n${MEDIA_ID}\n${sha}`).digest('hex');
    expect(stored).toEqual({
      mediaId: MEDIA_ID,
      fileName: 'IMG_5237.jpg',
      blobKey: `flow-media/${name.slice(0, 2)}/${name}.jpg`,
      mimeType: 'image/jpeg',
      size: 435,
      sha256: sha,
    });
    expect(Buffer.from(sha, 'hex').toString('base64')).toBe(VECTOR.encryption_metadata.plaintext_hash);
    expect(stored.blobKey).not.toContain(MEDIA_ID);
    expect(stored.blobKey).not.toContain('flow-token-1');
    expect(stored.blobKey).not.toContain(sha);
    expect(await readFile(path.join(root, 'objects', ...stored.blobKey.split('/')))).toEqual(JPEG);
    expect(await blobs.stat(stored.blobKey)).toMatchObject({ size: 435, contentType: 'image/jpeg' });
  });

  it('stores built PDF, PNG and text files with their sniffed types', async () => {
    const doc = await storeFlowMedia(
      itemFor(pdf(), '/pdf', 'contract.pdf'),
      deps({ allowedMimeTypes: ['application/pdf'] }),
    );
    expect(doc).toMatchObject({ mimeType: 'application/pdf', fileName: 'contract.pdf', size: pdf().length });
    expect(doc.blobKey.endsWith('.pdf')).toBe(true);
    const image = await storeFlowMedia(itemFor(png(), '/png', '../../etc/x.png'), deps());
    expect(image).toMatchObject({ mimeType: 'image/png', fileName: 'x.png' });
    const text = await storeFlowMedia(itemFor(Buffer.from('héllo\nworld\n'), '/txt', 'notes.txt'), deps());
    expect(text.mimeType).toBe('text/plain');
    // A right-to-left override would show "a\u202Egnp.exe" as "aexe.png": direction marks go with control characters.
    const disguised = await storeFlowMedia(itemFor(png(), '/rtl', 'a\u0000\u202Egnp.exe\u200F'), deps());
    expect(disguised.fileName).toBe('agnp.exe');
  });

  it('sniffs the bytes rather than trusting the file name', async () => {
    const error = await failure(
      storeFlowMedia(itemFor(png(), '/fake-pdf', 'invoice.pdf'), deps({ allowedMimeTypes: ['application/pdf'] })),
    );
    expect(error).toMatchObject({ code: 'mime_not_allowed', mimeType: 'image/png' });
    expect(error.userMessage).toBe('This file type is not accepted.');
    const jpeg = await failure(storeFlowMedia(itemFor(JPEG, '/jpeg'), deps({ allowedMimeTypes: ['application/pdf'] })));
    expect(jpeg.code).toBe('mime_not_allowed');
    const binary = await failure(storeFlowMedia(itemFor(Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), '/bin'), deps()));
    expect(binary).toMatchObject({ code: 'mime_not_allowed', mimeType: 'application/octet-stream' });
  });

  it('rejects a tampered CDN file by its encrypted_hash', async () => {
    const { cdnFile, metadata } = encryptFlowMedia(pdf());
    cdnFile[5] = (cdnFile[5] ?? 0) ^ 1;
    serve('/tampered', cdnFile);
    const item = {
      media_id: MEDIA_ID,
      cdn_url: cdn.url('/tampered'),
      file_name: 'a.pdf',
      encryption_metadata: metadata,
    };
    expect((await failure(storeFlowMedia(item, deps()))).code).toBe('hash_mismatch');
  });

  it('rejects a file whose hash matches but whose HMAC does not', async () => {
    const { cdnFile, metadata } = encryptFlowMedia(pdf());
    cdnFile[5] = (cdnFile[5] ?? 0) ^ 1;
    serve('/rehashed', cdnFile);
    const encrypted_hash = createHash('sha256').update(cdnFile).digest('base64');
    const item = {
      media_id: MEDIA_ID,
      cdn_url: cdn.url('/rehashed'),
      file_name: 'a.pdf',
      encryption_metadata: { ...metadata, encrypted_hash },
    };
    expect((await failure(storeFlowMedia(item, deps()))).code).toBe('hmac_mismatch');
  });

  it('rejects a wrong plaintext_hash and unusable key material', async () => {
    const wrongHash = itemFor(pdf(), '/wrong-hash');
    wrongHash.encryption_metadata.plaintext_hash = createHash('sha256').update('other').digest('base64');
    expect((await failure(storeFlowMedia(wrongHash, deps()))).code).toBe('hash_mismatch');
    const badIv = itemFor(pdf(), '/bad-iv');
    badIv.encryption_metadata.iv = Buffer.alloc(12).toString('base64');
    expect((await failure(storeFlowMedia(badIv, deps()))).code).toBe('decrypt_failed');
    expect(await blobs.stat('flow-media')).toBeNull();
  });

  it('stops reading once the CDN streams more than maxBytes', async () => {
    let sent = 0;
    cdn.route('/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = (): void => {
        while (sent < 50 * 1024 * 1024 && !res.destroyed) {
          sent += 64 * 1024;
          if (!res.write(Buffer.alloc(64 * 1024, 7))) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const item: WirePickerItem = {
      ...itemFor(pdf(), '/unused'),
      cdn_url: cdn.url('/endless'),
    };
    const error = await failure(storeFlowMedia(item, deps({ maxBytes: 256 * 1024 })));
    expect(error.code).toBe('too_large');
    await cdn.closed('/endless');
    expect(sent).toBeLessThan(50 * 1024 * 1024);
    expect(cdn.hits('/endless')).toBe(1);
  });

  it('refuses a declared Content-Length over the bound and a decrypted file over maxBytes', async () => {
    cdn.route('/declared', (_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const declared = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/declared') };
    expect((await failure(storeFlowMedia(declared, deps({ maxBytes: 1024 * 1024 })))).code).toBe('too_large');
    const padded = itemFor(Buffer.alloc(1000, 0x41), '/over-plaintext');
    expect((await failure(storeFlowMedia(padded, deps({ maxBytes: 990 })))).code).toBe('too_large');
  });

  it('retries a 503 after the Retry-After it asks for, then stores the file', async () => {
    const { cdnFile, metadata } = encryptFlowMedia(pdf());
    cdn.route('/busy', (_req, res, hit) => {
      if (hit === 1) res.writeHead(503, { 'retry-after': '1' }).end('busy');
      else res.writeHead(200).end(cdnFile);
    });
    const item = { media_id: MEDIA_ID, cdn_url: cdn.url('/busy'), file_name: 'a.pdf', encryption_metadata: metadata };
    expect((await storeFlowMedia(item, deps())).mimeType).toBe('application/pdf');
    expect(cdn.hits('/busy')).toBe(2);
    expect(sleeps).toEqual([1000]);
  });

  it('caps a long Retry-After on 429 and gives up after the bounded retries', async () => {
    cdn.route('/limited', (_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' }).end();
    });
    const item = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/limited') };
    const error = await failure(storeFlowMedia(item, deps({ retries: 2, maxRetryDelayMs: 3000 })));
    expect(error).toMatchObject({ code: 'download_failed', cdnStatus: 429, retryable: true });
    expect(cdn.hits('/limited')).toBe(3);
    expect(sleeps).toEqual([3000, 3000]);
  });

  it('backs off with jitter on 5xx and does not retry a 404', async () => {
    cdn.route('/flaky', (_req, res) => {
      res.writeHead(500).end();
    });
    const flaky = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/flaky') };
    expect((await failure(storeFlowMedia(flaky, deps({ retries: 2 })))).cdnStatus).toBe(500);
    expect(sleeps).toEqual([125, 250]);
    sleeps = [];
    const gone = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/gone') };
    expect(await failure(storeFlowMedia(gone, deps()))).toMatchObject({
      code: 'download_failed',
      cdnStatus: 404,
      retryable: false,
    });
    expect(cdn.hits('/gone')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('times out a CDN that never answers, or stalls mid-body', async () => {
    cdn.route('/silent', () => undefined);
    const silent = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/silent') };
    const error = await failure(storeFlowMedia(silent, deps({ timeoutMs: 150, retries: 1 })));
    expect(error).toMatchObject({ code: 'download_failed', retryable: true, cdnStatus: null });
    expect(error.message).toContain('within 150 ms');
    expect(cdn.hits('/silent')).toBe(2);
    cdn.route('/stall', (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100));
    });
    const stall = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/stall') };
    expect((await failure(storeFlowMedia(stall, deps({ timeoutMs: 150, retries: 0 })))).code).toBe('download_failed');
  });

  it('gives a download up when its signal aborts: mid-body, or between attempts, with no attempt after', async () => {
    cdn.route('/stall', (_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100));
    });
    const stall = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/stall') };
    const due = new AbortController();
    const pending = storeFlowMedia(stall, deps({ timeoutMs: 10_000, retries: 2, signal: due.signal }));
    const closed = cdn.closed('/stall');
    setTimeout(() => {
      due.abort(new Error('the answer was due'));
    }, 50);
    expect(await failure(pending)).toMatchObject({ code: 'deadline', retryable: false });
    await closed; // the connection was dropped, not left to its 10 s timeout
    expect(cdn.hits('/stall')).toBe(1);
    // A 503 whose backoff the signal cuts short: no second request.
    cdn.route('/busy', (_req, res) => {
      res.writeHead(503, { 'retry-after': '60' }).end();
    });
    const busy = { ...itemFor(pdf(), '/unused'), cdn_url: cdn.url('/busy') };
    const later = new AbortController();
    const waiting = storeFlowMedia(
      busy,
      deps({
        retries: 2,
        maxRetryDelayMs: 60_000,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
        signal: later.signal,
      }),
    );
    setTimeout(() => {
      later.abort(new Error('the answer was due'));
    }, 50);
    expect(await failure(waiting)).toMatchObject({ code: 'deadline' });
    expect(cdn.hits('/busy')).toBe(1);
  });

  it('reports network failures and unusable items without the media id or URL in the message', async () => {
    const closed = await startCdn();
    const url = closed.url('/x');
    await closed.close();
    const refused = { ...itemFor(pdf(), '/unused'), cdn_url: url };
    expect(await failure(storeFlowMedia(refused, deps({ retries: 1 })))).toMatchObject({
      code: 'download_failed',
      retryable: true,
    });
    const noUrl = { ...itemFor(pdf(), '/unused'), cdn_url: 'file:///etc/passwd' };
    expect((await failure(storeFlowMedia(noUrl, deps()))).code).toBe('url_not_allowed');
    const notUrl = { ...itemFor(pdf(), '/unused'), cdn_url: 'not a url' };
    expect((await failure(storeFlowMedia(notUrl, deps()))).code).toBe('download_failed');
  });
});
