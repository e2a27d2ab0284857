// POST /flows/:flow — a thin translator from Hono to the flow endpoint (src/flows/endpoint.ts), which owns
// the limits, the signature check, decryption and everything after.
import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { FlowEndpoint } from '../flows/index.js';

export function flowsRoute(endpoint: () => FlowEndpoint | null) {
  return async (c: Context): Promise<Response> => {
    const flows = endpoint();
    if (flows === null) return c.text('flows not available', 503);
    const flow = c.req.param('flow') ?? '';
    const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
    const r =
      incoming !== undefined
        ? await flows.handle(flow, incoming, nodeHeaders(incoming))
        : await flows.handle(flow, c.req.raw.body, c.req.raw.headers);
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
}

function nodeHeaders(incoming: IncomingMessage): { get(name: string): string | null } {
  return {
    get: (name) => {
      const value = incoming.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
