// The flow runtime's admin API under /api/flows, behind `Authorization: Bearer $FLOWGATE_ADMIN_TOKEN`
// (constant-time compare): the registered flows, their submissions and the error notifications WhatsApp's
// clients reported, and one token's state with its stored picker files.
import { Hono } from 'hono';
import type { FlowEndpoint } from '../flows/index.js';
import { adminAuth } from './admin-auth.js';
import { boundedInt } from './admin-query.js';

export interface FlowsAdminDeps {
  adminToken: string | null;
  flows: () => FlowEndpoint | null;
}

function parsed(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

export function createFlowsAdminApi(deps: FlowsAdminDeps): Hono {
  const api = new Hono();

  api.use('*', adminAuth(deps.adminToken));
  api.use('*', async (c, next) => {
    if (deps.flows() === null) return c.json({ error: 'not_started', message: 'Flowgate is not running' }, 503);
    await next();
  });

  const endpoint = (): FlowEndpoint => {
    const flows = deps.flows();
    if (flows === null) throw new Error('flows stopped');
    return flows;
  };

  api.get('/', (c) => {
    const { registry } = endpoint();
    return c.json({
      flows: registry.names().map((name) => {
        const def = registry.require(name);
        return {
          name,
          url: `/flows/${name}`,
          version: def.json.version,
          dataApiVersion: def.json.data_api_version ?? null,
          screens: def.json.screens.map((s) => s.id),
          handlers: Object.keys(def.screens),
          awaitMedia: def.awaitMedia,
        };
      }),
    });
  });

  api.get('/:flow/submissions', async (c) => {
    const rows = await endpoint().store.flows.listSubmissions({
      flow: c.req.param('flow'),
      limit: boundedInt(c.req.query('limit'), 50, 500),
    });
    return c.json({
      submissions: rows.map((r) => ({
        id: r.id,
        flow: r.flow,
        token: r.token,
        waId: r.wa_id,
        response: parsed(r.response_json),
        eventId: r.event_id,
        wamid: r.wamid,
        createdAt: r.created_at,
      })),
    });
  });

  api.get('/:flow/errors', async (c) => {
    const rows = await endpoint().store.flows.listErrors({
      flow: c.req.param('flow'),
      limit: boundedInt(c.req.query('limit'), 50, 500),
    });
    return c.json({
      errors: rows.map((r) => ({
        id: r.id,
        flow: r.flow,
        token: r.token,
        screen: r.screen,
        error: r.error,
        errorMessage: r.error_message,
        at: r.at,
      })),
    });
  });

  api.get('/tokens/:token', async (c) => {
    const { store } = endpoint();
    const row = await store.flows.getToken(c.req.param('token'));
    if (row === null) return c.json({ error: 'not_found', message: 'no such flow token' }, 404);
    const media = await store.flows.listMedia(row.token);
    return c.json({
      token: {
        token: row.token,
        flow: row.flow,
        waId: row.wa_id,
        state: row.state,
        data: parsed(row.data),
        outboundId: row.outbound_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        completedAt: row.completed_at,
      },
      media: media.map((m) => ({
        mediaId: m.media_id,
        screen: m.screen,
        fileName: m.file_name,
        blobKey: m.blob_key,
        mimeType: m.mime_type,
        size: m.size,
        sha256: m.sha256,
        error: m.error,
        createdAt: m.created_at,
      })),
    });
  });

  return api;
}
