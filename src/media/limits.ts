// Meta's per-type size limits for media (SPEC D.1) and which limit applies to a media job. Flow picker
// media (SPEC B.4) arrive in a response message that may carry up to 100 MiB, so they get the document
// limit whatever their type.

const MB = 1024 * 1024;

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export const MEDIA_LIMITS: Readonly<Record<MediaKind, number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  /** 100 KB static, 500 KB animated: the larger bound, as the webhook does not always say which. */
  sticker: 500 * 1024,
};

const KINDS: ReadonlySet<string> = new Set(Object.keys(MEDIA_LIMITS));

export function isMediaKind(value: unknown): value is MediaKind {
  return typeof value === 'string' && KINDS.has(value);
}

/** `message.image` → `image`; null for event kinds that carry no media. */
export function mediaKindOfEvent(eventKind: string): MediaKind | null {
  const kind = eventKind.startsWith('message.') ? eventKind.slice('message.'.length) : '';
  return isMediaKind(kind) ? kind : null;
}
