// parseWebhook: raw POST body → WebhookEvent[]. Walks the whole envelope
// (entry[] → changes[] → messages[] / statuses[] / errors[]), never only the first item, keeps
// input order, and never throws: anything it cannot understand becomes a parse_error or unknown
// event, so the caller can store and surface it instead of losing it.
//
// Dedup keys: message `msg:<wamid>`; status `status:<wamid>:<status>`; a whole-body failure
// `sha256:<hex of the raw bytes>`; everything else `sha256:<hex>` of the canonical JSON of
// {field, wabaId, phoneNumberId, item}.

import type { FlowsEvent, FlowsEventKind, ParseErrorEvent, UnknownEvent, WebhookEvent } from './events.js';
import {
  MalformedItemError,
  NO_CONTEXT,
  contentDedupKey,
  describeCaught,
  itemParseError,
  type ChangeContext,
} from './parse-common.js';
import { indexContacts, parseMessage, type ContactIndex } from './parse-messages.js';
import { parseStatus, parseValueError } from './parse-statuses.js';
import { sha256Hex, toUnixSeconds } from './normalize.js';
import { idText, isRecord, preview, prop, rec, str, text, type JsonRecord } from './read.js';

const WABA_OBJECT = 'whatsapp_business_account';

const FLOWS_KINDS: ReadonlyMap<string, FlowsEventKind> = new Map([
  ['FLOW_STATUS_CHANGE', 'flows.flow_status_change'],
  ['CLIENT_ERROR_RATE', 'flows.client_error_rate'],
  ['ENDPOINT_ERROR_RATE', 'flows.endpoint_error_rate'],
  ['ENDPOINT_LATENCY', 'flows.endpoint_latency'],
  ['ENDPOINT_AVAILABILITY', 'flows.endpoint_availability'],
  ['FLOW_VERSION_EXPIRY_WARNING', 'flows.flow_version_expiry_warning'],
]);

// fatal: a body that is not UTF-8 was not produced by Meta; say so rather than parse U+FFFD soup.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A parse_error for the body as a whole, keyed on the hash of its exact bytes. */
function bodyParseError(raw: unknown, error: string, path: string | null, parsed: unknown = null): ParseErrorEvent {
  const bytes = typeof raw === 'string' || raw instanceof Uint8Array ? raw : '';
  return {
    kind: 'parse_error',
    category: 'parse_error',
    dedupKey: `sha256:${sha256Hex(bytes)}`,
    field: null,
    wabaId: null,
    phoneNumberId: null,
    displayPhoneNumber: null,
    timestamp: null,
    error,
    path,
    raw: parsed,
  };
}

/** Runs one item parser; a malformed item becomes a parse_error without disturbing its siblings. */
function guarded(ctx: ChangeContext, path: string, raw: unknown, parse: () => WebhookEvent): WebhookEvent {
  try {
    return parse();
  } catch (caught) {
    const reason =
      caught instanceof MalformedItemError ? caught.message : `unexpected failure: ${describeCaught(caught)}`;
    return itemParseError(ctx, reason, path, raw);
  }
}

function unknownEvent(ctx: ChangeContext, value: unknown): UnknownEvent {
  return {
    kind: 'unknown',
    category: 'unknown',
    dedupKey: contentDedupKey(ctx, value),
    field: ctx.field,
    wabaId: ctx.wabaId,
    phoneNumberId: ctx.phoneNumberId,
    displayPhoneNumber: ctx.displayPhoneNumber,
    timestamp: ctx.entryTime,
    value,
  };
}

function withMetadata(ctx: ChangeContext, value: unknown): ChangeContext {
  const metadata = isRecord(value) ? rec(value, 'metadata') : null;
  if (!metadata) return ctx;
  return {
    ...ctx,
    phoneNumberId: idText(metadata, 'phone_number_id'),
    displayPhoneNumber: idText(metadata, 'display_phone_number'),
  };
}

function parseFlowsValue(value: JsonRecord, ctx: ChangeContext): FlowsEvent {
  const event = str(value, 'event') ?? '';
  return {
    kind: FLOWS_KINDS.get(event.toUpperCase()) ?? 'flows.unknown',
    category: 'flows',
    dedupKey: contentDedupKey(ctx, value),
    field: ctx.field,
    wabaId: ctx.wabaId,
    phoneNumberId: ctx.phoneNumberId,
    displayPhoneNumber: ctx.displayPhoneNumber,
    timestamp: ctx.entryTime,
    event,
    flowId: idText(value, 'flow_id'),
    // FLOW_VERSION_EXPIRY_WARNING carries its text in `warning` and has no `message`.
    message: str(value, 'message') ?? str(value, 'warning'),
    value,
  };
}

const ITEM_KEYS = ['messages', 'statuses', 'errors'] as const;

function parseMessagesValue(value: JsonRecord, ctx: ChangeContext, path: string, out: WebhookEvent[]): void {
  let contacts: ContactIndex | undefined;
  let sawItems = false;
  // Fixed order messages → statuses → errors; Meta sends one of them per change in practice.
  for (const key of ITEM_KEYS) {
    const items = prop(value, key);
    if (items === undefined || items === null) continue;
    sawItems = true;
    if (!Array.isArray(items)) {
      out.push(itemParseError(ctx, `value.${key} is ${preview(items)}, not an array`, `${path}.${key}`, items));
      continue;
    }
    items.forEach((item: unknown, k) => {
      const itemPath = `${path}.${key}[${k}]`;
      out.push(
        guarded(ctx, itemPath, item, () => {
          if (key === 'messages') {
            contacts ??= indexContacts(prop(value, 'contacts'));
            return parseMessage(item, ctx, contacts);
          }
          return key === 'statuses' ? parseStatus(item, ctx) : parseValueError(item, ctx);
        }),
      );
    });
  }
  // A messages-field change with none of the three (a new Meta sub-payload) is passed through.
  if (!sawItems) out.push(unknownEvent(ctx, value));
}

function parseChange(change: unknown, entryCtx: ChangeContext, path: string, out: WebhookEvent[]): void {
  if (!isRecord(change)) {
    out.push(itemParseError(entryCtx, `change is ${preview(change)}, not an object`, path, change));
    return;
  }
  const field = text(change, 'field');
  if (field === null) {
    const got = preview(prop(change, 'field'));
    out.push(itemParseError(entryCtx, `change has no "field" (got ${got}), so it cannot be routed`, path, change));
    return;
  }
  const value = prop(change, 'value');
  const ctx = withMetadata({ ...entryCtx, field }, value);
  const valuePath = `${path}.value`;
  if (field === 'messages' || field === 'flows') {
    if (!isRecord(value)) {
      out.push(itemParseError(ctx, `${field} change value is ${preview(value)}, not an object`, valuePath, value));
    } else if (field === 'messages') {
      parseMessagesValue(value, ctx, valuePath, out);
    } else {
      out.push(guarded(ctx, valuePath, value, () => parseFlowsValue(value, ctx)));
    }
    return;
  }
  out.push(guarded(ctx, valuePath, value, () => unknownEvent(ctx, value)));
}

function parseEntry(entry: unknown, path: string, out: WebhookEvent[]): void {
  if (!isRecord(entry)) {
    out.push(itemParseError(NO_CONTEXT, `entry is ${preview(entry)}, not an object`, path, entry));
    return;
  }
  const ctx: ChangeContext = {
    ...NO_CONTEXT,
    wabaId: idText(entry, 'id'),
    entryTime: toUnixSeconds(prop(entry, 'time')),
  };
  const changes = prop(entry, 'changes');
  if (!Array.isArray(changes)) {
    out.push(itemParseError(ctx, `entry.changes is ${preview(changes)}, not an array`, `${path}.changes`, changes));
    return;
  }
  changes.forEach((change: unknown, j) => {
    parseChange(change, ctx, `${path}.changes[${j}]`, out);
  });
}

function parseBody(raw: string | Uint8Array): WebhookEvent[] {
  let body: string;
  if (typeof raw === 'string') {
    body = raw;
  } else if ((raw as unknown) instanceof Uint8Array) {
    try {
      body = UTF8.decode(raw);
    } catch {
      return [bodyParseError(raw, 'body is not valid UTF-8', null)];
    }
  } else {
    return [bodyParseError(raw, `body must be a string or Uint8Array, got ${preview(raw)}`, null)];
  }

  let top: unknown;
  try {
    top = JSON.parse(body);
  } catch (caught) {
    return [bodyParseError(raw, `body is not valid JSON: ${describeCaught(caught)}`, null)];
  }
  if (!isRecord(top)) return [bodyParseError(raw, `body is ${preview(top)}, not a JSON object`, null, top)];
  const object = prop(top, 'object');
  if (object !== WABA_OBJECT) {
    return [bodyParseError(raw, `"object" is ${preview(object)}, not "${WABA_OBJECT}"`, 'object', top)];
  }
  const entries = prop(top, 'entry');
  if (!Array.isArray(entries)) {
    return [bodyParseError(raw, `"entry" is ${preview(entries)}, not an array`, 'entry', top)];
  }

  const out: WebhookEvent[] = [];
  entries.forEach((entry: unknown, i) => {
    parseEntry(entry, `entry[${i}]`, out);
  });
  return out;
}

/**
 * Parses a webhook POST body (verify its signature first, on the same bytes) into events, in
 * input order. Never throws.
 */
export function parseWebhook(raw: string | Uint8Array): WebhookEvent[] {
  try {
    return parseBody(raw);
  } catch (caught) {
    // Every expected failure is handled above; this net only keeps the no-throw promise if a bug
    // (or a stack overflow on absurd input) slips through.
    return [bodyParseError(raw, `internal error while parsing the body: ${describeCaught(caught)}`, null)];
  }
}
