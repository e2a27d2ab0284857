// Pieces shared by the webhook parsers: the per-change context, the malformed-item signal, Meta
// error normalization and the content-hash dedup key.

import type { NormalizedError, ParseErrorEvent } from './events.js';
import { contentHash } from './normalize.js';
import { isRecord, num, rec, str } from './read.js';

/** What every item of one change shares. */
export interface ChangeContext {
  field: string | null;
  wabaId: string | null;
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  /** entry.time in Unix seconds, when Meta sent one (flows, account_update, templates…). */
  entryTime: number | null;
}

export const NO_CONTEXT: ChangeContext = {
  field: null,
  wabaId: null,
  phoneNumberId: null,
  displayPhoneNumber: null,
  entryTime: null,
};

/**
 * Thrown inside an item parser when a field the event type promises (an id, a sender, a
 * timestamp…) cannot be derived. It never escapes parseWebhook: the item loop turns it into a
 * parse_error event for that one item, so the rest of the batch still parses.
 */
export class MalformedItemError extends Error {
  override readonly name = 'MalformedItemError';
}

export function normalizeError(value: unknown): NormalizedError {
  if (!isRecord(value)) return { code: null, title: null, message: null, details: null, href: null };
  const errorData = rec(value, 'error_data');
  return {
    code: num(value, 'code'),
    title: str(value, 'title'),
    message: str(value, 'message'),
    // Older payloads put `details` at the top level instead of under error_data.
    details: (errorData ? str(errorData, 'details') : null) ?? str(value, 'details'),
    href: str(value, 'href'),
  };
}

/** Normalizes an `errors` array; anything that is not an array of objects yields []. */
export function normalizeErrors(value: unknown): NormalizedError[] {
  return Array.isArray(value) ? value.filter(isRecord).map(normalizeError) : [];
}

/**
 * Dedup key for items without a Meta id (value.errors[], flows, unknown changes, malformed items):
 * a hash of what the item is and where it came from, independent of JSON key order. The entry time
 * is part of it when Meta sends one, so the same alert raised again later is a new event while a
 * retried delivery of the same one is not.
 */
export function contentDedupKey(ctx: ChangeContext, item: unknown): string {
  const { field, wabaId, phoneNumberId, entryTime } = ctx;
  const identity =
    entryTime === null ? { field, wabaId, phoneNumberId, item } : { field, wabaId, phoneNumberId, entryTime, item };
  return `sha256:${contentHash(identity)}`;
}

export function itemParseError(ctx: ChangeContext, error: string, path: string, raw: unknown): ParseErrorEvent {
  return {
    kind: 'parse_error',
    category: 'parse_error',
    dedupKey: contentDedupKey(ctx, raw),
    field: ctx.field,
    wabaId: ctx.wabaId,
    phoneNumberId: ctx.phoneNumberId,
    displayPhoneNumber: ctx.displayPhoneNumber,
    timestamp: ctx.entryTime,
    error,
    path,
    raw,
  };
}

/** The message of anything caught, for the last-resort parse_error sentences. */
export function describeCaught(caught: unknown): string {
  if (caught instanceof Error) return caught.message;
  return typeof caught === 'string' ? caught : 'a non-Error value was thrown';
}
