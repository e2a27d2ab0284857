// What a downloaded file really is, from its magic bytes (`file-type`), and whether that contradicts
// the MIME type Meta declared for it. Families, not exact types, are compared: image, audio/video
// (one container family: an m4a is an MP4, a voice note an Ogg), and documents (application/* and text/*).
import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';

export interface Sniffed {
  /** The sniffed type, or null when the bytes have no known signature (and are not text). */
  mimeType: string | null;
  /** File extension without the dot: sniffed, else "txt" for text, else "bin". */
  ext: string;
}

type Family = 'image' | 'av' | 'document';

export function baseMime(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

function familyOf(mimeType: string): Family {
  const type = baseMime(mimeType);
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/') || type.startsWith('video/') || type === 'application/ogg') return 'av';
  return 'document';
}

export async function sniffFile(path: string): Promise<Sniffed> {
  const found = await fileTypeFromFile(path);
  if (found !== undefined) return { mimeType: found.mime, ext: found.ext };
  if (await looksLikeText(path)) return { mimeType: 'text/plain', ext: 'txt' };
  return { mimeType: null, ext: 'bin' };
}

/** Null when the sniffed type fits the declared one, else why not (no id or name in it). */
export function mimeContradiction(declared: string, sniffed: string | null): string | null {
  const type = baseMime(declared);
  if (type === '' || type === 'application/octet-stream') return null;
  const want = familyOf(type);
  if (sniffed === null) {
    return want === 'document' ? null : `declared ${type} but the bytes have no ${want} signature`;
  }
  return familyOf(sniffed) === want ? null : `declared ${type} but the bytes are ${baseMime(sniffed)}`;
}

const TEXT_PROBE_BYTES = 64 * 1024;

async function looksLikeText(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(TEXT_PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, TEXT_PROBE_BYTES, 0);
    if (bytesRead === 0) return false;
    const truncated = bytesRead === TEXT_PROBE_BYTES;
    // A probe cut inside a multi-byte character may end with up to 3 bytes of it.
    for (let cut = 0; cut <= (truncated ? 3 : 0); cut++) {
      const text = decodeUtf8(buffer.subarray(0, bytesRead - cut));
      // eslint-disable-next-line no-control-regex
      if (text !== null) return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
    }
    return false;
  } finally {
    await handle.close();
  }
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
