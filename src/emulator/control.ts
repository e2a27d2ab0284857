// The /_emulator control API (JSON): make a simulated customer send any Cloud-API-shaped message
// (media inline as base64), read what the business sent and every webhook attempt, set the fault
// knobs (and the business key's signature status), point webhooks somewhere, wait for idle.

import { Hono } from 'hono';
import { z } from 'zod';
import { checkWaId, deliverInbound, materializeMedia } from './customers.js';
import { isRecord } from './graph-common.js';
import type { EmulatorContext } from './state.js';
import type { Emulator } from './types.js';

const faultsSchema = z
  .object({
    rateLimit: z
      .object({ every: z.number().int().min(1).optional(), retryAfterSeconds: z.number().min(0).optional() })
      .strict()
      .nullable(),
    serverErrorRate: z.number().min(0).max(1),
    latencyMs: z.number().min(0),
    throughputPerSecond: z.number().int().min(1).nullable(),
    keyStatus: z.enum(['VALID', 'MISMATCH']),
  })
  .partial()
  .strict();

function problem(message: string, status: 400 | 404 = 400): Response {
  return Response.json({ error: { message } }, { status });
}

async function jsonBody(request: Request): Promise<unknown> {
  try {
    const body: unknown = await request.json();
    return body;
  } catch {
    return undefined;
  }
}

export function controlRoutes(ctx: EmulatorContext, emulator: Emulator): Hono {
  const app = new Hono();

  app.post('/customers/:waId/messages', async (c) => {
    const waId = c.req.param('waId');
    try {
      checkWaId(waId);
    } catch (error) {
      return problem(error instanceof Error ? error.message : 'invalid wa_id');
    }
    const body = await jsonBody(c.req.raw);
    if (!isRecord(body))
      return problem('the body must be a JSON message object, e.g. {"type":"text","text":{"body":"hi"}}');
    const { profile_name: profileName, ...message } = body;
    if (typeof message.type !== 'string' || message.type === '') return problem('"type" is required');
    if (profileName !== undefined && typeof profileName !== 'string') return problem('"profile_name" must be a string');
    const wire = materializeMedia(ctx, message);
    if (typeof wire === 'string') return problem(wire);
    const customer = emulator.customer(waId, profileName);
    return c.json({ id: deliverInbound(ctx, waId, customer.profileName, wire) });
  });

  app.get('/messages', (c) => c.json(emulator.sentMessages()));
  app.get('/deliveries', (c) => c.json(emulator.deliveries()));

  app.get('/faults', (c) => c.json({ ...emulator.faults(), keyStatus: ctx.state.keyStatus }));
  app.post('/faults', async (c) => {
    const parsed = faultsSchema.safeParse(await jsonBody(c.req.raw));
    if (!parsed.success)
      return problem(
        `invalid faults: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const { keyStatus, ...faults } = parsed.data;
    emulator.setFaults(faults);
    if (keyStatus !== undefined) emulator.setKeyStatus(keyStatus);
    return c.json({ ...emulator.faults(), keyStatus: ctx.state.keyStatus });
  });

  app.post('/webhook', async (c) => {
    const body = await jsonBody(c.req.raw);
    const url = isRecord(body) ? body.url : undefined;
    if (url !== null && typeof url !== 'string') return problem('"url" must be a string or null');
    try {
      emulator.setWebhookUrl(url);
    } catch {
      return problem('"url" is not a valid URL');
    }
    return c.json({ url });
  });

  app.get('/flows/:flowId/json', (c) => {
    const json = emulator.flowJson(c.req.param('flowId'));
    return json === null
      ? problem('no such flow or no Flow JSON uploaded', 404)
      : c.body(json, 200, { 'content-type': 'application/json' });
  });

  app.post('/idle', async (c) => {
    await emulator.idle();
    return c.json({ idle: true });
  });

  app.get('/health', (c) => c.json({ ok: true }));
  return app;
}
