// Retry and failure behaviour of GraphClient against the in-process fake Meta server, with a sleep
// that records delays: Retry-After, backoff bounds, sends that must not be retried (5xx, timeout,
// lost connection), idempotent GETs that are, exhausted budgets, and token hygiene.

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthError, GraphApiError, RateLimitError, ServiceUnavailableError } from '../protocol/graph-errors/index.js';
import { GraphNetworkError, GraphTimeoutError, GraphUncertainError } from './errors.js';
import { countingStream, createFakeMeta, fixture, newClient, recordingSleep, TOKEN } from './fake-meta.test-util.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './retry.js';
import type { FetchLike } from './transport.js';

const RATE_LIMITED = fixture('error_response_130429_meta_docs.json');
const SENT = fixture('messages_send__response.json');
const MEDIA = fixture('media_get_url__response.json');
const TEXT = fixture('messages_send_text__request.json');

/** Answers the queued responses in order, then the last one forever. */
function scripted(responses: (() => Response | Promise<Response>)[]) {
  const meta = createFakeMeta();
  meta.app.all('*', () => {
    const next = responses.length > 1 ? responses.shift() : responses[0];
    if (next === undefined) throw new Error('no scripted response');
    return next();
  });
  return meta;
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    Response.json(body, { status, headers });

function systemError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection with an Error');
  return error;
}

describe('POST (message send) retries', () => {
  it('429 with Retry-After: 2 waits 2000 ms, then succeeds', async () => {
    const meta = scripted([json({}, 429, { 'retry-after': '2' }), json(SENT)]);
    const { sleep, delays } = recordingSleep();
    const sent = await newClient(meta.fetch, { sleep }).sendMessage('1', TEXT);
    expect(sent.wamid).toBe('wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww');
    expect(delays).toEqual([2000]);
    expect(meta.requests).toHaveLength(2);
  });

  it('130429 without Retry-After backs off exponentially within the jitter bounds', async () => {
    for (const jitter of [0, 0.5, 0.999]) {
      const meta = scripted([json(RATE_LIMITED, 400), json(RATE_LIMITED, 400), json(SENT)]);
      const { sleep, delays } = recordingSleep();
      await newClient(meta.fetch, { sleep, random: () => jitter }).sendMessage('1', TEXT);
      expect(delays).toHaveLength(2);
      expect(delays[0]).toBeGreaterThanOrEqual(250);
      expect(delays[0]).toBeLessThanOrEqual(500);
      expect(delays[1]).toBeGreaterThanOrEqual(500);
      expect(delays[1]).toBeLessThanOrEqual(1000);
    }
  });

  it('a rate-limit code on a 5xx still proves Meta did not process it: retried', async () => {
    const meta = scripted([json({ error: { code: 131056, message: 'pair' } }, 503), json(SENT)]);
    const { sleep, delays } = recordingSleep();
    await newClient(meta.fetch, { sleep }).sendMessage('1', TEXT);
    expect(delays).toHaveLength(1);
  });

  it('500 on a send is NOT retried: GraphUncertainError wrapping the Graph error', async () => {
    const meta = scripted([json({ error: { code: 131000, message: 'Something went wrong' } }, 500), json(SENT)]);
    const { sleep, delays } = recordingSleep();
    const error = await failure(newClient(meta.fetch, { sleep }).sendMessage('1', TEXT));
    expect(error).toBeInstanceOf(GraphUncertainError);
    expect(error).toMatchObject({ mayHaveBeenSent: true, reason: 'server_error', httpStatus: 500 });
    expect(error.cause).toBeInstanceOf(ServiceUnavailableError);
    expect(delays).toEqual([]);
    expect(meta.requests).toHaveLength(1);
  });

  it('a timeout on a send is NOT retried: GraphTimeoutError, mayHaveBeenSent', async () => {
    const meta = scripted([() => new Promise<Response>(() => undefined), json(SENT)]);
    const { sleep, delays } = recordingSleep();
    const error = await failure(newClient(meta.fetch, { sleep, timeoutMs: 30 }).sendMessage('1', TEXT));
    expect(error).toBeInstanceOf(GraphTimeoutError);
    expect(error).toMatchObject({ mayHaveBeenSent: true, timeoutMs: 30, request: 'POST /v24.0/1/messages' });
    expect(delays).toEqual([]);
    expect(meta.requests).toHaveLength(1);
  });

  it('a connection reset on a send is NOT retried: GraphUncertainError(connection_lost)', async () => {
    let calls = 0;
    const reset: FetchLike = () => {
      calls += 1;
      return Promise.reject(systemError('ECONNRESET'));
    };
    const error = await failure(newClient(reset, { sleep: recordingSleep().sleep }).sendMessage('1', TEXT));
    expect(error).toBeInstanceOf(GraphUncertainError);
    expect(error).toMatchObject({ reason: 'connection_lost', mayHaveBeenSent: true });
    expect(error.cause).toMatchObject({ name: 'GraphNetworkError', beforeSend: false, systemCode: 'ECONNRESET' });
    expect(calls).toBe(1);
  });

  it('a refused connection (nothing sent) is retried, replaying an untouched upload stream', async () => {
    const meta = scripted([json({ id: 'media-1' })]);
    let calls = 0;
    const refuseOnce: FetchLike = (url, init) => {
      calls += 1;
      return calls === 1 ? Promise.reject(systemError('ECONNREFUSED')) : meta.fetch(url, init);
    };
    const source = countingStream([new Uint8Array([1, 2, 3])]);
    const { sleep, delays } = recordingSleep();
    const uploaded = await newClient(refuseOnce, { sleep }).uploadMedia('1', {
      data: source.stream,
      mimeType: 'audio/ogg',
      filename: 'a.ogg',
    });
    expect(uploaded).toEqual({ id: 'media-1' });
    expect(delays).toHaveLength(1);
    const file = (await meta.requests[0]!.form()).file as File;
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('a stream that was already read cannot be replayed: the refusal surfaces', async () => {
    const readThenRefuse: FetchLike = async (_url, init) => {
      await new Response(init.body).arrayBuffer();
      throw systemError('ECONNREFUSED');
    };
    const source = countingStream([new Uint8Array([1, 2, 3])]);
    const { sleep, delays } = recordingSleep();
    const error = await failure(
      newClient(readThenRefuse, { sleep }).uploadMedia('1', { data: source.stream, mimeType: 'a/b', filename: 'f' }),
    );
    expect(error).toBeInstanceOf(GraphNetworkError);
    expect(error).toMatchObject({ beforeSend: true, mayHaveBeenSent: false, systemCode: 'ECONNREFUSED' });
    expect(delays).toEqual([]);
  });

  it('a transient Graph error on a send (131016, HTTP 400) is not retried', async () => {
    const meta = scripted([json({ error: { code: 131016, message: 'Service unavailable' } }, 400), json(SENT)]);
    const error = await failure(newClient(meta.fetch, { sleep: recordingSleep().sleep }).sendMessage('1', TEXT));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(meta.requests).toHaveLength(1);
  });

  it('a Retry-After beyond maxRetryAfterMs is not waited for; the error carries it', async () => {
    const meta = scripted([json(RATE_LIMITED, 429, { 'retry-after': '3600' }), json(SENT)]);
    const { sleep, delays } = recordingSleep();
    const error = await failure(newClient(meta.fetch, { sleep }).sendMessage('1', TEXT));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(delays).toEqual([]);
  });

  it('exhausting maxRetries surfaces the last typed error', async () => {
    const meta = scripted([json(RATE_LIMITED, 400)]);
    const { sleep, delays } = recordingSleep();
    const error = await failure(newClient(meta.fetch, { sleep, maxRetries: 2 }).sendMessage('1', TEXT));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ metaCode: 130429, fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam' });
    expect(delays).toHaveLength(2);
    expect(meta.requests).toHaveLength(3);
  });
});

describe('idempotent (GET, DELETE) retries', () => {
  it('GET + 500 ×2 then 200 succeeds after 2 retries', async () => {
    const meta = scripted([json({}, 500), json({ error: { code: 1, message: 'x' } }, 502), json(MEDIA)]);
    const { sleep, delays } = recordingSleep();
    const media = await newClient(meta.fetch, { sleep }).getMedia('2621233374848975');
    expect(media.fileSize).toBe(303833);
    expect(delays).toHaveLength(2);
    expect(meta.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('GET retries timeouts, resets and transient Graph errors; DELETE retries 5xx', async () => {
    const meta = scripted([
      () => new Promise<Response>(() => undefined),
      json({ error: { code: 131016, message: 'unavailable' } }, 400),
      json(MEDIA),
    ]);
    let calls = 0;
    const resetFirst: FetchLike = (url, init) => {
      calls += 1;
      return calls === 1 ? Promise.reject(systemError('ECONNRESET')) : meta.fetch(url, init);
    };
    const { sleep, delays } = recordingSleep();
    await newClient(resetFirst, { sleep, timeoutMs: 30 }).getMedia('1');
    expect(delays).toHaveLength(3);

    const del = scripted([json({}, 503), json({ success: true })]);
    await newClient(del.fetch, { sleep }).deleteMedia('1');
    expect(del.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('GET exhausting retries on 5xx surfaces the last Graph error; auth errors are never retried', async () => {
    const meta = scripted([json({}, 503)]);
    const { sleep, delays } = recordingSleep();
    const error = await failure(newClient(meta.fetch, { sleep, maxRetries: 3 }).getMedia('1'));
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ httpStatus: 503, transient: true });
    expect(delays).toHaveLength(3);

    const auth = scripted([json({ error: { code: 190, message: 'Error validating access token' } }, 401)]);
    await expect(newClient(auth.fetch, { sleep }).getMedia('1')).rejects.toBeInstanceOf(AuthError);
    expect(auth.requests).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('is capped by maxDelayMs and grows per retry', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect(retryDelayMs(new Error('x'), 0, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(new Error('x'), 1, policy, () => 0)).toBe(1000);
    expect(retryDelayMs(new Error('x'), 10, policy, () => 1)).toBe(5000);
    expect(retryDelayMs(new Error('x'), 10, policy, () => 0)).toBe(2500);
  });
});

describe('the access token never appears in errors', () => {
  it('holds across every failure kind, and Meta echoing it is redacted', async () => {
    const { sleep } = recordingSleep();
    const options = { sleep, maxRetries: 1, timeoutMs: 30 };
    const echo = `Invalid OAuth access token - Cannot parse access token ${TOKEN}`;
    const errors = await Promise.all([
      failure(newClient(scripted([json({ error: { code: 190, message: echo } }, 401)]).fetch, options).getMedia('1')),
      failure(
        newClient(scripted([() => new Response(`<p>${TOKEN}</p>`, { status: 502 })]).fetch, options).getMedia('1'),
      ),
      failure(newClient(scripted([json({}, 500)]).fetch, options).sendMessage('1', TEXT)),
      failure(newClient(scripted([json(RATE_LIMITED, 429)]).fetch, options).sendMessage('1', TEXT)),
      failure(
        newClient(scripted([() => new Promise<Response>(() => undefined)]).fetch, options).sendMessage('1', TEXT),
      ),
      failure(newClient(() => Promise.reject(systemError('ECONNREFUSED')), options).sendMessage('1', TEXT)),
      failure(newClient(() => Promise.reject(systemError('ECONNRESET')), options).getMedia('1')),
      failure(newClient(scripted([json({ nope: TOKEN })]).fetch, options).sendMessage('1', TEXT)),
      failure(
        newClient(scripted([() => new Response('', { status: 404 })]).fetch, options).downloadMedia('https://x.test/m'),
      ),
    ]);
    expect(errors.map((e) => e.name)).toEqual([
      'AuthError',
      'GraphApiError',
      'GraphUncertainError',
      'RateLimitError',
      'GraphTimeoutError',
      'GraphNetworkError',
      'GraphNetworkError',
      'GraphUnexpectedResponseError',
      'MediaUrlExpiredError',
    ]);
    expect(errors[0].message).toContain('[redacted]');
    for (const error of errors) {
      expect(error.message).not.toContain(TOKEN);
      expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
    }
  });
});
