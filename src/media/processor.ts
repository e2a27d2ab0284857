// The `media` queue's job: claim the media row, resolve the id (GET /{media-id}), stream the 5-minute
// URL with the bearer token into a temporary file under a hard size bound and a timeout, verify size,
// SHA-256 (constant time) and sniffed MIME family against Meta's answer, then store the bytes in the
// blob store under a content-addressed key and settle the row. An expired URL is re-resolved once;
// rate limits and outages go back to the queue with Retry-After as the delay; failures no retry can fix
// dead-letter at once. Logs name the media row id only.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../blobs/index.js';
import type { GraphClient, MediaInfo, DownloadedMedia } from '../graph/index.js';
import type { Job } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import { spoolToFile } from './download.js';
import { MediaError } from './errors.js';
import { MEDIA_LIMITS } from './limits.js';
import { readMediaJob, type MediaJob } from './jobs.js';
import type { MediaRepository } from './repository.js';
import { baseMime, mimeContradiction, sniffFile } from './sniff.js';
import { toMediaError, isExpiredUrl } from './graph-failures.js';

export interface MediaProcessorDeps {
  repo: MediaRepository;
  graph: GraphClient;
  blobs: BlobStore;
  logger: Logger;
  now?: () => number;
  /** Where downloads are spooled before verification; default the OS temp dir. */
  tmpDir?: string;
  /** Whole body; default 120 s. */
  downloadTimeoutMs?: number;
  /** Longest gap between two chunks; default 30 s. */
  idleTimeoutMs?: number;
}

interface Verified {
  mimeType: string;
  size: number;
  sha256: string;
  blobKey: string;
}

export function createMediaProcessor(deps: MediaProcessorDeps): (job: Job) => Promise<void> {
  const now = deps.now ?? Date.now;
  return async (job) => {
    const payload = readMediaJob(job.payload);
    if (payload === null) throw new MediaError('not_found', 'the job payload is not a media job');
    const row = await deps.repo.claim({
      mediaId: payload.mediaId,
      source: payload.source,
      eventId: payload.eventId,
      waId: payload.waId,
      mimeType: payload.mimeType,
      now: now(),
    });
    if (row.status === 'stored') return; // a duplicate: downloaded once already
    const log = deps.logger.child({ mediaRowId: row.id });
    try {
      const stored = await fetchAndStore(deps, payload);
      await deps.repo.markStored(row.id, { ...stored, now: now() });
      log.info({ size: stored.size, mimeType: stored.mimeType }, 'media stored');
    } catch (error) {
      const failure = toMediaError(error, 'download');
      const final = failure.permanent || job.attempts >= job.maxAttempts;
      await deps.repo.markError(row.id, `${failure.code}: ${failure.message}`, final);
      log.warn({ code: failure.code, final, attempt: job.attempts }, 'media download failed');
      throw failure;
    }
  };
}

async function fetchAndStore(deps: MediaProcessorDeps, job: MediaJob): Promise<Verified> {
  const limit = MEDIA_LIMITS[job.kind];
  let info = await resolve(deps, job);
  if (info.fileSize > limit) throw tooLarge(info, job, limit); // refused before a byte is downloaded
  let download: DownloadedMedia;
  try {
    download = await deps.graph.downloadMedia(info.url);
  } catch (error) {
    if (!isExpiredUrl(error)) throw toMediaError(error, 'download');
    info = await resolve(deps, job); // the 5-minute URL expired: a fresh one, once
    try {
      download = await deps.graph.downloadMedia(info.url);
    } catch (again) {
      throw toMediaError(again, 'download');
    }
  }
  if (info.fileSize > limit) {
    await download.body.cancel().catch(() => undefined);
    throw tooLarge(info, job, limit);
  }
  if (download.contentLength !== null && download.contentLength !== info.fileSize) {
    await download.body.cancel().catch(() => undefined);
    throw new MediaError(
      'size_mismatch',
      `the download is ${download.contentLength} bytes, Meta declared ${info.fileSize}`,
    );
  }
  const expected = decodeSha256(info.sha256);
  const path = join(deps.tmpDir ?? tmpdir(), `flowgate-media-${randomBytes(12).toString('hex')}`);
  try {
    const spooled = await spoolToFile(download.body, path, {
      maxBytes: info.fileSize,
      boundReason: 'size_mismatch',
      timeoutMs: deps.downloadTimeoutMs ?? 120_000,
      idleMs: deps.idleTimeoutMs ?? 30_000,
    });
    if (spooled.size !== info.fileSize) {
      throw new MediaError('size_mismatch', `received ${spooled.size} bytes, Meta declared ${info.fileSize}`);
    }
    if (expected === null || !timingSafeEqual(expected, spooled.sha256)) {
      throw new MediaError('hash_mismatch', 'the SHA-256 of the bytes is not the one Meta declared');
    }
    const sniffed = await sniffFile(path);
    const contradiction = mimeContradiction(info.mimeType, sniffed.mimeType);
    if (contradiction !== null) throw new MediaError('mime_mismatch', contradiction);
    const sha256 = spooled.sha256.toString('hex');
    const mimeType = sniffed.mimeType ?? baseMime(info.mimeType);
    const blobKey = `media/${sha256.slice(0, 2)}/${sha256}.${sniffed.ext}`;
    const existing = await deps.blobs.stat(blobKey);
    if (existing?.sha256 !== sha256) {
      const put = await deps.blobs.put(blobKey, createReadStream(path), { contentType: mimeType });
      if (put.sha256 !== sha256 || put.size !== spooled.size) {
        throw new MediaError('storage_failed', 'the blob store holds other bytes than were downloaded');
      }
    }
    return { mimeType, size: spooled.size, sha256, blobKey };
  } finally {
    await rm(path, { force: true });
  }
}

function tooLarge(info: MediaInfo, job: MediaJob, limit: number): MediaError {
  return new MediaError('too_large', `Meta declares ${info.fileSize} bytes, over the ${limit}-byte ${job.kind} limit`);
}

async function resolve(deps: MediaProcessorDeps, job: MediaJob): Promise<MediaInfo> {
  try {
    return await deps.graph.getMedia(
      job.mediaId,
      job.phoneNumberId === null ? {} : { phoneNumberId: job.phoneNumberId },
    );
  } catch (error) {
    throw toMediaError(error, 'resolve');
  }
}

/** Meta's sha256: hex on GET /{id}, base64 in webhooks and the emulator; null when neither. */
export function decodeSha256(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : null;
}
