// One PhotoPicker/DocumentPicker file as a data_exchange payload carries it (SPEC B.2), rebuilt from its
// known fields. The input validation and the media service use this one definition: a value the validator
// accepts as a picker file is one the service downloads, and one it refuses is answered on the screen,
// never dropped without a word.

/** SPEC B.2: one picker file as the endpoint receives it. */
export interface PickerItem {
  media_id: string;
  cdn_url: string;
  file_name: string;
  encryption_metadata: {
    encrypted_hash: string;
    iv: string;
    encryption_key: string;
    hmac_key: string;
    plaintext_hash: string;
  };
}

const METADATA_KEYS = ['encrypted_hash', 'iv', 'encryption_key', 'hmac_key', 'plaintext_hash'] as const;

/** The longest file name kept, in UTF-16 units; a longer one (emoji, CJK) is cut, not refused. */
const MAX_FILE_NAME = 255;

/** A bounded string: the longest media id, URL and base64 field a picker item may hold. */
function bounded(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** `name` cut to MAX_FILE_NAME units, never inside a surrogate pair. */
function cutFileName(name: string): string {
  if (name.length <= MAX_FILE_NAME) return name;
  const end = /[\uD800-\uDBFF]/.test(name.charAt(MAX_FILE_NAME - 1)) ? MAX_FILE_NAME - 1 : MAX_FILE_NAME;
  return name.slice(0, end);
}

/**
 * The picker item a payload value describes, rebuilt from its known fields only (bounded strings), or null.
 * What is queued or stored is this copy, never the client's object with whatever else it carried.
 */
export function pickerItem(value: unknown): PickerItem | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const meta = v.encryption_metadata as Record<string, unknown> | null | undefined;
  if (!bounded(v.media_id, 256) || v.media_id === '' || !bounded(v.cdn_url, 4096)) return null;
  // No name (absent or null) is a file all the same: the stored one is named "file".
  if (v.file_name !== undefined && v.file_name !== null && typeof v.file_name !== 'string') return null;
  if (typeof meta !== 'object' || meta === null || !METADATA_KEYS.every((k) => bounded(meta[k], 256))) return null;
  const m = meta as Record<(typeof METADATA_KEYS)[number], string>;
  return {
    media_id: v.media_id,
    cdn_url: v.cdn_url,
    file_name: typeof v.file_name === 'string' ? cutFileName(v.file_name) : '',
    encryption_metadata: {
      encrypted_hash: m.encrypted_hash,
      iv: m.iv,
      encryption_key: m.encryption_key,
      hmac_key: m.hmac_key,
      plaintext_hash: m.plaintext_hash,
    },
  };
}
