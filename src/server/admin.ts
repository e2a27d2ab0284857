// The admin HTTP API under /api, behind `Authorization: Bearer $FLOWGATE_ADMIN_TOKEN` (compared in
// constant time): outbound messages for services in any language, and read access to events.
import { Hono, type Context } from 'hono';
import type { Gateway } from '../gateway/index.js';
import { adminAuth } from './admin-auth.js';
import type { OutboundMessage } from '../protocol/index.js';

export interface AdminDeps {
  adminToken: string | null;
  gateway: () => Gateway | null;
}

interface ErrorWithStatus {
  status?: unknown;
  code?: unknown;
  path?: unknown;
  message?: unknown;
}

export function createAdminApi(deps: AdminDeps): Hono {
  const api = new Hono();

  api.use('*', adminAuth(deps.adminToken));
  api.use('*', async (c, next) => {
    if (deps.gateway() === null)
      return c.json({ error: 'not_ready', message: 'Flowgate is starting or stopping' }, 503);
    await next();
  });

  api.post('/messages', async (c) => {
    const gateway = deps.gateway();
    if (gateway === null) return notReady(c);
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      return c.json({ error: 'invalid_json', message: 'the request body must be JSON' }, 400);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return c.json(
        { error: 'invalid_request', message: 'the body must be an object {to, message, replyTo?, idempotencyKey?}' },
        400,
      );
    }
    const { to, message, replyTo, idempotencyKey } = input as Record<string, unknown>;
    const problems: string[] = [];
    if (typeof to !== 'string') problems.push('"to" must be a phone number string');
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      problems.push('"message" must be an object with a "type"');
    if (replyTo !== undefined && typeof replyTo !== 'string') problems.push('"replyTo" must be a message id string');
    if (
      idempotencyKey !== undefined &&
      (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 200)
    ) {
      problems.push('"idempotencyKey" must be a string of 1 to 200 characters');
    }
    if (problems.length > 0 || typeof to !== 'string')
      return c.json({ error: 'invalid_request', message: problems.join('; ') }, 400);
    try {
      const result = await gateway.outbound.send(to, message as OutboundMessage, {
        ...(typeof replyTo === 'string' ? { replyTo } : {}),
        ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
      });
      return c.json(result, result.created ? 202 : 200);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  api.get('/messages/:id', async (c) => {
    const gateway = deps.gateway();
    if (gateway === null) return notReady(c);
    const record = await gateway.store.outbound.get(c.req.param('id'));
    if (record === null) return c.json({ error: 'not_found', message: 'no outbound message with this id' }, 404);
    const statuses = record.wamid === null ? [] : await gateway.store.outbound.statusHistory(record.wamid);
    return c.json({
      id: record.id,
      wamid: record.wamid,
      to: `+${record.waId}`,
      type: record.type,
      state: record.state,
      status: record.status,
      statusAt: record.statusAt,
      error: record.error,
      createdAt: record.createdAt,
      statuses,
    });
  });

  api.get('/events', async (c) => {
    const gateway = deps.gateway();
    if (gateway === null) return notReady(c);
    const limit = Number(c.req.query('limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      return c.json({ error: 'invalid_request', message: 'limit must be 1 to 500' }, 400);
    const kind = c.req.query('kind');
    const before = c.req.query('before');
    const events = await gateway.store.events.list({
      limit,
      ...(kind === undefined ? {} : { kind }),
      ...(before === undefined || !/^\d+$/.test(before) ? {} : { beforeId: Number(before) }),
    });
    return c.json({ events });
  });

  return api;
}

function notReady(c: Context): Response {
  return c.json({ error: 'not_ready', message: 'Flowgate is starting or stopping' }, 503);
}

/** Typed errors carry their HTTP status and a stable code; anything else is a 500 without details. */
function errorResponse(c: Context, error: unknown): Response {
  const e = error as ErrorWithStatus;
  if (error instanceof Error && typeof e.status === 'number' && e.status >= 400 && e.status < 600) {
    return c.json(
      {
        error: typeof e.code === 'string' ? e.code : 'error',
        message: error.message,
        ...(typeof e.path === 'string' ? { path: e.path } : {}),
      },
      e.status as 400,
    );
  }
  throw error;
}
