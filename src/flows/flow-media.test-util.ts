// Test helpers for flow media: a loopback HTTP "CDN" whose routes each test scripts, and real
// small PNG / PDF / JPEG files (the JPEG is the plaintext of pywa's media vector).

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';

export interface MediaVector {
  encryption_metadata: {
    encrypted_hash: string;
    iv: string;
    encryption_key: string;
    hmac_key: string;
    plaintext_hash: string;
  };
  cdn_file_hex: string;
  expected_plaintext_hex: string;
}

export const VECTOR = JSON.parse(
  readFileSync(
    new URL('../../../shared/protocol/fixtures/crypto/pywa_flow_media_decryption_vector.json', import.meta.url),
    'utf8',
  ),
) as MediaVector;

export const JPEG = Buffer.from(VECTOR.expected_plaintext_hex, 'hex');

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real 1×1 RGB PNG. */
export function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const pixels = deflateSync(Buffer.from([0, 255, 0, 0]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A minimal one-page PDF. */
export function pdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n' +
      '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 10 10]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );
}

export type Route = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

export interface Cdn {
  url(path: string): string;
  /** Sets what `path` answers; `hit` counts requests to it from 1. */
  route(path: string, handler: Route): void;
  hits(path: string): number;
  /** Resolves when the server saw the response to `path` closed (client gone or finished). */
  closed(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCdn(): Promise<Cdn> {
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const closers = new Map<string, () => void>();
  const closedPromises = new Map<string, Promise<void>>();
  const closedFor = (path: string): Promise<void> => {
    let promise = closedPromises.get(path);
    if (promise === undefined) {
      promise = new Promise((resolve) => closers.set(path, resolve));
      closedPromises.set(path, promise);
    }
    return promise;
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const hit = (counts.get(path) ?? 0) + 1;
    counts.set(path, hit);
    void closedFor(path);
    res.on('close', () => closers.get(path)?.());
    const handler = routes.get(path);
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    route: (path, handler) => routes.set(path, handler),
    hits: (path) => counts.get(path) ?? 0,
    closed: closedFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
