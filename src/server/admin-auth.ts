// The admin API's bearer check, shared by every /api router: `Authorization: Bearer $FLOWGATE_ADMIN_TOKEN`,
// compared in constant time; 503 when no admin token is configured, 401 (with WWW-Authenticate) otherwise.
import type { MiddlewareHandler } from 'hono';
import { constantTimeEqual } from '../gateway/index.js';

export function adminAuth(adminToken: string | null): MiddlewareHandler {
  return async (c, next) => {
    if (adminToken === null)
      return c.json({ error: 'admin_disabled', message: 'the admin API is disabled: set FLOWGATE_ADMIN_TOKEN' }, 503);
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!constantTimeEqual(token, adminToken)) {
      return c.json({ error: 'unauthorized', message: 'missing or wrong bearer token' }, 401, {
        'www-authenticate': 'Bearer',
      });
    }
    await next();
  };
}
