// POST /webhook and POST /flows/<name> straight from Node's request to the ingress and the flow endpoint,
// ahead of the Hono app. They are the routes that run hundreds or thousands of times a second, and what
// Hono adds there (a Request object, routing, a Response and its conversion back to Node's) was a large
// share of the HTTP thread's time per request. Every other request, and these when their service is not
// up, go to the Hono app, which also serves the same routes for `app.fetch` users.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { FlowEndpoint, FlowHttpResponse } from '../flows/index.js';
import type { IngressResponse, WebhookIngress } from '../gateway/index.js';
import { INTERNAL_ERROR, reportUnhandled } from './http.js';
import { nodeHeaders } from './raw-request.js';

export interface FastPathTargets {
  ingress: () => WebhookIngress | null;
  flows: () => FlowEndpoint | null;
}

type Reply = IngressResponse | FlowHttpResponse;

/** Flow names are 1–64 of [a-z0-9_-] (FlowDefinition); anything else goes to the Hono app. */
const FLOW_PATH = /^\/flows\/([a-z0-9_-]{1,64})$/;

/** A `createServer` for @hono/node-server's `serve` that answers the two hot routes itself. */
export function withFastPaths(targets: FastPathTargets): typeof createServer {
  return ((options: object, fallback: RequestListener): Server =>
    createServer(options, (req, res) => {
      const reply = req.method === 'POST' ? fastReply(targets, req) : null;
      if (reply === null) fallback(req, res);
      else send(reply, res);
    })) as typeof createServer;
}

function fastReply(targets: FastPathTargets, req: IncomingMessage): Promise<Reply> | null {
  if (req.url === '/webhook') return targets.ingress()?.receive(req, nodeHeaders(req)) ?? null;
  const flow = req.url === undefined ? null : FLOW_PATH.exec(req.url)?.[1];
  if (flow === undefined || flow === null) return null;
  return targets.flows()?.handle(flow, req, nodeHeaders(req)) ?? null;
}

function send(reply: Promise<Reply>, res: ServerResponse): void {
  reply.then(
    (r) => {
      // With its length given, the answer goes out in one write; without, writeHead commits the response
      // to chunked encoding (a size line, the body, a terminator: a writev, and more for the client to parse).
      res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) }).end(r.body);
    },
    (error: unknown) => {
      // As the Hono app's onError.
      reportUnhandled(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(INTERNAL_ERROR));
    },
  );
}
