// GraphClient media and business-public-key calls against the in-process fake Meta server:
// multipart uploads (bytes, streams, async iterables), media URL lookup and download, deletion,
// and both documented shapes of the encryption key response.

import { describe, expect, it } from 'vitest';
import { MediaUrlExpiredError } from './errors.js';
import {
  bytesOf,
  countingStream,
  createFakeMeta,
  fixture,
  fixtureText,
  newClient,
  recordingSleep,
  TOKEN,
} from './fake-meta.test-util.js';
import type { FetchLike } from './transport.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x2d, 0x2d]);

function uploadServer() {
  const meta = createFakeMeta();
  meta.app.post('/v24.0/:phone/media', (c) => c.json(fixture('media_upload__response.json')));
  return meta;
}

async function expectUploadParts(meta: ReturnType<typeof uploadServer>, bytes: Uint8Array) {
  const request = meta.requests[0];
  expect(request?.method).toBe('POST');
  expect(request?.path).toBe('/v24.0/106540352242922/media');
  expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
  const form = await request!.form();
  expect(form.messaging_product).toBe('whatsapp');
  expect(form.type).toBe('image/png');
  const file = form.file as File;
  // Quotes are escaped on the wire the WHATWG way and decoded back by the form parser.
  expect(request?.text()).toContain('filename="photo %221%22.png"');
  expect(file.name).toBe('photo "1".png');
  expect(file.type).toBe('image/png');
  expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
}

describe('uploadMedia', () => {
  it('sends bytes as multipart with messaging_product, type and file', async () => {
    const meta = uploadServer();
    const seen: RequestInit[] = [];
    const spy: FetchLike = (url, init) => {
      seen.push(init);
      return meta.fetch(url, init);
    };
    const uploaded = await newClient(spy).uploadMedia('106540352242922', {
      data: PNG,
      mimeType: 'image/png',
      filename: 'photo "1".png',
    });
    expect(uploaded).toEqual({ id: '4490709327384033' });
    await expectUploadParts(meta, PNG);
    // In-memory input goes out as one byte array (fixed Content-Length, replayable on retry).
    expect(seen[0]?.body).toBeInstanceOf(Uint8Array);
    expect(seen[0]?.duplex).toBeUndefined();
  });

  it('streams a ReadableStream source with duplex half, pulling it only while sending', async () => {
    const meta = uploadServer();
    const seen: RequestInit[] = [];
    const spy: FetchLike = (url, init) => {
      seen.push(init);
      return meta.fetch(url, init);
    };
    const source = countingStream([PNG.subarray(0, 5), new Uint8Array(0), PNG.subarray(5)]);
    const upload = newClient(spy).uploadMedia('106540352242922', {
      data: source.stream,
      mimeType: 'image/png',
      filename: 'photo "1".png',
    });
    expect(source.pulled()).toBe(0);
    await upload;
    expect(seen[0]?.body).toBeInstanceOf(ReadableStream);
    expect(seen[0]?.duplex).toBe('half');
    expect(source.pulled()).toBe(4);
    await expectUploadParts(meta, PNG);
  });

  it('streams an AsyncIterable source', async () => {
    const meta = uploadServer();
    async function* chunks() {
      yield PNG.subarray(0, 3);
      await Promise.resolve();
      yield PNG.subarray(3);
    }
    await newClient(meta.fetch).uploadMedia('106540352242922', {
      data: chunks(),
      mimeType: 'image/png',
      filename: 'photo "1".png',
    });
    await expectUploadParts(meta, PNG);
  });

  it('a 131053 answer is a MediaError', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/media', (c) =>
      c.json({ error: { message: 'Media upload error', code: 131053, error_data: { details: 'bad mime' } } }, 400),
    );
    const error = await newClient(meta.fetch)
      .uploadMedia('1', { data: PNG, mimeType: 'image/png', filename: 'a.png' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'MediaError',
      code: 'flowgate.graph.media_upload_failed',
      details: 'bad mime',
    });
  });
});

describe('getMedia / downloadMedia / deleteMedia', () => {
  it('GETs /<MEDIA_ID>?phone_number_id= and maps file_size to a number', async () => {
    const meta = createFakeMeta();
    meta.app.get('/v24.0/:media', (c) => c.json(fixture('media_get_url__response.json')));
    const media = await newClient(meta.fetch).getMedia('2621233374848975', { phoneNumberId: '106540352242922' });
    expect(media).toEqual({
      id: '2621233374848975',
      url: '<URL>',
      mimeType: 'image/jpeg',
      sha256: '<HASH>',
      fileSize: 303833,
    });
    expect(meta.requests[0]?.method).toBe('GET');
    expect(meta.requests[0]?.path).toBe('/v24.0/2621233374848975');
    expect(meta.requests[0]?.query.get('phone_number_id')).toBe('106540352242922');
    expect(meta.requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('downloads with the bearer token and streams the body', async () => {
    const meta = createFakeMeta();
    meta.app.get('/whatsapp_business/attachments/', (c) =>
      c.body(PNG, 200, { 'content-type': 'image/png', 'content-length': String(PNG.byteLength) }),
    );
    const download = await newClient(meta.fetch).downloadMedia(
      'https://lookaside.example.test/whatsapp_business/attachments/?mid=1&ext=2&hash=3',
    );
    expect(download.contentType).toBe('image/png');
    expect(download.contentLength).toBe(PNG.byteLength);
    expect(await bytesOf(download.body)).toEqual(PNG);
    expect(meta.requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(meta.requests[0]?.query.get('hash')).toBe('3');
  });

  it('a 404 download is MediaUrlExpiredError (not retried)', async () => {
    const meta = createFakeMeta();
    meta.app.get('*', (c) => c.text('Not Found', 404));
    const { sleep, delays } = recordingSleep();
    const error = await newClient(meta.fetch, { sleep })
      .downloadMedia('https://lookaside.example.test/x?hash=secret')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaUrlExpiredError);
    expect(error).toMatchObject({ code: 'flowgate.graph.media_url_expired', httpStatus: 404 });
    expect((error as Error).message).not.toContain('secret');
    expect(delays).toEqual([]);
  });

  it('DELETEs /<MEDIA_ID>', async () => {
    const meta = createFakeMeta();
    meta.app.delete('/v24.0/:media', (c) => c.json(fixture('media_delete__response.json')));
    await newClient(meta.fetch).deleteMedia('2621233374848975');
    expect(meta.requests[0]?.method).toBe('DELETE');
    expect(meta.requests[0]?.path).toBe('/v24.0/2621233374848975');
  });
});

describe('business public key', () => {
  it('reads the {"data":[…]} shape', async () => {
    const meta = createFakeMeta();
    meta.app.get('/v24.0/:phone/whatsapp_business_encryption', (c) =>
      c.json(fixture('whatsapp_business_encryption_get__response_data_array.json')),
    );
    const key = await newClient(meta.fetch).getBusinessPublicKey('106540352242922');
    expect(key).toEqual({
      publicKey: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqh...AQAB\n-----END PUBLIC KEY-----',
      signatureStatus: 'VALID',
    });
    expect(meta.requests[0]?.path).toBe('/v24.0/106540352242922/whatsapp_business_encryption');
  });

  it.each([
    [{ business_public_key: 'PEM', business_public_key_signature_status: 'MISMATCH' }, 'PEM', 'MISMATCH'],
    [{ data: [] }, null, null],
    [{}, null, null],
  ])('reads the flat and empty shapes: %j', async (wire, publicKey, signatureStatus) => {
    const meta = createFakeMeta();
    meta.app.get('*', (c) => c.json(wire));
    expect(await newClient(meta.fetch).getBusinessPublicKey('1')).toEqual({ publicKey, signatureStatus });
  });

  it('POSTs business_public_key form-urlencoded', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:phone/whatsapp_business_encryption', (c) =>
      c.json(fixture('whatsapp_business_encryption_set__response.json')),
    );
    const [field] = JSON.parse(fixtureText('whatsapp_business_encryption_set__postman_formdata.json')) as {
      key: string;
      value: string;
    }[];
    const pem = field!.value;
    await newClient(meta.fetch).setBusinessPublicKey('106540352242922', pem);
    const request = meta.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v24.0/106540352242922/whatsapp_business_encryption');
    expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.text()))).toEqual({ [field!.key]: pem });
    expect(await request.form()).toEqual({ business_public_key: pem });
  });
});
