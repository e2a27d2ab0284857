// The media admin API under /api/media, behind the admin bearer token: one media row (by row id) with a
// short-lived signed URL to its stored bytes (served at GET /blobs/*), and a list of recent rows.
import { Hono } from 'hono';
import { MediaNotFoundError, type MediaService, type MediaStatus } from '../media/index.js';
import { adminAuth } from './admin-auth.js';
import { boundedInt } from './admin-query.js';

export interface MediaAdminDeps {
  adminToken: string | null;
  media: () => MediaService | null;
}

const STATUSES: ReadonlySet<string> = new Set(['pending', 'stored', 'failed']);

export function createMediaAdminApi(deps: MediaAdminDeps): Hono {
  const api = new Hono();
  api.use('*', adminAuth(deps.adminToken));

  api.get('/', async (c) => {
    const media = deps.media();
    if (media === null) return c.json({ error: 'media_disabled', message: 'media downloads are not running' }, 503);
    const status = c.req.query('status');
    const rows = await media.list({
      ...(status !== undefined && STATUSES.has(status) ? { status: status as MediaStatus } : {}),
      limit: boundedInt(c.req.query('limit'), 50, 500),
    });
    return c.json({ media: rows });
  });

  api.get('/:id', async (c) => {
    const media = deps.media();
    if (media === null) return c.json({ error: 'media_disabled', message: 'media downloads are not running' }, 503);
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0)
      return c.json({ error: 'invalid_id', message: 'id must be a row id' }, 400);
    const record = await media.get(id);
    if (record === null) return c.json({ error: 'not_found', message: `no media row ${id}` }, 404);
    if (record.status !== 'stored') return c.json({ media: record, url: null, expiresAt: null });
    try {
      const signed = await media.signedUrl(id, boundedInt(c.req.query('ttl'), 300, 3600));
      return c.json({ media: signed.record, url: signed.url, expiresAt: signed.expiresAt });
    } catch (error) {
      if (error instanceof MediaNotFoundError) return c.json({ media: record, url: null, expiresAt: null });
      throw error;
    }
  });
  return api;
}
