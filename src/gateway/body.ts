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

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (isReadableStream(source)) {
    const reader = source.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(limit);
      }
      chunks.push(value);
    }
  } else {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(chunk);
    }
  }
  return concat(chunks, size);
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
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = (settle: () => void): void => {
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    };
    const onData = (data: Uint8Array | string): void => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      size += chunk.byteLength;
      if (size > limit) {
        stream.pause();
        finish(() => {
          reject(new BodyTooLargeError(limit));
        });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish(() => {
        resolve(concat(chunks, size));
      });
    };
    const onError = (error: Error): void => {
      finish(() => {
        reject(error);
      });
    };
    // 'close' before 'end': the client went away mid-body.
    const onClose = (): void => {
      finish(() => {
        reject(new Error('the request body ended early: the connection closed'));
      });
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

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
