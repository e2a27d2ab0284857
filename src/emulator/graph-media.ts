// Media (SPEC D.1): multipart upload → {"id"}, GET /{media-id} → a 5-minute download URL on the
// emulator's own origin (shaped like Meta's lookaside URL, Bearer token required, 404 once expired
// on the injected clock), DELETE /{media-id}. Media sent by simulated customers is stored here too.

import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import {
  bearerToken,
  graphError,
  invalidParameter,
  missingParameter,
  origin,
  readParams,
  sleep,
  unauthorized,
  unknownObject,
  VERSION,
} from './graph-common.js';
import { unixSeconds, type EmulatorContext, type StoredMedia } from './state.js';
import { downloadFault, mediaInfoFaults, mountMediaFaults } from './graph-media-faults.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const URL_TTL_MS = 5 * MINUTE;
export const UPLOAD_TTL_MS = 30 * DAY;
export const WEBHOOK_MEDIA_TTL_MS = 7 * DAY;
export const DOWNLOAD_PATH = '/whatsapp_business/attachments/';

const MB = 1024 * 1024;
/** Supported MIME types and their size limits (SPEC D.1). */
const LIMITS: ReadonlyMap<string, number> = new Map([
  ['audio/aac', 16 * MB],
  ['audio/amr', 16 * MB],
  ['audio/mpeg', 16 * MB],
  ['audio/mp4', 16 * MB],
  ['audio/ogg', 16 * MB],
  ['text/plain', 100 * MB],
  ['application/pdf', 100 * MB],
  ['application/msword', 100 * MB],
  ['application/vnd.ms-excel', 100 * MB],
  ['application/vnd.ms-powerpoint', 100 * MB],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 100 * MB],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 100 * MB],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 100 * MB],
  ['image/jpeg', 5 * MB],
  ['image/png', 5 * MB],
  ['image/webp', 500 * 1024],
  ['video/mp4', 16 * MB],
  ['video/3gpp', 16 * MB],
]);

function baseMime(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

export function storeMedia(ctx: EmulatorContext, bytes: Uint8Array, mimeType: string, ttlMs: number): StoredMedia {
  const media: StoredMedia = {
    id: ctx.ids.numeric(),
    bytes: bytes.slice(),
    mimeType,
    sha256: createHash('sha256').update(bytes).digest('base64'),
    phoneNumberId: ctx.config.phoneNumberId,
    expiresAt: ctx.config.now() + ttlMs,
  };
  ctx.state.media.set(media.id, media);
  return media;
}

/** A stored, unexpired media item, or null. */
export function liveMedia(ctx: EmulatorContext, id: string): StoredMedia | null {
  const media = ctx.state.media.get(id);
  if (media === undefined) return null;
  if (media.expiresAt <= ctx.config.now()) {
    ctx.state.media.delete(id);
    return null;
  }
  return media;
}

export function mountMedia(app: Hono, ctx: EmulatorContext): void {
  mountMediaFaults(app, ctx);
  app.post(`${VERSION}/:phoneNumberId/media`, async (c) => {
    const phoneNumberId = c.req.param('phoneNumberId');
    if (phoneNumberId !== ctx.config.phoneNumberId) return unknownObject(ctx, 'POST', phoneNumberId);
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
      return invalidParameter(ctx, 'Media must be uploaded as multipart/form-data.');
    }
    const params = await readParams(c);
    if (typeof params === 'string') return invalidParameter(ctx, params);
    if (params.messaging_product === undefined) return missingParameter(ctx, 'messaging_product');
    if (params.messaging_product !== 'whatsapp')
      return invalidParameter(ctx, 'Param messaging_product must be "whatsapp".');
    const file = params.file;
    if (!(file instanceof File)) return missingParameter(ctx, 'file');
    const declared = typeof params.type === 'string' && params.type !== '' ? params.type : file.type;
    if (declared === '') return missingParameter(ctx, 'type');
    const limit = LIMITS.get(baseMime(declared));
    if (limit === undefined) {
      return invalidParameter(
        ctx,
        `Param file must be a file with one of the following types: ${[...LIMITS.keys()].join(', ')}. Received file of type '${declared}'.`,
      );
    }
    if (file.size > limit)
      return invalidParameter(ctx, `Param file exceeds the maximum size of ${limit} bytes for ${baseMime(declared)}.`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    return c.json({ id: storeMedia(ctx, bytes, declared, UPLOAD_TTL_MS).id });
  });

  app.get(DOWNLOAD_PATH, async (c) => {
    if (bearerToken(c) !== ctx.config.accessToken) return unauthorized(ctx);
    if (ctx.state.faults.latencyMs > 0) await sleep(ctx.state.faults.latencyMs);
    const fault = downloadFault(ctx);
    if (fault !== null) return fault;
    const issued = ctx.state.mediaUrls.get(c.req.query('hash') ?? '');
    const now = ctx.config.now();
    if (issued === undefined || issued.expiresAt <= now || issued.mediaId !== c.req.query('mid')) {
      if (issued !== undefined && issued.expiresAt <= now) ctx.state.mediaUrls.delete(c.req.query('hash') ?? '');
      return c.text('Not Found', 404);
    }
    const media = liveMedia(ctx, issued.mediaId);
    if (media === null) return c.text('Not Found', 404);
    return new Response(media.bytes, {
      status: 200,
      headers: {
        'content-type': media.mimeType,
        'content-length': String(media.bytes.byteLength),
        'content-disposition': 'inline',
      },
    });
  });
}

function phoneNumberMismatch(ctx: EmulatorContext, c: Context, media: StoredMedia): Response | null {
  const requested = c.req.query('phone_number_id');
  if (requested === undefined || requested === media.phoneNumberId) return null;
  return graphError(ctx, 400, {
    code: 100,
    message: '(#100) Invalid parameter',
    details: `Media ${media.id} does not belong to phone number ${requested}.`,
  });
}

/** GET /{media-id}; null when the id is not a media id. */
export function mediaInfo(ctx: EmulatorContext, c: Context, id: string): Response | null {
  const media = liveMedia(ctx, id);
  if (media === null) return null;
  const mismatch = phoneNumberMismatch(ctx, c, media);
  if (mismatch !== null) return mismatch;
  const now = ctx.config.now();
  for (const [key, issued] of ctx.state.mediaUrls) if (issued.expiresAt <= now) ctx.state.mediaUrls.delete(key);
  const hash = ctx.ids.token(32);
  const faults = mediaInfoFaults(ctx, media.sha256);
  const expiresAt = faults.expired ? now : now + URL_TTL_MS;
  ctx.state.mediaUrls.set(hash, { mediaId: id, expiresAt });
  const url = new URL(DOWNLOAD_PATH, origin(c));
  url.searchParams.set('mid', id);
  url.searchParams.set('ext', String(unixSeconds(expiresAt)));
  url.searchParams.set('hash', hash);
  return c.json({
    messaging_product: 'whatsapp',
    url: url.href,
    mime_type: media.mimeType,
    sha256: faults.sha256,
    file_size: String(media.bytes.byteLength),
    id,
  });
}

/** DELETE /{media-id}; null when the id is not a media id. */
export function deleteMedia(ctx: EmulatorContext, c: Context, id: string): Response | null {
  const media = liveMedia(ctx, id);
  if (media === null) return null;
  const mismatch = phoneNumberMismatch(ctx, c, media);
  if (mismatch !== null) return mismatch;
  ctx.state.media.delete(id);
  for (const [hash, issued] of ctx.state.mediaUrls) if (issued.mediaId === id) ctx.state.mediaUrls.delete(hash);
  return c.json({ success: true });
}
