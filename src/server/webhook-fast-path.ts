// POST /webhook straight from Node's request to the ingress, ahead of the Hono app. Meta's deliveries are
// the one route that runs thousands of times a second, and everything Hono adds there (a Request object,
// routing, a Response and its conversion back to Node's) costs a large share of the HTTP thread's time
// per webhook. Every other request, and a POST /webhook when the gateway is not up, goes to the Hono app,
// which also serves the same route for `app.fetch` users.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { WebhookIngress } from '../gateway/index.js';
import { nodeHeaders } from './raw-request.js';

/** A `createServer` for @hono/node-server's `serve` that answers POST /webhook itself. */
export function withWebhookFastPath(ingress: () => WebhookIngress | null): typeof createServer {
  return ((options: object, fallback: RequestListener): Server =>
    createServer(options, (req, res) => {
      const target = ingress();
      if (target === null || req.method !== 'POST' || req.url !== '/webhook') {
        fallback(req, res);
        return;
      }
      receive(target, req, res);
    })) as typeof createServer;
}

function receive(ingress: WebhookIngress, req: IncomingMessage, res: ServerResponse): void {
  ingress.receive(req, nodeHeaders(req)).then(
    (reply) => {
      res.writeHead(reply.status, reply.headers).end(reply.body);
    },
    () => {
      // As the Hono app's onError: no details.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal_error', message: 'internal error' }));
    },
  );
}
