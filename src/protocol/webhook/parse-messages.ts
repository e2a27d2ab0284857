// Turns one value.messages[] item into a typed message event (SPEC C.4).
//
// Rule for bad input: an item becomes a parse_error (via MalformedItemError) only when a field its
// event type declares non-nullable cannot be derived — the id, a phone-number sender, the
// timestamp, a text body, a media id, coordinates, order item numbers, reply ids. Everything
// optional degrades to null, and types or interactive sub-types we do not model become
// message.unknown, so new Meta features flow through instead of failing.

import type {
  MediaMessageKind,
  MediaPayload,
  MessageContext,
  MessageEvent,
  MessageEventBase,
  OrderItem,
  Referral,
} from './events.js';
import { MalformedItemError, normalizeErrors, type ChangeContext } from './parse-common.js';
import { toE164, toUnixSeconds } from './normalize.js';
import { bool, idText, isRecord, list, num, preview, prop, rec, str, text, type JsonRecord } from './read.js';
import type { WireMessage } from './wire.js';

function fail(message: string): never {
  throw new MalformedItemError(message);
}

/** Sender profile names of one change, keyed by E.164 so "+1…" and "1…" wa_ids both match. */
export interface ContactIndex {
  byNumber: Map<string, string | null>;
  /** The only contact's name when value.contacts has exactly one entry; undefined otherwise. */
  single: string | null | undefined;
}

export function indexContacts(contacts: unknown): ContactIndex {
  const records = Array.isArray(contacts) ? contacts.filter(isRecord) : [];
  const byNumber = new Map<string, string | null>();
  const names = records.map((contact) => {
    const profile = rec(contact, 'profile');
    return profile ? str(profile, 'name') : null;
  });
  records.forEach((contact, i) => {
    const waId = idText(contact, 'wa_id');
    const key = waId === null ? null : (toE164(waId) ?? waId);
    if (key !== null && !byNumber.has(key)) byNumber.set(key, names[i] ?? null);
  });
  return { byNumber, single: records.length === 1 ? (names[0] ?? null) : undefined };
}

function profileNameFor(index: ContactIndex, from: string): string | null {
  const matched = index.byNumber.get(from);
  if (matched !== undefined) return matched;
  return index.single ?? null;
}

// A Map, not an object literal, so a wire type like "constructor" cannot hit Object.prototype.
const MEDIA_KINDS: ReadonlyMap<string, MediaMessageKind> = new Map([
  ['image', 'message.image'],
  ['video', 'message.video'],
  ['audio', 'message.audio'],
  ['document', 'message.document'],
  ['sticker', 'message.sticker'],
]);

// Payload keys a message can carry; used to recover `type` when Meta omitted it (its own Postman
// location sample has no `type`).
const PAYLOAD_KEYS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'interactive',
  'button',
  'order',
  'system',
  'unsupported',
  'revoke',
  'edit',
] as const;

function messageType(item: JsonRecord): string {
  const declared = text(item, 'type');
  if (declared !== null) return declared;
  const inferred = PAYLOAD_KEYS.find((key) => prop(item, key) !== undefined);
  return inferred ?? fail('message has no "type" and no recognizable payload');
}

function payload(item: JsonRecord, key: string): JsonRecord {
  return rec(item, key) ?? fail(`message.${key} is ${preview(prop(item, key))}, not an object`);
}

/** A documented array that may be absent ([]), but must hold objects when present. */
function recordList(obj: JsonRecord, key: string, where: string): JsonRecord[] {
  const value = prop(obj, key);
  if (value === undefined || value === null) return [];
  const items = list(obj, key) ?? fail(`${where}.${key} is ${preview(value)}, not an array`);
  return items.map((entry, i) => (isRecord(entry) ? entry : fail(`${where}.${key}[${i}] is not an object`)));
}

function parseContext(context: JsonRecord | null): MessageContext | null {
  if (!context) return null;
  const product = rec(context, 'referred_product');
  return {
    from: idText(context, 'from'),
    id: idText(context, 'id'),
    forwarded: bool(context, 'forwarded') === true,
    frequentlyForwarded: bool(context, 'frequently_forwarded') === true,
    referredProduct: product
      ? { catalogId: idText(product, 'catalog_id'), productRetailerId: idText(product, 'product_retailer_id') }
      : null,
  };
}

function parseReferral(referral: JsonRecord | null): Referral | null {
  if (!referral) return null;
  const welcome = rec(referral, 'welcome_message');
  return {
    sourceUrl: str(referral, 'source_url'),
    sourceId: idText(referral, 'source_id'),
    sourceType: str(referral, 'source_type'),
    body: str(referral, 'body'),
    headline: str(referral, 'headline'),
    mediaType: str(referral, 'media_type'),
    imageUrl: str(referral, 'image_url'),
    videoUrl: str(referral, 'video_url'),
    thumbnailUrl: str(referral, 'thumbnail_url'),
    ctwaClid: str(referral, 'ctwa_clid'),
    welcomeMessage: welcome ? { text: str(welcome, 'text') } : null,
  };
}

function parseMedia(item: JsonRecord, type: string): MediaPayload {
  const media = payload(item, type);
  return {
    id: idText(media, 'id') ?? fail(`message.${type}.id is missing`),
    mimeType: str(media, 'mime_type'),
    sha256: str(media, 'sha256'),
    url: str(media, 'url'),
    caption: str(media, 'caption'),
    filename: str(media, 'filename'),
    voice: bool(media, 'voice') === true,
    animated: bool(media, 'animated') === true,
  };
}

function parseFlowReply(nfm: JsonRecord | null): Extract<MessageEvent, { kind: 'message.flow_reply' }>['flow'] {
  const name = nfm ? str(nfm, 'name') : null;
  const body = nfm ? str(nfm, 'body') : null;
  const wire = nfm ? prop(nfm, 'response_json') : undefined;
  let responseJson: Record<string, unknown> | null = null;
  let responseJsonRaw: string | null = null;
  let responseJsonError: string | null = null;
  if (typeof wire === 'string') {
    responseJsonRaw = wire;
    try {
      const decoded: unknown = JSON.parse(wire);
      if (isRecord(decoded)) responseJson = decoded;
      else responseJsonError = `response_json decodes to ${preview(decoded)}, not a JSON object`;
    } catch (caught) {
      responseJsonError = `response_json is not valid JSON (${caught instanceof Error ? caught.message : 'parse failed'})`;
    }
  } else if (isRecord(wire)) {
    // Tolerated: some relays hand the payload over already decoded.
    responseJson = wire;
  } else {
    responseJsonError = nfm
      ? `response_json is ${preview(wire)}, not a JSON string`
      : 'interactive.nfm_reply is missing';
  }
  const flowToken = responseJson ? str(responseJson, 'flow_token') : null;
  return { name, body, responseJson, responseJsonRaw, flowToken, responseJsonError };
}

function parseOrderItem(entry: JsonRecord, i: number): OrderItem {
  const where = `order.product_items[${i}]`;
  return {
    productRetailerId: idText(entry, 'product_retailer_id') ?? fail(`${where}.product_retailer_id is missing`),
    quantity: num(entry, 'quantity') ?? fail(`${where}.quantity is ${preview(prop(entry, 'quantity'))}, not a number`),
    itemPrice:
      num(entry, 'item_price') ?? fail(`${where}.item_price is ${preview(prop(entry, 'item_price'))}, not a number`),
    currency: text(entry, 'currency') ?? fail(`${where}.currency is missing`),
  };
}

/** Fields shared by every message kind; throws MalformedItemError when they cannot be derived. */
function messageBase(
  item: JsonRecord,
  ctx: ChangeContext,
  contacts: ContactIndex,
): MessageEventBase & { category: 'message' } {
  const id = idText(item, 'id') ?? fail(`message has no "id" (got ${preview(prop(item, 'id'))})`);
  const fromWaId = idText(item, 'from') ?? fail(`message ${id} has no "from" (got ${preview(prop(item, 'from'))})`);
  const from = toE164(fromWaId) ?? fail(`message ${id} has "from" ${preview(fromWaId)}, which is not a phone number`);
  const timestamp =
    toUnixSeconds(prop(item, 'timestamp')) ??
    fail(`message ${id} has "timestamp" ${preview(prop(item, 'timestamp'))}, which is not Unix seconds`);
  return {
    category: 'message',
    dedupKey: `msg:${id}`,
    field: ctx.field,
    wabaId: ctx.wabaId,
    phoneNumberId: ctx.phoneNumberId,
    displayPhoneNumber: ctx.displayPhoneNumber,
    timestamp,
    id,
    from,
    fromWaId,
    fromUserId: text(item, 'from_user_id'),
    profileName: profileNameFor(contacts, from),
    context: parseContext(rec(item, 'context')),
    referral: parseReferral(rec(item, 'referral')),
    errors: normalizeErrors(prop(item, 'errors')),
    raw: item,
  };
}

function parseInteractive(item: JsonRecord, base: MessageEventBase & { category: 'message' }): MessageEvent {
  // Meta really sends bare `type: "interactive"` items (with a 131000 value error) and new
  // sub-types such as call_permission_reply: both are message.unknown, not parse errors.
  const interactive = rec(item, 'interactive');
  const subtype = interactive ? str(interactive, 'type') : null;
  if (interactive && subtype === 'button_reply') {
    const reply = payload(interactive, 'button_reply');
    return {
      ...base,
      kind: 'message.button_reply',
      reply: {
        id: idText(reply, 'id') ?? fail('interactive.button_reply.id is missing'),
        title: str(reply, 'title') ?? fail('interactive.button_reply.title is missing'),
      },
    };
  }
  if (interactive && subtype === 'list_reply') {
    const reply = payload(interactive, 'list_reply');
    return {
      ...base,
      kind: 'message.list_reply',
      reply: {
        id: idText(reply, 'id') ?? fail('interactive.list_reply.id is missing'),
        title: str(reply, 'title') ?? fail('interactive.list_reply.title is missing'),
        description: str(reply, 'description'),
      },
    };
  }
  if (interactive && subtype === 'nfm_reply') {
    return { ...base, kind: 'message.flow_reply', flow: parseFlowReply(rec(interactive, 'nfm_reply')) };
  }
  return { ...base, kind: 'message.unknown', type: 'interactive' };
}

/**
 * Parses one messages[] item. Throws MalformedItemError (caught by parseWebhook and turned into a
 * parse_error event) when the item cannot satisfy its event type.
 */
export function parseMessage(item: unknown, ctx: ChangeContext, contacts: ContactIndex): MessageEvent {
  if (!isRecord(item)) fail(`message is ${preview(item)}, not an object`);
  const base = messageBase(item, ctx, contacts);
  const type = messageType(item);
  const mediaKind = MEDIA_KINDS.get(type);
  if (mediaKind !== undefined) {
    return { ...base, kind: mediaKind, media: parseMedia(item, type) };
  }
  switch (type) {
    case 'text': {
      const body = str(payload(item, 'text'), 'body') ?? fail('message.text.body is missing');
      return { ...base, kind: 'message.text', text: body };
    }
    case 'location': {
      const location = payload(item, 'location');
      return {
        ...base,
        kind: 'message.location',
        location: {
          latitude:
            num(location, 'latitude') ??
            fail(`location.latitude is ${preview(prop(location, 'latitude'))}, not a number`),
          longitude:
            num(location, 'longitude') ??
            fail(`location.longitude is ${preview(prop(location, 'longitude'))}, not a number`),
          name: str(location, 'name'),
          address: str(location, 'address'),
          url: str(location, 'url'),
        },
      };
    }
    case 'contacts':
      return { ...base, kind: 'message.contacts', contacts: recordList(item, 'contacts', 'message') };
    case 'reaction': {
      const reaction = payload(item, 'reaction');
      // "messsage_id" (three s) is how Meta's own Postman sample spells it.
      const messageId =
        idText(reaction, 'message_id') ?? idText(reaction, 'messsage_id') ?? fail('reaction.message_id is missing');
      const emoji = text(reaction, 'emoji');
      return { ...base, kind: 'message.reaction', reaction: { messageId, emoji, removed: emoji === null } };
    }
    case 'interactive':
      return parseInteractive(item, base);
    case 'button': {
      const button = rec(item, 'button');
      return {
        ...base,
        kind: 'message.button',
        button: { text: button ? str(button, 'text') : null, payload: button ? str(button, 'payload') : null },
      };
    }
    case 'order': {
      const order = rec(item, 'order');
      return {
        ...base,
        kind: 'message.order',
        order: {
          catalogId: order ? idText(order, 'catalog_id') : null,
          text: order ? str(order, 'text') : null,
          items: order ? recordList(order, 'product_items', 'order').map(parseOrderItem) : [],
        },
      };
    }
    case 'system': {
      const system = rec(item, 'system');
      const identity = rec(item, 'identity') ?? (system ? rec(system, 'identity') : null);
      return {
        ...base,
        kind: 'message.system',
        system: {
          type: system ? str(system, 'type') : null,
          body: system ? str(system, 'body') : null,
          newWaId: system ? (idText(system, 'wa_id') ?? idText(system, 'new_wa_id')) : null,
          identity: identity
            ? {
                acknowledged: bool(identity, 'acknowledged'),
                createdTimestamp: num(identity, 'created_timestamp'),
                hash: str(identity, 'hash'),
              }
            : null,
        },
      };
    }
    case 'unsupported':
    case 'unknown': {
      // "unknown" with code 130501 is the pre-2023 spelling of "unsupported".
      const unsupported = rec(item, 'unsupported');
      return { ...base, kind: 'message.unsupported', unsupportedType: unsupported ? str(unsupported, 'type') : null };
    }
    case 'revoke': {
      const revoke = rec(item, 'revoke');
      return {
        ...base,
        kind: 'message.revoke',
        originalMessageId: revoke ? idText(revoke, 'original_message_id') : null,
      };
    }
    case 'edit': {
      const edit = rec(item, 'edit');
      const edited = edit ? rec(edit, 'message') : null;
      return {
        ...base,
        kind: 'message.edit',
        originalMessageId: edit ? idText(edit, 'original_message_id') : null,
        edited: edited as WireMessage | null,
      };
    }
    default:
      return { ...base, kind: 'message.unknown', type };
  }
}
