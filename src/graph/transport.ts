// Runs one Graph call: bearer auth, a timeout on every attempt, bounded retries per retry.ts, and
// every failure turned into a typed error. The access token is redacted from anything Meta echoes
// back, and no error message is built from request headers.

import { graphErrorFromResponse, GraphApiError } from '../protocol/graph-errors/index.js';
import { GraphNetworkError, GraphTimeoutError, GraphUncertainError, GraphUnexpectedResponseError } from './errors.js';
import { ShapeError } from './map-responses.js';
import { nextRetryDelay, type RetryPolicy } from './retry.js';

/** What the client needs of fetch; global fetch and `(url, init) => app.request(url, init)` both fit. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response> | Response;

export type Method = 'GET' | 'POST' | 'DELETE';

export interface TransportConfig {
  fetch: FetchLike;
  accessToken: string;
  timeoutMs: number;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  userAgent: string;
}

export interface PreparedBody {
  body: string | Uint8Array | ReadableStream<Uint8Array>;
  contentType: string;
}

export interface CallSpec {
  method: Method;
  url: URL;
  /** Builds the body for an attempt; returns null when the body cannot be sent again (a consumed stream). */
  body?: () => PreparedBody | null;
  accept?: string;
}

/** Connection failures that prove no byte of the request left this host. */
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  // fetch refuses some ports outright ("bad port", no code of its own): nothing is sent.
  'FETCH_BAD_PORT',
]);

type Guard = <V>(work: Promise<V>) => Promise<V>;

export class Transport {
  readonly #config: TransportConfig;

  constructor(config: TransportConfig) {
    this.#config = config;
  }

  /** A JSON call: the 2xx body is parsed and passed to `map` (a ShapeError there becomes GraphUnexpectedResponseError). */
  json<T>(spec: CallSpec, map: (json: unknown) => T): Promise<T> {
    const label = labelOf(spec);
    return this.#run(spec, async (response, guard) => {
      const body = await this.#readText(response, guard, label);
      try {
        return map(body === '' ? {} : (JSON.parse(body) as unknown));
      } catch (error) {
        if (!(error instanceof ShapeError) && !(error instanceof SyntaxError)) throw error;
        const reason = error instanceof SyntaxError ? 'the body is not JSON' : error.message;
        throw new GraphUnexpectedResponseError(label, reason, spec.method === 'POST', response.status, {
          cause: error,
        });
      }
    });
  }

  /** A streaming call: the 2xx response is returned with its body unread; the timeout covers the headers only. */
  stream(spec: CallSpec): Promise<Response> {
    return this.#run(spec, (response) => Promise.resolve(response));
  }

  async #run<T>(spec: CallSpec, onSuccess: (response: Response, guard: Guard) => Promise<T>): Promise<T> {
    const { policy, random, sleep } = this.#config;
    const idempotent = spec.method !== 'POST';
    let body = spec.body?.() ?? undefined;
    for (let retryIndex = 0; ; retryIndex += 1) {
      let failure: unknown;
      try {
        return await this.#attempt(spec, body, onSuccess);
      } catch (error) {
        failure = error;
      }
      const delay = nextRetryDelay(failure, { idempotent, retryIndex, policy, random });
      const nextBody = delay === null ? null : spec.body?.();
      if (delay === null || nextBody === null) throw settle(failure, spec);
      await sleep(delay);
      body = nextBody;
    }
  }

  async #attempt<T>(
    spec: CallSpec,
    body: PreparedBody | undefined,
    onSuccess: (response: Response, guard: Guard) => Promise<T>,
  ): Promise<T> {
    const { accessToken, timeoutMs, userAgent } = this.#config;
    const label = labelOf(spec);
    const controller = new AbortController();
    const expired = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => {
        reject(new GraphTimeoutError(label, timeoutMs));
      });
    });
    expired.catch(() => undefined);
    // Racing against `expired` enforces the timeout even for an injected fetch that ignores the signal.
    const guard: Guard = (work) => Promise.race([work, expired]);
    const timer = setTimeout(() => {
      controller.abort();
    }, timeoutMs);

    const headers: Record<string, string> = {
      authorization: `Bearer ${accessToken}`,
      accept: spec.accept ?? 'application/json',
      'user-agent': userAgent,
    };
    const init: RequestInit = { method: spec.method, headers, signal: controller.signal };
    if (body !== undefined) {
      headers['content-type'] = body.contentType;
      init.body = body.body;
      if (body.body instanceof ReadableStream) init.duplex = 'half';
    }

    try {
      let response: Response;
      try {
        response = await guard((async () => this.#config.fetch(spec.url.href, init))());
      } catch (error) {
        throw this.#failure(error, controller, label);
      }
      if (response.ok) return await onSuccess(response, guard);
      const text = await this.#readText(response, guard, label);
      throw graphErrorFromResponse(response.status, this.#redact(text), response.headers, { now: this.#config.now() });
    } finally {
      clearTimeout(timer);
    }
  }

  async #readText(response: Response, guard: Guard, label: string): Promise<string> {
    try {
      return await guard(response.text());
    } catch (error) {
      if (error instanceof GraphTimeoutError) throw error;
      throw new GraphNetworkError(label, false, systemCodes(error)[0] ?? null, { cause: error });
    }
  }

  #failure(error: unknown, controller: AbortController, label: string): Error {
    if (error instanceof GraphTimeoutError) return error;
    if (controller.signal.aborted) return new GraphTimeoutError(label, this.#config.timeoutMs, { cause: error });
    const codes = systemCodes(error);
    const beforeSendCode = codes.find((code) => BEFORE_SEND_CODES.has(code));
    return new GraphNetworkError(label, beforeSendCode !== undefined, beforeSendCode ?? codes[0] ?? null, {
      cause: error,
    });
  }

  #redact(text: string): string {
    const token = this.#config.accessToken;
    return token === '' ? text : text.split(token).join('[redacted]');
  }
}

function labelOf(spec: CallSpec): string {
  return `${spec.method} ${spec.url.pathname}`;
}

/** The error a caller sees once retrying stops: a POST whose outcome is unknown says so. */
function settle(error: unknown, spec: CallSpec): unknown {
  if (spec.method !== 'POST') return error;
  const label = labelOf(spec);
  if (error instanceof GraphApiError && error.httpStatus >= 500 && !error.retrySafe) {
    return new GraphUncertainError(label, 'server_error', error.httpStatus, { cause: error });
  }
  if (error instanceof GraphNetworkError && !error.beforeSend) {
    return new GraphUncertainError(label, 'connection_lost', null, { cause: error });
  }
  return error;
}

/** System error codes along the cause chain, including AggregateError members (happy-eyeballs connects). */
export function systemCodes(error: unknown, depth = 0): string[] {
  if (depth > 8 || typeof error !== 'object' || error === null) return [];
  const codes: string[] = [];
  const { code, cause, message } = error as { code?: unknown; cause?: unknown; message?: unknown };
  if (typeof code === 'string') codes.push(code);
  else if (message === 'bad port') codes.push('FETCH_BAD_PORT');
  if (error instanceof AggregateError) {
    for (const member of error.errors as unknown[]) codes.push(...systemCodes(member, depth + 1));
  }
  codes.push(...systemCodes(cause, depth + 1));
  return codes;
}
