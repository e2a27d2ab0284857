// Validation helpers shared by the builders. Each takes `unknown` (callers may arrive through JSON,
// not TypeScript), returns the checked value and throws MessageValidationError naming the wire path,
// the rule and the limit. Lengths count Unicode code points, as pywa does with Python's len: Meta
// does not say which unit it counts, and UTF-16 units would halve the limit for emoji.

import { MessageValidationError } from './errors.js';
import type { MediaSource } from './types.js';
import type { WireOutboundMedia } from './wire.js';

export function fail(path: string, rule: string): never {
  throw new MessageValidationError(path, `${path}: ${rule}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object the builder can read fields from; anything else is reported at `path`. */
export function object(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(path, `must be an object (got ${describe(value)})`);
  return value;
}

export function charCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** A required string of 1..max code points. */
export function text(value: unknown, path: string, max: number): string {
  if (value === undefined) fail(path, 'is required');
  if (typeof value !== 'string') fail(path, `must be a string (got ${describe(value)})`);
  if (value.length === 0) fail(path, 'must not be empty');
  const count = charCount(value);
  if (count > max) fail(path, `at most ${max} characters (got ${count})`);
  return value;
}

export function optionalText(value: unknown, path: string, max: number): string | undefined {
  return value === undefined ? undefined : text(value, path, max);
}

/** A required non-empty string with no documented length limit (ids, names, codes). */
export function required(value: unknown, path: string): string {
  return text(value, path, Number.POSITIVE_INFINITY);
}

export function optional(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : required(value, path);
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return fail(path, `must be true or false (got ${describe(value)})`);
}

export function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    fail(path, `must be an integer (got ${describe(value)})`);
  }
  if (value < min || value > max) fail(path, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

export function optionalInteger(value: unknown, path: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integer(value, path, min, max);
}

/** An array of min..max items. `noun` names the items in the message ("reply buttons"). */
export function array(value: unknown, path: string, min: number, max: number, noun: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array of ${noun} (got ${describe(value)})`);
  const items: unknown[] = value;
  if (items.length < min) fail(path, `at least ${min} ${noun} (got ${items.length})`);
  if (items.length > max) tooMany(path, `${path}[${max}]`, max, items.length, noun);
  return items;
}

/** Reported at the first item over the limit, described at the collection. */
export function tooMany(collection: string, firstExtra: string, max: number, got: number, noun: string): never {
  throw new MessageValidationError(firstExtra, `${collection}: at most ${max} ${noun} (got ${got})`);
}

/** Throws at the second occurrence of a value already seen. */
export function unique(seen: Set<string>, value: string, path: string, what: string): void {
  if (seen.has(value)) fail(path, `duplicate ${what} ${JSON.stringify(value)} (must be unique)`);
  seen.add(value);
}

export function httpsUrl(value: unknown, path: string): string {
  const url = required(value, path);
  let protocol: string | null = null;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Not a URL at all; reported below like any other non-https value.
  }
  if (protocol !== 'https:') fail(path, `must be an https:// URL (got ${JSON.stringify(url)})`);
  return url;
}

/** A JSON object with at least one key (flow data, flow_action_data). */
export function nonEmptyObject(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    fail(path, `must be a non-empty object (got ${describe(value)})`);
  }
  return value;
}

/** mediaId XOR link → `{ id }` or `{ link }`. */
export function mediaSource(value: MediaSource, path: string): WireOutboundMedia {
  const mediaId = field(value, 'mediaId');
  const link = field(value, 'link');
  if (mediaId !== undefined && link !== undefined) fail(path, 'give either mediaId or link, not both');
  if (mediaId !== undefined) return { id: required(mediaId, `${path}.id`) };
  if (link !== undefined) return { link: httpsUrl(link, `${path}.link`) };
  return fail(path, 'needs a mediaId or a link');
}

/** A header or template media item: mediaId XOR link, plus a file name on documents only. */
export function mediaItem(value: object, type: 'image' | 'video' | 'document', path: string): WireOutboundMedia {
  const media = mediaSource(value as MediaSource, path);
  const filename = field(value, 'filename');
  if (filename !== undefined && type !== 'document') {
    fail(`${path}.filename`, `a file name is allowed only on a document, not ${type}`);
  }
  return compact({ ...media, filename: optional(filename, `${path}.filename`) });
}

/** Reads a key the input type may not declare (a caption on audio, a header on a list…). */
export function field(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** A copy without the keys whose value is undefined: Meta's bodies omit optional keys. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// Emoji as users see them: default-emoji characters, text characters forced to emoji style with
// VS16, flags and keycaps. ©, ™ or ↔ in their usual text style do not count.
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}|\u20E3/u;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function hasEmoji(value: string): boolean {
  return EMOJI.test(value);
}

/** Exactly one grapheme cluster that is an emoji ("👍", "❤️", "🇧🇷", "👩🏽‍💻"). */
export function isSingleEmoji(value: string): boolean {
  let count = 0;
  for (const _ of graphemes.segment(value)) if (++count > 1) return false;
  return count === 1 && PICTOGRAPH.test(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(truncate(value, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function truncate(value: string, max: number): string {
  let out = '';
  let count = 0;
  for (const { segment } of graphemes.segment(value)) {
    if (++count > max) return `${out}…`;
    out += segment;
  }
  return out;
}
