// POST /flows/:flow — a thin translator from Hono to the flow endpoint (src/flows/endpoint.ts), which owns
// the limits, the signature check, decryption and everything after.
import type { Context } from 'hono';
import type { FlowEndpoint } from '../flows/index.js';
import { rawRequest } from './raw-request.js';

export function flowsRoute(endpoint: () => FlowEndpoint | null) {
  return async (c: Context): Promise<Response> => {
    const flows = endpoint();
    if (flows === null) return c.text('flows not available', 503);
    const flow = c.req.param('flow') ?? '';
    const { body, headers } = rawRequest(c);
    const r = await flows.handle(flow, body, headers);
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
}
