// Streams a media body to a temporary file while hashing it: never more than `maxBytes` are accepted,
// the whole body must arrive within `timeoutMs` and no gap between chunks may exceed `idleMs`. The
// caller verifies the hash and type before anything reaches the blob store.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaError } from './errors.js';

export interface SpoolLimits {
  maxBytes: number;
  /** Why `maxBytes` bounds the body, for the error message. */
  boundReason: 'too_large' | 'size_mismatch';
  timeoutMs: number;
  idleMs: number;
}

export interface Spooled {
  size: number;
  /** Raw SHA-256 digest of the bytes written. */
  sha256: Buffer;
}

export async function spoolToFile(
  body: ReadableStream<Uint8Array>,
  path: string,
  limits: SpoolLimits,
): Promise<Spooled> {
  const hash = createHash('sha256');
  const controller = new AbortController();
  let size = 0;
  // An object, not a let: the callbacks below set it, and the catch reads it after the await.
  const outcome: { failure: MediaError | null } = { failure: null };
  const abort = (error: MediaError): void => {
    outcome.failure ??= error;
    controller.abort(error);
  };
  const overall = setTimeout(() => {
    abort(new MediaError('download_timeout', `download did not finish within ${limits.timeoutMs} ms`));
  }, limits.timeoutMs);
  let idle = setTimeout(onIdle, limits.idleMs);
  function onIdle(): void {
    abort(new MediaError('download_timeout', `download stalled for ${limits.idleMs} ms`));
  }

  const meter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      clearTimeout(idle);
      idle = setTimeout(onIdle, limits.idleMs);
      size += chunk.length;
      if (size > limits.maxBytes) {
        const error =
          limits.boundReason === 'too_large'
            ? new MediaError('too_large', `the file is larger than the ${limits.maxBytes}-byte limit for its type`)
            : new MediaError('size_mismatch', `the file is larger than the ${limits.maxBytes} bytes Meta declared`);
        outcome.failure ??= error;
        done(error);
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });

  try {
    await pipeline(Readable.fromWeb(body), meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }), {
      signal: controller.signal,
    });
  } catch (error) {
    if (outcome.failure !== null) throw outcome.failure;
    // Not kept as cause: a fetch error can name the URL, which must not reach logs.
    const what = error instanceof Error ? error.name : 'error';
    throw new MediaError('download_failed', `the download broke off before the whole file arrived (${what})`);
  } finally {
    clearTimeout(overall);
    clearTimeout(idle);
  }
  return { size, sha256: hash.digest() };
}
