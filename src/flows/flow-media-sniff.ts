// What a decrypted picker file really is, from its magic bytes (`file-type`), and whether that is
// an accepted type. The declared file name only disambiguates containers file-type cannot see
// into (legacy Office files are all OLE compound files); text has no magic bytes, so UTF-8 without
// control characters counts as text/plain.

import { fileTypeFromBuffer } from 'file-type';
import { DOCUMENT_MIME_TYPES } from '../protocol/index.js';

/** SPEC B.1: the types a DocumentPicker may accept; the default when a picker names none. */
export const FLOW_MEDIA_DEFAULT_MIME_TYPES: readonly string[] = DOCUMENT_MIME_TYPES;

/** Images a PhotoPicker produces. */
export const PHOTO_MIME_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
];

const LEGACY_OFFICE: Readonly<Record<string, string>> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/** Pairs that name the same thing in practice (HEIC is HEIF; file-type spells some types its own way). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'image/heic': ['image/heif'],
  'image/heif': ['image/heic'],
  'application/x-gzip': ['application/gzip'],
  'application/gzip': ['application/x-gzip'],
};

function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex
    return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
  } catch {
    return false;
  }
}

export interface Sniffed {
  mimeType: string;
  /** File extension without the dot, e.g. "jpg"; "bin" when unknown. */
  ext: string;
}

export async function sniffMime(bytes: Uint8Array, fileName: string): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(bytes);
  if (found !== undefined) {
    if (found.mime === 'application/x-cfb') {
      const declared = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
      const legacy = LEGACY_OFFICE[declared];
      if (legacy !== undefined) return { mimeType: legacy, ext: declared };
    }
    return { mimeType: found.mime, ext: found.ext };
  }
  if (looksLikeText(bytes)) return { mimeType: 'text/plain', ext: 'txt' };
  return { mimeType: 'application/octet-stream', ext: 'bin' };
}

export function mimeAllowed(mimeType: string, allowed: readonly string[]): boolean {
  const wanted = new Set(allowed.map((type) => type.toLowerCase()));
  return [mimeType, ...(ALIASES[mimeType] ?? [])].some((type) => wanted.has(type));
}
