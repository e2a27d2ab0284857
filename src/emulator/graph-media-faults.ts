// Fault knobs for media downloads (used by the media pipeline's tests), per emulator:
// `POST /_emulator/media-faults` with any of
//   { rateLimitDownloads: n, retryAfterSeconds: s }  the next n downloads answer 429 with Retry-After: s
//   { expireNextUrls: n }                            the next n URLs from GET /{media-id} are issued expired
//   { wrongHash: true }                              GET /{media-id} declares the SHA-256 of other bytes
// and `GET /_emulator/media-faults` for the knobs plus `downloads` (download requests seen).
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { graphError } from './graph-common.js';
import type { EmulatorContext } from './state.js';

export interface MediaFaults {
  rateLimitDownloads: number;
  retryAfterSeconds: number;
  expireNextUrls: number;
  wrongHash: boolean;
}

interface MediaFaultState extends MediaFaults {
  downloads: number;
}

const schema = z
  .object({
    rateLimitDownloads: z.number().int().min(0),
    retryAfterSeconds: z.number().min(0),
    expireNextUrls: z.number().int().min(0),
    wrongHash: z.boolean(),
  })
  .partial()
  .strict();

const states = new WeakMap<object, MediaFaultState>();

function stateOf(ctx: EmulatorContext): MediaFaultState {
  let state = states.get(ctx.state);
  if (state === undefined) {
    state = { rateLimitDownloads: 0, retryAfterSeconds: 1, expireNextUrls: 0, wrongHash: false, downloads: 0 };
    states.set(ctx.state, state);
  }
  return state;
}

export function mountMediaFaults(app: Hono, ctx: EmulatorContext): void {
  app.get('/_emulator/media-faults', (c) => c.json({ ...stateOf(ctx) }));
  app.post('/_emulator/media-faults', async (c) => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: { message: 'invalid media faults' } }, 400);
    Object.assign(stateOf(ctx), parsed.data);
    return c.json({ ...stateOf(ctx) });
  });
}

/** Counts a download request; a 429 response while rateLimitDownloads lasts, else null. */
export function downloadFault(ctx: EmulatorContext): Response | null {
  const state = stateOf(ctx);
  state.downloads += 1;
  if (state.rateLimitDownloads <= 0) return null;
  state.rateLimitDownloads -= 1;
  return graphError(
    ctx,
    429,
    { code: 4, message: '(#4) Application request limit reached', transient: true },
    { 'retry-after': String(state.retryAfterSeconds) },
  );
}

/** When the next issued URL is already expired (expireNextUrls), and the sha256 to declare. */
export function mediaInfoFaults(ctx: EmulatorContext, sha256: string): { expired: boolean; sha256: string } {
  const state = stateOf(ctx);
  const expired = state.expireNextUrls > 0;
  if (expired) state.expireNextUrls -= 1;
  const declared = state.wrongHash ? createHash('sha256').update(`not ${sha256}`).digest('base64') : sha256;
  return { expired, sha256: declared };
}
