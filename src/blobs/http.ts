// Serving signed blob URLs over web-standard Request/Response (mountable in Hono as
// `app.get('/blobs/*', (c) => handler(c.req.raw))`): verify the signature and expiry first, then
// stream the bytes with their stored type. Every refusal is the same bare 404 or 403, so a URL
// reveals nothing about which keys exist.

import { Readable } from 'node:stream';
import { BlobNotFoundError } from './errors.js';
import type { BlobStore, SignedUrlCheck } from './types.js';

export interface SignedBlobSource extends BlobStore {
  verifySignedUrl(url: string, now?: number | Date): SignedUrlCheck;
}

export function signedBlobHandler(store: SignedBlobSource): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const check = store.verifySignedUrl(request.url);
    if (!check.ok) return new Response(null, { status: check.reason === 'malformed' ? 404 : 403 });
    const info = await store.stat(check.key);
    if (info === null) return new Response(null, { status: 404 });
    const headers = {
      'content-type': info.contentType,
      'content-length': String(info.size),
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-disposition': 'attachment',
    };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
    try {
      const body = Readable.toWeb(await store.get(check.key)) as ReadableStream<Uint8Array>;
      return new Response(body, { status: 200, headers });
    } catch (error) {
      if (error instanceof BlobNotFoundError) return new Response(null, { status: 404 });
      throw error;
    }
  };
}
