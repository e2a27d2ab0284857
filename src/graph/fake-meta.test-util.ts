// Test support for the Graph client tests: a small fake Meta Graph server on Hono that records every
// request (method, path, query, headers, raw body bytes), reachable in-process or over loopback,
// plus fixture loading and a sleep that records delays instead of waiting.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { HonoRequest } from 'hono/request';
import { GraphClient, type GraphClientOptions } from './client.js';
import type { FetchLike } from './transport.js';

export const TOKEN = 'EAAGtestTOKEN0123456789secret';
export const BASE = 'https://graph.example.test';
export const VERSION = 'v24.0';

const FIXTURES = new URL('../../../shared/protocol/fixtures/graph_api/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Uint8Array;
  text(): string;
  json(): unknown;
  /** Parses the recorded body as a form (multipart or urlencoded); file parts are File objects. */
  form(): Promise<Record<string, string | File>>;
}

export interface FakeMeta {
  app: Hono;
  requests: RecordedRequest[];
  fetch: FetchLike;
}

export function createFakeMeta(): FakeMeta {
  const app = new Hono();
  const requests: RecordedRequest[] = [];
  app.use(async (c, next) => {
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.raw.clone().arrayBuffer());
    const headers = new Headers(c.req.raw.headers);
    requests.push({
      method: c.req.method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      text: () => new TextDecoder().decode(body),
      json: () => JSON.parse(new TextDecoder().decode(body)) as unknown,
      form: () => new HonoRequest(new Request(url, { method: 'POST', headers, body })).parseBody(),
    });
    await next();
  });
  return { app, requests, fetch: (url, init) => app.request(url, init) };
}

export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  };
}

export function newClient(fetchImpl: FetchLike, options: Partial<GraphClientOptions> = {}): GraphClient {
  return new GraphClient({ baseUrl: BASE, version: VERSION, accessToken: TOKEN, fetch: fetchImpl, ...options });
}

/** Serves the app on loopback, on `port` or an ephemeral one. */
export async function listen(app: Hono, port = 0): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  let server: ServerType | undefined;
  const bound = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve(info.port);
    });
  });
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server?.close(() => {
          resolve();
        });
        if (server && 'closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

export async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A stream that yields `chunks` one pull at a time and counts how many were pulled. */
export function countingStream(chunks: readonly Uint8Array[]): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
} {
  let index = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[index];
        index += 1;
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => index };
}
