// Turns value.statuses[] items into status events (SPEC C.5) and value.errors[] items into error
// events. A status needs an id, a status string and a timestamp; everything else is optional
// (v24.0+ omits `conversation`, `pricing` only rides on some statuses, group sends have no phone
// number as recipient).

import type { ErrorEvent, StatusEvent, StatusEventKind } from './events.js';
import {
  MalformedItemError,
  contentDedupKey,
  normalizeError,
  normalizeErrors,
  type ChangeContext,
} from './parse-common.js';
import { toE164, toUnixSeconds } from './normalize.js';
import { bool, idText, isRecord, preview, prop, rec, str, text } from './read.js';

function fail(message: string): never {
  throw new MalformedItemError(message);
}

const STATUS_KINDS: ReadonlyMap<string, StatusEventKind> = new Map([
  ['sent', 'status.sent'],
  ['delivered', 'status.delivered'],
  ['read', 'status.read'],
  ['played', 'status.played'],
  ['failed', 'status.failed'],
]);

/**
 * Parses one statuses[] item. Throws MalformedItemError (turned into a parse_error event by
 * parseWebhook) when id, status or timestamp is unusable.
 */
export function parseStatus(item: unknown, ctx: ChangeContext): StatusEvent {
  if (!isRecord(item)) fail(`status is ${preview(item)}, not an object`);
  const messageId = idText(item, 'id') ?? fail(`status has no "id" (got ${preview(prop(item, 'id'))})`);
  const status =
    text(item, 'status') ?? fail(`status for ${messageId} has no "status" (got ${preview(prop(item, 'status'))})`);
  const timestamp =
    toUnixSeconds(prop(item, 'timestamp')) ??
    fail(`status for ${messageId} has "timestamp" ${preview(prop(item, 'timestamp'))}, which is not Unix seconds`);
  const conversation = rec(item, 'conversation');
  const origin = conversation ? rec(conversation, 'origin') : null;
  const pricing = rec(item, 'pricing');
  return {
    kind: STATUS_KINDS.get(status.toLowerCase()) ?? 'status.unknown',
    category: 'status',
    // Keyed on the raw status so sent/delivered/read of one message stay three distinct events.
    dedupKey: `status:${messageId}:${status}`,
    field: ctx.field,
    wabaId: ctx.wabaId,
    phoneNumberId: ctx.phoneNumberId,
    displayPhoneNumber: ctx.displayPhoneNumber,
    timestamp,
    messageId,
    status,
    recipient: toE164(prop(item, 'recipient_id')),
    recipientType: str(item, 'recipient_type'),
    conversation: conversation
      ? {
          id: idText(conversation, 'id'),
          expiresAt: toUnixSeconds(prop(conversation, 'expiration_timestamp')),
          originType: origin ? str(origin, 'type') : null,
        }
      : null,
    pricing: pricing
      ? {
          billable: bool(pricing, 'billable'),
          pricingModel: str(pricing, 'pricing_model'),
          type: str(pricing, 'type'),
          category: str(pricing, 'category'),
        }
      : null,
    errors: normalizeErrors(prop(item, 'errors')),
    bizOpaqueCallbackData: str(item, 'biz_opaque_callback_data'),
    raw: item,
  };
}

/** Parses one value.errors[] item (system/app/account-level error). */
export function parseValueError(item: unknown, ctx: ChangeContext): ErrorEvent {
  if (!isRecord(item)) fail(`error is ${preview(item)}, not an object`);
  return {
    kind: 'error',
    category: 'error',
    dedupKey: contentDedupKey(ctx, item),
    field: ctx.field,
    wabaId: ctx.wabaId,
    phoneNumberId: ctx.phoneNumberId,
    displayPhoneNumber: ctx.displayPhoneNumber,
    timestamp: ctx.entryTime,
    error: normalizeError(item),
    raw: item,
  };
}
