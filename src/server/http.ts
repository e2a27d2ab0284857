// The HTTP surface (Hono): webhook, health, readiness and metrics. A thin translator: limits and
// verification live in the gateway's ingress; this file only converts requests and responses.
import { Hono } from 'hono';
import type { Gateway, IngressResponse } from '../gateway/index.js';
import { createAdminApi } from './admin.js';
import { rawRequest } from './raw-request.js';
import { flowsRoute } from './flows-http.js';
import { createFlowsAdminApi } from './admin-flows.js';
import type { FlowEndpoint } from '../flows/index.js';
import { createKeysAdminApi } from './admin-keys.js';
import type { KeyRing } from '../keys/index.js';
import { signedBlobHandler, type SignedBlobSource } from '../blobs/index.js';
import type { MediaService } from '../media/index.js';
import { createMediaAdminApi } from './admin-media.js';

export interface HttpDeps {
  /** The running gateway, or null before start / after stop (requests then get 503). */
  gateway: () => Gateway | null;
  adminToken: string | null;
  /** The running flow endpoint, or null (POST /flows/:flow then gets 503). */
  flows?: () => FlowEndpoint | null;
  /** The running key ring, or null (no master key, or not started). */
  keys?: () => KeyRing | null;
  phoneNumberId?: string | null;
  /** The media pipeline's read API (GET /api/media/:id), or null. */
  media?: () => MediaService | null;
  /** The blob store whose signed URLs GET /blobs/* serves, or null. */
  blobs?: () => SignedBlobSource | null;
}

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();

  app.get('/webhook', (c) => {
    const gateway = deps.gateway();
    if (gateway?.ingress == null) return c.text('webhook not configured', 503);
    return toResponse(gateway.ingress.challenge(new URL(c.req.url).searchParams));
  });

  app.post('/webhook', async (c) => {
    const gateway = deps.gateway();
    if (gateway?.ingress == null) return c.text('webhook not configured', 503);
    const { body, headers } = rawRequest(c);
    return toResponse(await gateway.ingress.receive(body, headers));
  });

  app.route('/api', createAdminApi({ adminToken: deps.adminToken, gateway: deps.gateway }));
  app.route(
    '/api/keys',
    createKeysAdminApi({
      adminToken: deps.adminToken,
      keys: deps.keys ?? (() => null),
      phoneNumberId: deps.phoneNumberId ?? null,
    }),
  );

  app.post('/flows/:flow', flowsRoute(deps.flows ?? (() => null)));
  app.route('/api/flows', createFlowsAdminApi({ adminToken: deps.adminToken, flows: deps.flows ?? (() => null) }));

  app.route('/api/media', createMediaAdminApi({ adminToken: deps.adminToken, media: deps.media ?? (() => null) }));
  app.get('/blobs/*', (c) => {
    const blobs = deps.blobs?.() ?? null;
    return blobs === null ? c.body(null, 404) : signedBlobHandler(blobs)(c.req.raw);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const gateway = deps.gateway();
    const ready = gateway !== null && (await gateway.store.ping());
    return c.json({ status: ready ? 'ready' : 'unavailable', database: ready }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const gateway = deps.gateway();
    if (gateway === null) return c.text('not started', 503);
    const { pending } = await gateway.store.inbox.counts();
    gateway.metrics.inboxPending.set(pending);
    return c.text(await gateway.metrics.registry.metrics(), 200, {
      'content-type': gateway.metrics.registry.contentType,
    });
  });

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404),
  );
  app.onError((error, c) => {
    reportUnhandled(error);
    return c.json(INTERNAL_ERROR, 500);
  });
  return app;
}

/** What a request that failed unexpectedly gets: no details. */
export const INTERNAL_ERROR = { error: 'internal_error', message: 'internal error' } as const;

/** Logs an unexpected request failure by its error's name only (a message may carry request data). */
export function reportUnhandled(error: unknown): void {
  console.error('unhandled request error', error instanceof Error ? error.name : typeof error);
}

function toResponse(r: IngressResponse): Response {
  return new Response(r.body, { status: r.status, headers: r.headers });
}
