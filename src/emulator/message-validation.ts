// Validates a POST /{phone-number-id}/messages body the way the Cloud API does (SPEC D.2): the
// envelope (messaging_product, to, type), each type's object and its documented limits. A failure
// names the parameter in Meta's style ("Param text['body'] must be at most 4096 characters long.").

import {
  array,
  Invalid,
  length,
  media,
  object,
  oneOf,
  optionalString,
  required,
  requiredString,
  string,
} from './message-checks.js';
import { interactive } from './validate-interactive.js';

export type SendRequest =
  | {
      kind: 'message';
      /** `to` as given (echoed in contacts[].input). */
      input: string;
      /** Digits only (wa_id). */
      waId: string;
      type: string;
      template: boolean;
      bizOpaqueCallbackData: string | null;
      /** Media ids the message references (must exist). */
      mediaIds: string[];
    }
  | { kind: 'read'; messageId: string };

export type Validation = { ok: true; request: SendRequest } | { ok: false; details: string; missing?: string };

const MESSAGE_TYPES = [
  'audio',
  'contacts',
  'document',
  'image',
  'interactive',
  'location',
  'reaction',
  'sticker',
  'template',
  'text',
  'video',
] as const;
const MEDIA_TYPES = new Set(['audio', 'document', 'image', 'sticker', 'video']);

function coordinate(obj: Record<string, unknown>, key: 'latitude' | 'longitude', limit: number): void {
  const raw = required(obj, key, ['location']);
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new Invalid(`Param location['${key}'] must be a number between -${limit} and ${limit}.`);
  }
}

function contacts(value: unknown): void {
  const cards = array(value, ['contacts'], 1, 257);
  cards.forEach((card, i) => {
    const obj = object(card, ['contacts', i]);
    const name = object(required(obj, 'name', ['contacts', i]), ['contacts', i, 'name']);
    requiredString(name, 'formatted_name', ['contacts', i, 'name'], 1, 1024);
  });
}

function template(value: unknown): void {
  const obj = object(value, ['template']);
  requiredString(obj, 'name', ['template'], 1, 512);
  const language = object(required(obj, 'language', ['template']), ['template', 'language']);
  requiredString(language, 'code', ['template', 'language'], 2, 15);
  if (obj.components !== undefined) {
    array(obj.components, ['template', 'components'], 0, 100).forEach((component, i) => {
      const c = object(component, ['template', 'components', i]);
      requiredString(c, 'type', ['template', 'components', i], 1, 32);
    });
  }
}

function reaction(value: unknown): void {
  const obj = object(value, ['reaction']);
  requiredString(obj, 'message_id', ['reaction'], 1, 512);
  const emoji = required(obj, 'emoji', ['reaction']);
  if (typeof emoji !== 'string' || length(emoji) > 10)
    throw new Invalid(`Param reaction['emoji'] must be a single emoji or an empty string.`);
}

function payload(type: string, body: Record<string, unknown>, mediaIds: string[]): void {
  const value = required(body, type, []);
  if (MEDIA_TYPES.has(type)) {
    media(type, value, mediaIds);
    return;
  }
  switch (type) {
    case 'text': {
      const text = object(value, ['text']);
      requiredString(text, 'body', ['text'], 1, 4096);
      if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean')
        throw new Invalid(`Param text['preview_url'] must be a boolean.`);
      return;
    }
    case 'location': {
      const loc = object(value, ['location']);
      coordinate(loc, 'latitude', 90);
      coordinate(loc, 'longitude', 180);
      optionalString(loc, 'name', ['location'], 1000);
      optionalString(loc, 'address', ['location'], 1000);
      return;
    }
    case 'contacts':
      contacts(value);
      return;
    case 'interactive':
      interactive(value, mediaIds);
      return;
    case 'template':
      template(value);
      return;
    case 'reaction':
      reaction(value);
      return;
  }
}

function recipient(body: Record<string, unknown>): { input: string; waId: string } {
  const to = required(body, 'to', []);
  const input = typeof to === 'number' ? String(to) : to;
  if (typeof input !== 'string' || !/^\+?[\d\s().-]+$/.test(input))
    throw new Invalid(
      `Param to must be a phone number (digits, optionally with a leading "+") - got ${JSON.stringify(to)}.`,
    );
  const waId = input.replace(/\D/g, '');
  if (waId.length < 7 || waId.length > 15)
    throw new Invalid(`Param to must be a phone number of 7 to 15 digits - got ${JSON.stringify(to)}.`);
  return { input, waId };
}

function validateOrThrow(body: Record<string, unknown>): SendRequest {
  const product = required(body, 'messaging_product', []);
  if (product !== 'whatsapp')
    throw new Invalid(`Param messaging_product must be "whatsapp" - got ${JSON.stringify(product)}.`);
  if (body.status !== undefined) {
    if (body.status !== 'read') throw new Invalid(`Param status must be "read" - got ${JSON.stringify(body.status)}.`);
    const messageId = requiredString(body, 'message_id', [], 1, 512);
    if (body.typing_indicator !== undefined) {
      oneOf(object(body.typing_indicator, ['typing_indicator']).type, ['typing_indicator', 'type'], ['text']);
    }
    return { kind: 'read', messageId };
  }
  if (body.recipient_type !== undefined) oneOf(body.recipient_type, ['recipient_type'], ['individual', 'group']);
  const { input, waId } = recipient(body);
  const type = body.type === undefined ? 'text' : oneOf(body.type, ['type'], MESSAGE_TYPES);
  const mediaIds: string[] = [];
  payload(type, body, mediaIds);
  if (body.context !== undefined) requiredString(object(body.context, ['context']), 'message_id', ['context'], 1, 512);
  let bizOpaqueCallbackData: string | null = null;
  if (body.biz_opaque_callback_data !== undefined)
    bizOpaqueCallbackData = string(body.biz_opaque_callback_data, ['biz_opaque_callback_data'], 0, 512);
  return { kind: 'message', input, waId, type, template: type === 'template', bizOpaqueCallbackData, mediaIds };
}

/** Never throws; a failure carries Meta-style details (and the missing parameter when one is). */
export function validateSend(body: Record<string, unknown>): Validation {
  try {
    return { ok: true, request: validateOrThrow(body) };
  } catch (error) {
    if (error instanceof Invalid)
      return error.missing === undefined
        ? { ok: false, details: error.details }
        : { ok: false, details: error.details, missing: error.missing };
    throw error;
  }
}
