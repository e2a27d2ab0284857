// multipart/form-data bodies for media and Flow JSON uploads. In-memory input yields one byte array
// (known length, replayable); stream input yields a ReadableStream that pulls the source lazily, so
// a large file is never buffered and the source is untouched until the transport really sends.

export type ByteSource = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export type MultipartPart =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly contentType: string; readonly data: ByteSource };

export interface MultipartBody {
  readonly contentType: string;
  readonly body: Uint8Array | ReadableStream<Uint8Array>;
  /** Byte length when known (in-memory input), else null (sent chunked). */
  readonly length: number | null;
  /** False until the stream body first reads from a caller's stream source; always false for bytes. */
  sourceTouched(): boolean;
}

const encoder = new TextEncoder();
const CRLF = '\r\n';

/** Builds the body. The boundary must not occur in the data; a random 32-hex one will not. */
export function buildMultipart(parts: readonly MultipartPart[], boundary: string): MultipartBody {
  const segments: (Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>)[] = [];
  for (const part of parts) {
    if ('value' in part) {
      segments.push(encoder.encode(`--${boundary}${CRLF}${disposition(part.name)}${CRLF}${CRLF}${part.value}${CRLF}`));
    } else {
      const head =
        `--${boundary}${CRLF}${disposition(part.name)}; filename="${escapeQuoted(part.filename)}"${CRLF}` +
        `Content-Type: ${headerSafe(part.contentType)}${CRLF}${CRLF}`;
      segments.push(encoder.encode(head), part.data, encoder.encode(CRLF));
    }
  }
  segments.push(encoder.encode(`--${boundary}--${CRLF}`));
  const contentType = `multipart/form-data; boundary=${boundary}`;

  if (segments.every((s) => s instanceof Uint8Array)) {
    const bytes = concat(segments);
    return { contentType, body: bytes, length: bytes.byteLength, sourceTouched: () => false };
  }
  const stream = lazyConcat(segments);
  return { contentType, body: stream.body, length: null, sourceTouched: stream.touched };
}

function disposition(name: string): string {
  return `Content-Disposition: form-data; name="${escapeQuoted(name)}"`;
}

/** The WHATWG FormData encoding of names and filenames. */
function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function headerSafe(value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError('a multipart Content-Type must not contain line breaks');
  return value;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

interface ChunkIterator {
  next(): Promise<IteratorResult<unknown>>;
  stop(reason: unknown): Promise<void>;
}

function open(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): ChunkIterator {
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<unknown>>,
      stop: (reason) => reader.cancel(reason),
    };
  }
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    stop: async () => {
      await iterator.return?.();
    },
  };
}

function lazyConcat(segments: readonly ByteSource[]): { body: ReadableStream<Uint8Array>; touched: () => boolean } {
  let index = 0;
  let current: ChunkIterator | null = null;
  let touched = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const segment = segments[index];
          if (segment === undefined) {
            controller.close();
            return;
          }
          if (segment instanceof Uint8Array) {
            index += 1;
            controller.enqueue(segment);
            return;
          }
          touched = true;
          current ??= open(segment);
          const step = await current.next();
          if (step.done === true) {
            current = null;
            index += 1;
            continue;
          }
          if (!(step.value instanceof Uint8Array)) {
            throw new TypeError('an upload stream must yield Uint8Array chunks');
          }
          if (step.value.byteLength > 0) {
            controller.enqueue(step.value);
            return;
          }
        }
      },
      async cancel(reason) {
        // An untouched source still belongs to the caller (and may be replayed); only stop one we read.
        await current?.stop(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, touched: () => touched };
}
