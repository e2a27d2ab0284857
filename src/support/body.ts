// Reads a request body with a hard byte limit: a declared Content-Length over the limit is refused before
// reading, and a streamed body is abandoned the moment it passes the limit (the rest is never buffered).
import { Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'flowgate.body.too_large';
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes`);
  }
}

export type BodySource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array | string | null;

export async function readBodyLimited(
  source: BodySource,
  limit: number,
  contentLength?: string | null,
): Promise<Uint8Array> {
  if (contentLength !== undefined && contentLength !== null && contentLength !== '') {
    const declared = Number(contentLength);
    if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  }
  if (source === null) return new Uint8Array(0);
  if (typeof source === 'string') return checkSize(new TextEncoder().encode(source), limit);
  if (source instanceof Uint8Array) return checkSize(source, limit);
  if (source instanceof Readable) return readNodeStream(source, limit);

  const body = new LimitedBody(limit);
  if (isReadableStream(source)) {
    const reader = source.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!body.add(value)) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(limit);
      }
    }
  } else {
    for await (const chunk of source) if (!body.add(chunk)) throw new BodyTooLargeError(limit);
  }
  return body.bytes();
}

/** The chunks read so far, up to the limit: `add` answers false (and keeps nothing) once past it. */
class LimitedBody {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Uint8Array): boolean {
    this.size += chunk.byteLength;
    if (this.size > this.limit) return false;
    this.chunks.push(chunk);
    return true;
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 1 && this.chunks[0] !== undefined) return this.chunks[0];
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}

/**
 * A Node stream (the server's IncomingMessage), read by its events: async iteration of a Node stream costs
 * several times more per request, and the two hot routes read a body per request. Past the limit the
 * stream is paused and left: the 413 goes out with `connection: close` and the server drops the rest.
 */
function readNodeStream(stream: Readable, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed) {
      reject(new Error('the request body stream was closed before it was read'));
      return;
    }
    const body = new LimitedBody(limit);
    const detach = (): void => {
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (data: Uint8Array | string): void => {
      if (body.add(typeof data === 'string' ? Buffer.from(data) : data)) return;
      detach();
      stream.pause();
      reject(new BodyTooLargeError(limit));
    };
    const onEnd = (): void => {
      detach();
      resolve(body.bytes());
    };
    const onError = (error: Error): void => {
      detach();
      reject(error);
    };
    // 'close' before 'end': the client went away mid-body.
    const onClose = (): void => {
      detach();
      reject(new Error('the request body ended early: the connection closed'));
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function checkSize(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes.byteLength > limit) throw new BodyTooLargeError(limit);
  return bytes;
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as { getReader?: unknown }).getReader === 'function';
}
