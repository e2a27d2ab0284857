// Stores one PhotoPicker/DocumentPicker file from a data_exchange payload (SPEC B.2, B.3): check the
// cdn_url against the allowed origins (flow-media-hosts.ts; it comes from the request, so anything else
// would let a caller make the server GET internal addresses), download the CDN file (bounded, timed out,
// retried, redirects not followed), verify encrypted_hash, the HMAC, decrypt AES-256-CBC
// and verify plaintext_hash (protocol decryptFlowMedia), sniff the real type from the bytes, check
// it against the picker's accepted types, and put it in the blob store under a key of its own: a hash of
// the flow token, the media id and the content (neither of the first two, customer-linked, shows). One key
// per flow file, never shared: deleting a file some flow no longer needs (src/flows/media-retention.ts)
// cannot take the same bytes from another flow storing them at that moment.

import { createHash } from 'node:crypto';
import type { BlobStore } from '../blobs/index.js';
import { decryptFlowMedia, FlowCryptoError, type WireFlowMediaEncryptionMetadata } from '../protocol/index.js';
import { downloadCdnFile } from './flow-media-download.js';
import { FlowMediaError } from './flow-media-errors.js';
import { defaultFlowMediaOrigins, flowMediaUrlAllowed, type FlowMediaOrigin } from './flow-media-hosts.js';
import { FLOW_MEDIA_DEFAULT_MIME_TYPES, mimeAllowed, sniffMime } from './flow-media-sniff.js';
import type { StoredFlowMedia } from './types.js';

export { FlowMediaError, FLOW_MEDIA_USER_MESSAGES, type FlowMediaErrorCode } from './flow-media-errors.js';
export { FLOW_MEDIA_DEFAULT_MIME_TYPES, PHOTO_MIME_TYPES } from './flow-media-sniff.js';
export type { StoredFlowMedia } from './types.js';
export { pickerLimits, type PickerLimits } from './picker-limits.js';
export {
  DEFAULT_FLOW_MEDIA_HOSTS,
  flowMediaOrigins,
  parseFlowMediaHost,
  type FlowMediaOrigin,
} from './flow-media-hosts.js';

/** One picker file as the endpoint receives it (SPEC B.2). */
export interface WirePickerItem {
  media_id: string;
  cdn_url: string;
  file_name: string;
  encryption_metadata: WireFlowMediaEncryptionMetadata;
}

export interface StoreFlowMediaDeps {
  fetch: typeof fetch;
  blobs: BlobStore;
  /** Where cdn_url may point (flowMediaOrigins(config)); default: https on *.whatsapp.net only. */
  allowedOrigins?: readonly FlowMediaOrigin[];
  /** Largest decrypted file accepted (config.flowMediaMaxBytes); the download stops soon after. */
  maxBytes: number;
  /** Per download attempt. */
  timeoutMs: number;
  /** Accepted types (DocumentPicker `allowed-mime-types`, PHOTO_MIME_TYPES for a PhotoPicker); default SPEC B.1's list. */
  allowedMimeTypes?: readonly string[];
  /** Download attempts after the first (default 2). */
  retries?: number;
  /** Longest Retry-After / backoff waited (default 5000 ms). */
  maxRetryDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Gives the download up (a request awaiting the file is answered): it fails with `deadline`. */
  signal?: AbortSignal;
  /** The flow token the file came with: part of its key, which is therefore this flow's file alone. */
  token: string;
}

/** AES-CBC pads up to one block and WhatsApp appends a 10-byte MAC. */
const CDN_OVERHEAD_BYTES = 16 + 10;
const MAX_FILE_NAME_CHARS = 255;

function cleanFileName(name: unknown): string {
  const text = typeof name === 'string' ? name : '';
  // Control characters, and the direction marks and overrides that make "a\u202Egnp.exe" read "aexe.png".
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  const base = (text.split(/[\\/]/).pop() ?? '').replace(unsafe, '').trim();
  return Array.from(base).slice(0, MAX_FILE_NAME_CHARS).join('') || 'file';
}

/** The URL to download (as parsed and checked, so what is fetched is what was allowed). */
function checkItem(item: WirePickerItem, origins: readonly FlowMediaOrigin[]): string {
  const mediaId = typeof item.media_id === 'string' ? item.media_id : '';
  let url: URL | null = null;
  try {
    url = typeof item.cdn_url === 'string' ? new URL(item.cdn_url) : null;
  } catch {
    url = null;
  }
  if (url === null) throw new FlowMediaError('download_failed', 'The picker item has no usable cdn_url.', mediaId);
  if (!flowMediaUrlAllowed(url, origins)) {
    throw new FlowMediaError('url_not_allowed', 'The cdn_url is not on an allowed media host.', mediaId);
  }
  if (typeof item.encryption_metadata !== 'object' || (item.encryption_metadata as unknown) === null) {
    throw new FlowMediaError('decrypt_failed', 'The picker item has no encryption_metadata.', mediaId);
  }
  return url.href;
}

function fromCrypto(error: FlowCryptoError, mediaId: string): FlowMediaError {
  switch (error.code) {
    case 'flowgate.flow.media_hash_mismatch':
      return new FlowMediaError('hash_mismatch', 'The CDN file does not match encrypted_hash.', mediaId, {
        cause: error,
      });
    case 'flowgate.flow.media_plaintext_hash_mismatch':
      return new FlowMediaError('hash_mismatch', 'The decrypted file does not match plaintext_hash.', mediaId, {
        cause: error,
      });
    case 'flowgate.flow.media_hmac_mismatch':
      return new FlowMediaError('hmac_mismatch', 'The CDN file failed its HMAC-SHA256 check.', mediaId, {
        cause: error,
      });
    default:
      return new FlowMediaError('decrypt_failed', `The file could not be decrypted (${error.reason}).`, mediaId, {
        cause: error,
      });
  }
}

/**
 * Where the file `mediaId` of the flow `token`, of content hash `sha256`, is stored. The same file sent again
 * (a re-sent request, a queued retry) lands on its own key again; the same bytes in another flow, or under
 * another media id, do not.
 */
export function flowMediaBlobKey(token: string, mediaId: string, sha256: string, ext: string): string {
  const name = createHash('sha256').update(`${token}\n${mediaId}\n${sha256}`).digest('hex');
  return `flow-media/${name.slice(0, 2)}/${name}.${ext}`;
}

/** Downloads, verifies, decrypts, sniffs and stores one picker file; throws FlowMediaError. */
export async function storeFlowMedia(item: WirePickerItem, deps: StoreFlowMediaDeps): Promise<StoredFlowMedia> {
  const url = checkItem(item, deps.allowedOrigins ?? defaultFlowMediaOrigins());
  const mediaId = item.media_id;
  const cdnFile = await downloadCdnFile(
    url,
    {
      fetch: deps.fetch,
      maxBytes: deps.maxBytes + CDN_OVERHEAD_BYTES,
      timeoutMs: deps.timeoutMs,
      retries: deps.retries,
      maxDelayMs: deps.maxRetryDelayMs,
      random: deps.random,
      sleep: deps.sleep,
      now: deps.now,
      signal: deps.signal,
    },
    mediaId,
  );
  let plaintext: Buffer;
  try {
    plaintext = decryptFlowMedia(cdnFile, item.encryption_metadata);
  } catch (error) {
    if (error instanceof FlowCryptoError) throw fromCrypto(error, mediaId);
    throw new FlowMediaError('decrypt_failed', 'The file could not be decrypted.', mediaId, { cause: error });
  }
  if (plaintext.length > deps.maxBytes) {
    throw new FlowMediaError('too_large', `The file is larger than ${deps.maxBytes} bytes.`, mediaId);
  }
  const fileName = cleanFileName(item.file_name);
  const { mimeType, ext } = await sniffMime(plaintext, fileName);
  // No list: the default one. An empty list (a flow's types that its picker does not accept) allows nothing.
  const allowed = deps.allowedMimeTypes ?? FLOW_MEDIA_DEFAULT_MIME_TYPES;
  if (!mimeAllowed(mimeType, allowed)) {
    throw new FlowMediaError('mime_not_allowed', `Files of type ${mimeType} are not accepted here.`, mediaId, {
      mimeType,
    });
  }
  const sha256 = createHash('sha256').update(plaintext).digest('hex');
  const blobKey = flowMediaBlobKey(deps.token, mediaId, sha256, ext);
  const info = await deps.blobs.put(blobKey, plaintext, { contentType: mimeType });
  return { mediaId, fileName, blobKey, mimeType, size: info.size, sha256: info.sha256 };
}
