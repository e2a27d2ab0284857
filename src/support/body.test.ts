// readBodyLimited on Node's IncomingMessage (read by its events), over real HTTP on loopback: whole bodies in
// many chunks, the limit by streaming, and a client that leaves mid-body.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBodyLimited } from './body.js';

let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server === null) resolve();
    else
      server.close(() => {
        resolve();
      });
    server?.closeAllConnections();
  });
  server = null;
});

/** A server that hands each request's body outcome to `seen` and answers with its status. */
async function listen(limit: number, seen: (outcome: Uint8Array | Error) => void): Promise<number> {
  const created = createServer((req: IncomingMessage, res) => {
    readBodyLimited(req, limit, req.headers['content-length']).then(
      (body) => {
        seen(body);
        res.writeHead(200).end(String(body.byteLength));
      },
      (error: unknown) => {
        seen(error instanceof Error ? error : new Error(String(error)));
        res.writeHead(error instanceof BodyTooLargeError ? 413 : 400, { connection: 'close' }).end();
      },
    );
  });
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return (created.address() as AddressInfo).port;
}

/** A chunked POST (no Content-Length) written in `chunks`; resolves with the status, or null if cut off. */
function post(port: number, chunks: readonly Buffer[]): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => {
      resolve(null);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readBodyLimited on a Node request', () => {
  it('returns every byte of a body sent in many chunks, in order', async () => {
    const bodies: (Uint8Array | Error)[] = [];
    const port = await listen(1 << 20, (b) => bodies.push(b));
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000, i));
    expect(await post(port, chunks)).toBe(200);
    const body = bodies[0];
    if (!(body instanceof Uint8Array)) throw new Error('expected a body');
    expect(Buffer.from(body).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('refuses a streamed body past the limit with BodyTooLargeError (413)', async () => {
    const seen: (Uint8Array | Error)[] = [];
    const port = await listen(4096, (b) => seen.push(b));
    const status = await post(
      port,
      Array.from({ length: 64 }, () => Buffer.alloc(1024, 0x20)),
    );
    expect(seen[0]).toBeInstanceOf(BodyTooLargeError);
    // The 413 reaches the client unless the socket was torn down while it was still sending.
    expect([413, null]).toContain(status);
  });

  it('takes an empty body as zero bytes', async () => {
    const bodies: (Uint8Array | Error)[] = [];
    const port = await listen(1024, (b) => bodies.push(b));
    expect(await post(port, [])).toBe(200);
    expect(bodies[0]).toEqual(new Uint8Array(0));
  });

  it('rejects, and does not hang, when the client leaves mid-body', async () => {
    let settle: (outcome: Uint8Array | Error) => void = () => undefined;
    const outcome = new Promise<Uint8Array | Error>((resolve) => {
      settle = resolve;
    });
    const port = await listen(1 << 20, (b) => {
      settle(b);
    });
    const arrived = new Promise<void>((resolve) =>
      server?.once('request', () => {
        resolve();
      }),
    );
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(2000, 1));
    await arrived; // the server is reading the body
    req.destroy();
    const result = await outcome;
    expect(result).toBeInstanceOf(Error);
    expect(result).not.toBeInstanceOf(BodyTooLargeError);
  });
});
