// Unit tests of the media pipeline's pure parts and its spooling: Meta's sha256 in hex or base64, MIME
// family checks on real files, job extraction from webhook events and Flow response_json, and the hard
// size bound and stall timeout of a streamed body.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JPEG, pdf, png } from '../flows/flow-media.test-util.js';
import { spoolToFile } from './download.js';
import { MediaError } from './errors.js';
import { flowMediaJobs, flowResponseMedia, readMediaJob } from './jobs.js';
import { MEDIA_LIMITS, mediaKindOfEvent } from './limits.js';
import { decodeSha256 } from './processor.js';
import { mimeContradiction, sniffFile } from './sniff.js';

const dir = mkdtempSync(join(tmpdir(), 'flowgate-media-unit-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;
const file = (bytes: Uint8Array): string => {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, bytes);
  return path;
};

function streamOf(chunks: readonly Uint8Array[], stallAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stallAfter !== undefined && i >= stallAfter) return new Promise(() => undefined); // never more
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
      return undefined;
    },
  });
}

describe('decodeSha256', () => {
  const digest = createHash('sha256').update(JPEG).digest();
  it('reads hex (Graph GET /{id}) and base64 (webhooks, SPEC B.4)', () => {
    expect(decodeSha256(digest.toString('hex'))?.equals(digest)).toBe(true);
    expect(decodeSha256(digest.toString('base64'))?.equals(digest)).toBe(true);
    expect(decodeSha256('PqHgadp8cJ/N6mvAYGNMxhs9Ra5hbZFcctCtCClXsMU=')).toHaveLength(32);
  });
  it('refuses anything else', () => {
    expect(decodeSha256('')).toBeNull();
    expect(decodeSha256('abc')).toBeNull();
    expect(decodeSha256(digest.toString('hex').slice(2))).toBeNull();
  });
});

describe('MIME families', () => {
  it('sniffs real files', async () => {
    expect(await sniffFile(file(JPEG))).toEqual({ mimeType: 'image/jpeg', ext: 'jpg' });
    expect(await sniffFile(file(png()))).toEqual({ mimeType: 'image/png', ext: 'png' });
    expect(await sniffFile(file(pdf()))).toEqual({ mimeType: 'application/pdf', ext: 'pdf' });
    expect(await sniffFile(file(Buffer.from('plain text, é\n')))).toEqual({ mimeType: 'text/plain', ext: 'txt' });
    expect(await sniffFile(file(Buffer.from([0, 1, 2, 3, 250, 251])))).toEqual({ mimeType: null, ext: 'bin' });
  });
  it('accepts the same family and refuses a contradiction', () => {
    expect(mimeContradiction('image/jpeg', 'image/png')).toBeNull();
    expect(mimeContradiction('audio/mp4', 'video/mp4')).toBeNull();
    expect(mimeContradiction('audio/ogg; codecs=opus', 'audio/ogg')).toBeNull();
    expect(mimeContradiction('application/pdf', 'application/pdf')).toBeNull();
    expect(mimeContradiction('text/plain', null)).toBeNull();
    expect(mimeContradiction('application/octet-stream', 'image/png')).toBeNull();
    expect(mimeContradiction('image/jpeg', 'application/pdf')).toMatch(/declared image\/jpeg/);
    expect(mimeContradiction('image/jpeg', null)).toMatch(/no image signature/);
    expect(mimeContradiction('application/pdf', 'image/jpeg')).toMatch(/are image\/jpeg/);
    expect(mimeContradiction('video/mp4', 'image/png')).not.toBeNull();
  });
});

describe('jobs', () => {
  it('maps event kinds to per-type limits', () => {
    expect(mediaKindOfEvent('message.image')).toBe('image');
    expect(mediaKindOfEvent('message.sticker')).toBe('sticker');
    expect(mediaKindOfEvent('message.text')).toBeNull();
    expect(MEDIA_LIMITS.image).toBe(5 * 1024 * 1024);
    expect(MEDIA_LIMITS.document).toBe(100 * 1024 * 1024);
    expect(MEDIA_LIMITS.sticker).toBe(500 * 1024);
  });
  it('finds SPEC B.4 media descriptors in response_json, and only those', () => {
    const response = {
      flow_token: 't',
      photo_picker: [{ file_name: 'IMG_5237.jpg', mime_type: 'image/jpeg', sha256: 'x', id: '3631120727156756' }],
      docs: [
        { file_name: 'a.pdf', mime_type: 'application/pdf', sha256: 'y', id: '1' },
        { id: '2' },
      ],
      tags: ['a', 'b'],
      nested: { photo: [{ id: '3', mime_type: 'image/png' }] },
    };
    expect(flowResponseMedia(response)).toEqual([
      { id: '3631120727156756', mimeType: 'image/jpeg' },
      { id: '1', mimeType: 'application/pdf' },
    ]);
    const jobs = flowMediaJobs(response, { eventId: 7, waId: '15551234567', phoneNumberId: null });
    expect(jobs.map((j) => j.key)).toEqual(['media:3631120727156756', 'media:1']);
    expect(readMediaJob(jobs[0]?.payload)).toMatchObject({ source: 'flow', kind: 'document', eventId: 7 });
    expect(readMediaJob({ mediaId: 'x' })).toBeNull();
  });
});

describe('spoolToFile', () => {
  const limits = { maxBytes: 10, boundReason: 'too_large' as const, timeoutMs: 5_000, idleMs: 5_000 };
  it('writes, counts and hashes the body', async () => {
    const path = join(dir, 'ok');
    const out = await spoolToFile(streamOf([Buffer.from('hello '), Buffer.from('you')]), path, limits);
    expect(out.size).toBe(9);
    expect(out.sha256.equals(createHash('sha256').update('hello you').digest())).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('hello you');
  });
  it('stops at the hard size bound', async () => {
    const error = await spoolToFile(streamOf([Buffer.alloc(6), Buffer.alloc(6)]), join(dir, 'big'), limits).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('flowgate.media.too_large');
    expect((error as MediaError).permanent).toBe(true);
  });
  it('gives up on a body that stalls', async () => {
    const stalled = streamOf([Buffer.from('a'), Buffer.from('b')], 1);
    const error = await spoolToFile(stalled, join(dir, 'stall'), { ...limits, idleMs: 50 }).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe('flowgate.media.download_timeout');
    expect((error as MediaError).permanent).toBe(false);
  });
});
