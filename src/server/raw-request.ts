// The raw body and headers of a request, for the routes that verify signatures over the exact bytes (the
// webhook, the flow endpoint). Under Node it is the socket's IncomingMessage, read directly: converting it
// to a web ReadableStream first costs more than everything else the webhook path does.
import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { BodySource } from '../support/body.js';

export interface RawRequest {
  body: BodySource;
  headers: { get(name: string): string | null };
}

export function rawRequest(c: Context): RawRequest {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming === undefined) return { body: c.req.raw.body, headers: c.req.raw.headers };
  return { body: incoming, headers: nodeHeaders(incoming) };
}

export function nodeHeaders(incoming: IncomingMessage): RawRequest['headers'] {
  return {
    get: (name) => {
      const value = incoming.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
