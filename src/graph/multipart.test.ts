// The multipart builder on its own: exact bytes for in-memory parts, lazy pulling of stream
// sources, bad chunks and header injection refused, cancellation reaching only a source it read.

import { describe, expect, it } from 'vitest';
import { bytesOf, countingStream } from './fake-meta.test-util.js';
import { buildMultipart } from './multipart.js';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('buildMultipart', () => {
  it('writes exact bytes for in-memory parts', () => {
    const body = buildMultipart(
      [
        { name: 'a"b', value: 'v' },
        { name: 'file', filename: 'x\r\ny.txt', contentType: 'text/plain', data: new TextEncoder().encode('hi') },
      ],
      'B',
    );
    expect(body.contentType).toBe('multipart/form-data; boundary=B');
    expect(body.body).toBeInstanceOf(Uint8Array);
    expect(decode(body.body as Uint8Array)).toBe(
      '--B\r\nContent-Disposition: form-data; name="a%22b"\r\n\r\nv\r\n' +
        '--B\r\nContent-Disposition: form-data; name="file"; filename="x%0D%0Ay.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n' +
        '--B--\r\n',
    );
    expect(body.length).toBe((body.body as Uint8Array).byteLength);
  });

  it('refuses a content type with a line break', () => {
    expect(() =>
      buildMultipart([{ name: 'f', filename: 'f', contentType: 'a/b\r\nX-Evil: 1', data: new Uint8Array() }], 'B'),
    ).toThrow(TypeError);
  });

  it('pulls a stream source only when read, and marks it touched', async () => {
    const source = countingStream([new Uint8Array([65]), new Uint8Array([66])]);
    const body = buildMultipart([{ name: 'f', filename: 'f', contentType: 'a/b', data: source.stream }], 'B');
    expect(body.length).toBeNull();
    expect(source.pulled()).toBe(0);
    expect(body.sourceTouched()).toBe(false);
    const text = decode(await bytesOf(body.body as ReadableStream<Uint8Array>));
    expect(text).toContain('\r\n\r\nAB\r\n--B--\r\n');
    expect(body.sourceTouched()).toBe(true);
  });

  it('errors the body on a chunk that is not bytes', async () => {
    async function* bad() {
      await Promise.resolve();
      yield 'text' as unknown as Uint8Array;
    }
    const body = buildMultipart([{ name: 'f', filename: 'f', contentType: 'a/b', data: bad() }], 'B');
    await expect(bytesOf(body.body as ReadableStream<Uint8Array>)).rejects.toThrow(/Uint8Array/);
  });

  it('cancelling stops a source it read, and leaves an untouched one to the caller', async () => {
    let stopped = false;
    async function* source() {
      try {
        await Promise.resolve();
        yield new Uint8Array([1]);
        yield new Uint8Array([2]);
      } finally {
        stopped = true;
      }
    }
    const body = buildMultipart([{ name: 'f', filename: 'f', contentType: 'a/b', data: source() }], 'B');
    const reader = (body.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // preamble
    await reader.read(); // first chunk of the source
    await reader.cancel('stop');
    expect(stopped).toBe(true);

    const untouched = countingStream([new Uint8Array([1])]);
    const other = buildMultipart([{ name: 'f', filename: 'f', contentType: 'a/b', data: untouched.stream }], 'B');
    await (other.body as ReadableStream<Uint8Array>).cancel('stop');
    expect(untouched.stream.locked).toBe(false);
  });
});
