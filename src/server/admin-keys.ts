// The key ring's admin API under /api/keys, behind `Authorization: Bearer $FLOWGATE_ADMIN_TOKEN`
// (constant-time compare): list keys, the active public key, rotate, and the audit log. No route
// returns private key material; key rows are mapped to KeyInfo, which has none.
import { Hono, type Context } from 'hono';
import { adminAuth } from './admin-auth.js';
import { KeyGraphError, KeyRingError, KeyVerificationError, type KeyRing } from '../keys/index.js';

export interface KeysAdminDeps {
  adminToken: string | null;
  keys: () => KeyRing | null;
  /** Used when a request names no phone number id. */
  phoneNumberId: string | null;
}

const ACTOR_NAME = /^[\w.@-]{1,64}$/;

export function createKeysAdminApi(deps: KeysAdminDeps): Hono {
  const api = new Hono();

  api.use('*', adminAuth(deps.adminToken));
  api.use('*', async (c, next) => {
    if (deps.keys() === null) {
      return c.json(
        {
          error: 'keys_unavailable',
          message: 'the key ring is not running: set FLOWGATE_MASTER_KEY and start Flowgate',
        },
        503,
      );
    }
    await next();
  });

  api.get('/', (c) =>
    withRing(c, deps, async (ring, phoneNumberId) => c.json({ phoneNumberId, keys: await ring.list(phoneNumberId) })),
  );

  api.get('/public', (c) =>
    withRing(c, deps, async (ring, phoneNumberId) => {
      const { key, pem } = await ring.publicKey(phoneNumberId);
      return c.json({ key, publicKey: pem });
    }),
  );

  api.post('/rotate', (c) =>
    withRing(c, deps, async (ring, phoneNumberId) => {
      const body = await readJson(c);
      const bits = body.bits;
      if (bits !== undefined && typeof bits !== 'number') {
        return c.json({ error: 'invalid_request', message: '"bits" must be 2048, 3072 or 4096' }, 400);
      }
      const result = await ring.rotate(phoneNumberId, { actor: actorOf(c), ...(bits === undefined ? {} : { bits }) });
      return c.json(result);
    }),
  );

  api.get('/audit', (c) =>
    withRing(c, deps, async (ring, phoneNumberId) => {
      const limit = Number(c.req.query('limit') ?? '100');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return c.json({ error: 'invalid_request', message: 'limit must be 1 to 1000' }, 400);
      const before = c.req.query('before');
      const entries = await ring.auditLog({
        phoneNumberId,
        limit,
        ...(before !== undefined && /^\d+$/.test(before) ? { beforeId: Number(before) } : {}),
      });
      return c.json({
        entries: entries.map((e) => ({
          id: e.id,
          at: e.at,
          action: e.action,
          keyId: e.key_id,
          fingerprint: e.fingerprint,
          phoneNumberId: e.phone_number_id,
          actor: e.actor,
          outcome: e.outcome,
          error: e.error,
        })),
      });
    }),
  );

  return api;
}

/** `admin-api`, or `admin-api:<name>` from an X-Flowgate-Actor header naming who clicked. */
function actorOf(c: Context): string {
  const name = c.req.header('x-flowgate-actor');
  return name !== undefined && ACTOR_NAME.test(name) ? `admin-api:${name}` : 'admin-api';
}

async function readJson(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

async function withRing(
  c: Context,
  deps: KeysAdminDeps,
  fn: (ring: KeyRing, phoneNumberId: string) => Promise<Response>,
): Promise<Response> {
  const ring = deps.keys();
  if (ring === null) return c.json({ error: 'keys_unavailable', message: 'the key ring is not running' }, 503);
  const phoneNumberId = c.req.query('phoneNumberId') ?? deps.phoneNumberId;
  if (phoneNumberId === null || !/^\d+$/.test(phoneNumberId)) {
    return c.json(
      { error: 'invalid_request', message: 'name the number: ?phoneNumberId=DIGITS (or set FLOWGATE_PHONE_NUMBER_ID)' },
      400,
    );
  }
  try {
    return await fn(ring, phoneNumberId);
  } catch (error) {
    if (error instanceof KeyRingError) {
      return c.json(
        {
          error: error.code,
          message: error.message,
          ...(error instanceof KeyGraphError ? { metaCode: error.metaCode } : {}),
          ...(error instanceof KeyVerificationError ? { signatureStatus: error.signatureStatus } : {}),
        },
        error.status as 400,
      );
    }
    throw error;
  }
}
