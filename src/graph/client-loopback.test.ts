// GraphClient over real loopback HTTP (global fetch + @hono/node-server): JSON sends, chunked
// streaming uploads, streamed downloads, a refused connection that is retried, and a send timeout.

import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient } from './client.js';
import { GraphNetworkError, GraphTimeoutError } from './errors.js';
import { bytesOf, createFakeMeta, fixture, listen, recordingSleep, TOKEN, VERSION } from './fake-meta.test-util.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serveMeta() {
  const meta = createFakeMeta();
  meta.app.post('/v24.0/:phone/messages', (c) => c.json(fixture('messages_send__response.json')));
  meta.app.post('/v24.0/:phone/media', (c) => c.json(fixture('media_upload__response.json')));
  meta.app.get('/media/file.bin', (c) => c.body(new Uint8Array(300_000).fill(7), 200, { 'content-type': 'video/mp4' }));
  const server = await listen(meta.app);
  closers.push(server.close);
  return { meta, server };
}

function client(baseUrl: string, options: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) {
  return new GraphClient({ baseUrl, version: VERSION, accessToken: TOKEN, ...options });
}

describe('over loopback HTTP', () => {
  it('sends a message with the bearer token', async () => {
    const { meta, server } = await serveMeta();
    const wire = fixture('messages_send_interactive_list__request.json');
    const sent = await client(server.url).sendMessage('106540352242922', wire);
    expect(sent.wamid).toBe('wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww');
    expect(meta.requests[0]?.path).toBe('/v24.0/106540352242922/messages');
    expect(meta.requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(meta.requests[0]?.json()).toEqual(wire);
  });

  it('streams an upload chunked and sends in-memory bytes with a Content-Length', async () => {
    const { meta, server } = await serveMeta();
    const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(16_384).fill(i));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const c = client(server.url);
    await c.uploadMedia('1', { data: stream, mimeType: 'video/mp4', filename: 'clip.mp4' });
    await c.uploadMedia('1', { data: new Uint8Array([1, 2, 3]), mimeType: 'image/jpeg', filename: 'a.jpg' });

    const [streamed, buffered] = meta.requests;
    expect(streamed?.headers.get('transfer-encoding')).toBe('chunked');
    expect(streamed?.headers.get('content-length')).toBeNull();
    const file = (await streamed!.form()).file as File;
    expect(file.size).toBe(40 * 16_384);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes[0]).toBe(0);
    expect(bytes[bytes.length - 1]).toBe(39);
    expect(buffered?.headers.get('content-length')).toBe(String(buffered?.body.byteLength));
  });

  it('streams a download', async () => {
    const { server } = await serveMeta();
    const download = await client(server.url).downloadMedia(`${server.url}/media/file.bin?hash=1`);
    expect(download.contentType).toBe('video/mp4');
    const bytes = await bytesOf(download.body);
    expect(bytes.byteLength).toBe(300_000);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });

  it('a send to a closed port (ECONNREFUSED, nothing sent) is retried until the server is up', async () => {
    const probe = await listen(createFakeMeta().app);
    await probe.close();
    const { sleep: record, delays } = recordingSleep();
    let started = false;
    const meta = createFakeMeta();
    meta.app.post('*', (c) => c.json(fixture('messages_send__response.json')));
    const sleep = async (ms: number) => {
      await record(ms);
      if (!started) {
        started = true;
        closers.push((await listen(meta.app, probe.port)).close);
      }
    };
    const sent = await client(probe.url, { sleep }).sendMessage('1', {});
    expect(sent.wamid).toBe('wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww');
    expect(delays).toHaveLength(1);
    expect(meta.requests).toHaveLength(1);
  });

  it('a closed port that stays closed exhausts the retries as GraphNetworkError(beforeSend)', async () => {
    const probe = await listen(createFakeMeta().app);
    await probe.close();
    const { sleep, delays } = recordingSleep();
    const error = await client(probe.url, { sleep, maxRetries: 2 })
      .sendMessage('1', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphNetworkError);
    expect(error).toMatchObject({ beforeSend: true, mayHaveBeenSent: false, systemCode: 'ECONNREFUSED' });
    expect(delays).toHaveLength(2);
  });

  it('a port fetch refuses outright ("bad port") is a failure before anything was sent', async () => {
    const { sleep } = recordingSleep();
    const error = await client('http://127.0.0.1:6000', { sleep, maxRetries: 0 })
      .sendMessage('1', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphNetworkError);
    expect(error).toMatchObject({ beforeSend: true, mayHaveBeenSent: false, systemCode: 'FETCH_BAD_PORT' });
  });

  it('a send that times out is not retried', async () => {
    const meta = createFakeMeta();
    meta.app.post('*', () => new Promise<Response>(() => undefined));
    const server = await listen(meta.app);
    closers.push(server.close);
    const { sleep, delays } = recordingSleep();
    const error = await client(server.url, { sleep, timeoutMs: 100 })
      .sendMessage('1', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphTimeoutError);
    expect(error).toMatchObject({ mayHaveBeenSent: true, timeoutMs: 100 });
    expect(delays).toEqual([]);
    expect(meta.requests).toHaveLength(1);
  });
});
