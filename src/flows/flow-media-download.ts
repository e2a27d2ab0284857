// Downloading a picker file from WhatsApp's CDN (SPEC B.3 step 1, no Authorization header): each
// attempt has a timeout (AbortController), the body is read chunk by chunk and abandoned as soon as
// it passes the byte bound, and transient failures (network, timeout, 408/429/5xx) are retried a
// bounded number of times with full-jitter backoff, honouring Retry-After (capped) on 429/503.
// Redirects are not followed: the URL was checked against the allowed hosts, a Location could point
// anywhere, and WhatsApp's CDN serves the file directly (pywa's reference download, httpx without
// follow_redirects, fails on a 3xx too). A 3xx is a per-file download_failed, not retried.

import { FlowMediaError } from './flow-media-errors.js';

export interface DownloadOptions {
  fetch: typeof fetch;
  /** Longest CDN file accepted, in bytes. */
  maxBytes: number;
  /** Per attempt, headers and body together. */
  timeoutMs: number;
  /** Attempts after the first (default 2). */
  retries?: number;
  /** Base of the exponential backoff (default 250 ms). */
  backoffMs?: number;
  /** Longest Retry-After honoured, and longest backoff (default 5000 ms). */
  maxDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /**
   * Gives the download up (the request that awaits the file must be answered): the attempt under way is
   * aborted, no other is made, and the download fails with `deadline`.
   */
  signal?: AbortSignal;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Delay asked for by a Retry-After header (seconds or an HTTP date), in ms; null when absent/invalid. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

interface AttemptFailure {
  error: FlowMediaError;
  /** Server-requested delay (429/503 Retry-After), if any. */
  retryAfter: number | null;
}

async function readBounded(
  response: Response,
  maxBytes: number,
  controller: AbortController,
  mediaId: string,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort();
    throw new FlowMediaError('too_large', `The file is larger than ${maxBytes} bytes.`, mediaId);
  }
  if (response.body === null) return Buffer.alloc(0);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw new FlowMediaError('too_large', `The file is larger than ${maxBytes} bytes.`, mediaId);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function givenUp(mediaId: string): FlowMediaError {
  return new FlowMediaError('deadline', 'The download was given up: its answer was due.', mediaId);
}

async function attempt(url: string, options: DownloadOptions, mediaId: string): Promise<Buffer | AttemptFailure> {
  const controller = new AbortController();
  const timeout = { fired: false };
  const timer = setTimeout(() => {
    timeout.fired = true;
    controller.abort();
  }, options.timeoutMs);
  const giveUp = (): void => {
    controller.abort();
  };
  options.signal?.addEventListener('abort', giveUp, { once: true });
  try {
    const response = await options.fetch(url, { signal: controller.signal, redirect: 'manual' });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      controller.abort();
      const error = new FlowMediaError(
        'download_failed',
        `The CDN answered a redirect (HTTP ${response.status}); redirects are not followed.`,
        mediaId,
        { cdnStatus: response.status, retryable: false },
      );
      return { error, retryAfter: null };
    }
    if (!response.ok) {
      controller.abort();
      const retryable = RETRY_STATUSES.has(response.status);
      const asked =
        response.status === 429 || response.status === 503
          ? retryAfterMs(response.headers.get('retry-after'), (options.now ?? Date.now)())
          : null;
      const error = new FlowMediaError('download_failed', `The CDN answered HTTP ${response.status}.`, mediaId, {
        cdnStatus: response.status,
        retryable,
      });
      return { error, retryAfter: asked };
    }
    return await readBounded(response, options.maxBytes, controller, mediaId);
  } catch (cause) {
    if (options.signal?.aborted === true) throw givenUp(mediaId);
    if (cause instanceof FlowMediaError) throw cause;
    const message = timeout.fired
      ? `The download did not finish within ${options.timeoutMs} ms.`
      : 'The download failed on the network.';
    return {
      error: new FlowMediaError('download_failed', message, mediaId, { retryable: true, cause }),
      retryAfter: null,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', giveUp);
  }
}

/** `wait`, or less: it ends early when `signal` aborts (the loop then gives up). */
function untilAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void wait.then(done);
  });
}

/** The CDN file's bytes; throws FlowMediaError (download_failed, too_large, or deadline when `signal` aborts). */
export async function downloadCdnFile(url: string, options: DownloadOptions, mediaId: string): Promise<Buffer> {
  const retries = Math.max(0, Math.floor(options.retries ?? 2));
  const backoff = options.backoffMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  for (let n = 0; ; n++) {
    if (options.signal?.aborted === true) throw givenUp(mediaId);
    const result = await attempt(url, options, mediaId);
    if (Buffer.isBuffer(result)) return result;
    if (!result.error.retryable || n >= retries) throw result.error;
    const jittered = Math.floor(random() * Math.min(maxDelay, backoff * 2 ** n));
    await untilAborted(
      sleep(result.retryAfter === null ? jittered : Math.min(maxDelay, result.retryAfter)),
      options.signal,
    );
  }
}
