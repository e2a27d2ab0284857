// Simulated customers: each action becomes an inbound `messages` webhook shaped like Meta's
// (SPEC C.3/C.4: contacts + one message with from/id/timestamp and the type's object), opens the
// 24-hour customer service window, and returns the new wamid. Media bytes are stored so the
// business can fetch them through the Graph media endpoints.

import { storeMedia, WEBHOOK_MEDIA_TTL_MS } from './graph-media.js';
import { isRecord } from './graph-common.js';
import { messagesValue, unixSeconds, type EmulatorContext } from './state.js';
import type { LocationInput, SimulatedCustomer } from './types.js';

export const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaMessageType = (typeof MEDIA_MESSAGE_TYPES)[number];

export const DEFAULT_MIME: Record<MediaMessageType, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};

export function isMediaMessageType(type: unknown): type is MediaMessageType {
  return typeof type === 'string' && (MEDIA_MESSAGE_TYPES as readonly string[]).includes(type);
}

export function checkWaId(waId: string): void {
  if (!/^\d{7,15}$/.test(waId)) throw new TypeError(`a customer wa_id is 7 to 15 digits, got ${JSON.stringify(waId)}`);
}

/** Delivers one inbound message from `waId` as a webhook; returns its wamid. */
export function deliverInbound(
  ctx: EmulatorContext,
  waId: string,
  profileName: string,
  message: Record<string, unknown>,
): string {
  const { from, id, timestamp, ...rest } = message;
  const wamid = typeof id === 'string' && id !== '' ? id : ctx.ids.wamid(waId);
  const now = ctx.config.now();
  const wire = {
    from: typeof from === 'string' && from !== '' ? from : waId,
    id: wamid,
    timestamp:
      typeof timestamp === 'string' || typeof timestamp === 'number' ? String(timestamp) : String(unixSeconds(now)),
    ...rest,
  };
  ctx.state.lastInbound.set(waId, now);
  ctx.notify({
    field: 'messages',
    value: messagesValue(ctx.config, { contacts: [{ profile: { name: profileName }, wa_id: waId }], messages: [wire] }),
  });
  return wamid;
}

/** The wire media object for stored bytes, keys in Meta's order. */
export function mediaObject(
  ctx: EmulatorContext,
  type: MediaMessageType,
  bytes: Uint8Array,
  opts: { mimeType?: string; caption?: string; filename?: string; voice?: boolean; animated?: boolean },
): Record<string, unknown> {
  const media = storeMedia(ctx, bytes, opts.mimeType ?? DEFAULT_MIME[type], WEBHOOK_MEDIA_TTL_MS);
  const out: Record<string, unknown> = {};
  if (opts.caption !== undefined && type !== 'audio' && type !== 'sticker') out.caption = opts.caption;
  if (type === 'document') out.filename = opts.filename ?? 'document';
  out.mime_type = media.mimeType;
  out.sha256 = media.sha256;
  out.id = media.id;
  if (type === 'audio') out.voice = opts.voice ?? false;
  if (type === 'sticker') out.animated = opts.animated ?? false;
  return out;
}

/**
 * Control-API media: `{"data_base64": "…", "mime_type": "…", …}` is stored and replaced by the
 * wire object; an object with an `id` passes through.
 */
export function materializeMedia(
  ctx: EmulatorContext,
  message: Record<string, unknown>,
): Record<string, unknown> | string {
  const type = message.type;
  if (!isMediaMessageType(type)) return message;
  const payload = message[type];
  if (!isRecord(payload)) return `"${type}" must be an object`;
  if (payload.data_base64 === undefined) return message;
  if (typeof payload.data_base64 !== 'string') return `"${type}.data_base64" must be a base64 string`;
  const bytes = new Uint8Array(Buffer.from(payload.data_base64, 'base64'));
  const str = (key: string): string | undefined => (typeof payload[key] === 'string' ? payload[key] : undefined);
  const bool = (key: string): boolean | undefined => (typeof payload[key] === 'boolean' ? payload[key] : undefined);
  const wire = mediaObject(ctx, type, bytes, {
    mimeType: str('mime_type'),
    caption: str('caption'),
    filename: str('filename'),
    voice: bool('voice'),
    animated: bool('animated'),
  });
  return { ...message, [type]: wire };
}

export class Customer implements SimulatedCustomer {
  readonly #ctx: EmulatorContext;
  readonly waId: string;
  profileName: string;

  constructor(ctx: EmulatorContext, waId: string, profileName: string) {
    checkWaId(waId);
    this.#ctx = ctx;
    this.waId = waId;
    this.profileName = profileName;
  }

  #send(message: Record<string, unknown>): Promise<string> {
    try {
      return Promise.resolve(deliverInbound(this.#ctx, this.waId, this.profileName, message));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** context{from, id}: the business number and the message being answered. */
  #context(messageId: string): Record<string, unknown> {
    return { context: { from: this.#ctx.config.displayPhoneNumber, id: messageId } };
  }

  #media(type: MediaMessageType, bytes: Uint8Array, opts: Parameters<typeof mediaObject>[3]): Promise<string> {
    return this.#send({ [type]: mediaObject(this.#ctx, type, bytes, opts), type });
  }

  sendText(body: string, opts: { replyTo?: string } = {}): Promise<string> {
    const context = opts.replyTo === undefined ? {} : this.#context(opts.replyTo);
    return this.#send({ ...context, text: { body }, type: 'text' });
  }

  sendImage(bytes: Uint8Array, opts: { mimeType?: string; caption?: string } = {}): Promise<string> {
    return this.#media('image', bytes, opts);
  }

  sendDocument(
    bytes: Uint8Array,
    filename: string,
    mimeType?: string,
    opts: { caption?: string } = {},
  ): Promise<string> {
    return this.#media('document', bytes, { filename, mimeType, caption: opts.caption });
  }

  sendAudio(bytes: Uint8Array, opts: { mimeType?: string; voice?: boolean } = {}): Promise<string> {
    return this.#media('audio', bytes, opts);
  }

  sendVideo(bytes: Uint8Array, opts: { mimeType?: string; caption?: string } = {}): Promise<string> {
    return this.#media('video', bytes, opts);
  }

  sendSticker(bytes: Uint8Array, opts: { mimeType?: string; animated?: boolean } = {}): Promise<string> {
    return this.#media('sticker', bytes, opts);
  }

  sendLocation(loc: LocationInput): Promise<string> {
    const location: Record<string, unknown> = { latitude: loc.latitude, longitude: loc.longitude };
    if (loc.name !== undefined) location.name = loc.name;
    if (loc.address !== undefined) location.address = loc.address;
    return this.#send({ location, type: 'location' });
  }

  sendContacts(cards: unknown[]): Promise<string> {
    return this.#send({ contacts: cards, type: 'contacts' });
  }

  react(messageId: string, emoji: string): Promise<string> {
    return this.#send({ reaction: { message_id: messageId, emoji }, type: 'reaction' });
  }

  tapButton(reply: { id: string; title: string }, contextMessageId: string): Promise<string> {
    return this.#send({
      ...this.#context(contextMessageId),
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: reply.id, title: reply.title } },
    });
  }

  selectListItem(row: { id: string; title: string; description?: string }, contextMessageId: string): Promise<string> {
    const listReply: Record<string, unknown> = { id: row.id, title: row.title };
    if (row.description !== undefined) listReply.description = row.description;
    return this.#send({
      ...this.#context(contextMessageId),
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: listReply },
    });
  }

  tapTemplateButton(text: string, payload: string, contextMessageId: string): Promise<string> {
    return this.#send({ ...this.#context(contextMessageId), type: 'button', button: { payload, text } });
  }

  sendFlowReply(responseJson: Record<string, unknown>, contextMessageId: string): Promise<string> {
    return this.#send({
      ...this.#context(contextMessageId),
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { response_json: JSON.stringify(responseJson), body: 'Sent', name: 'flow' },
      },
    });
  }

  sendRaw(message: Record<string, unknown>): Promise<string> {
    return this.#send(message);
  }
}
