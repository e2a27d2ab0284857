// Builders for the non-interactive, non-template kinds: text, media, location, contacts, reaction.
// Each returns `type` plus the object named by it; build.ts adds the envelope.

import {
  array,
  compact,
  describe,
  fail,
  field,
  isSingleEmoji,
  mediaSource,
  object,
  optional,
  optionalBoolean,
  optionalText,
  required,
  text,
} from './check.js';
import { LIMITS } from './limits.js';
import type { OutboundContacts, OutboundLocation, OutboundMedia, OutboundReaction, OutboundText } from './types.js';
import type { WireOutboundContactCard, WireOutboundMedia, WireOutboundPayload } from './wire.js';

export function buildText(message: OutboundText): WireOutboundPayload {
  return {
    type: 'text',
    text: {
      // Always sent, as in Meta's samples, so the body never depends on Meta's default.
      preview_url: optionalBoolean(message.previewUrl, 'text.preview_url') ?? false,
      body: text(message.body, 'text.body', LIMITS.textBody),
    },
  };
}

export function buildMedia(message: OutboundMedia): WireOutboundPayload {
  const { type } = message;
  const media = mediaSource(message, type);
  const caption = field(message, 'caption');
  const filename = field(message, 'filename');
  if (caption !== undefined && type !== 'image' && type !== 'video' && type !== 'document') {
    fail(`${type}.caption`, `captions are allowed only on image, video and document messages, not ${type}`);
  }
  if (filename !== undefined && type !== 'document') {
    fail(`${type}.filename`, `a file name is allowed only on document messages, not ${type}`);
  }
  const wire: WireOutboundMedia = compact({
    ...media,
    caption: optionalText(caption, `${type}.caption`, LIMITS.mediaCaption),
    filename: optional(filename, `${type}.filename`),
  });
  switch (type) {
    case 'image':
      return { type, image: wire };
    case 'video':
      return { type, video: wire };
    case 'document':
      return { type, document: wire };
    case 'audio':
      return { type, audio: wire };
    case 'sticker':
      return { type, sticker: wire };
  }
}

export function buildLocation(message: OutboundLocation): WireOutboundPayload {
  return {
    type: 'location',
    location: compact({
      latitude: degrees(message.latitude, 'location.latitude', 90),
      longitude: degrees(message.longitude, 'location.longitude', 180),
      name: optional(message.name, 'location.name'),
      address: optional(message.address, 'location.address'),
    }),
  };
}

/**
 * Meta documents the coordinates as strings in decimal degrees. String(n) is the shortest exact
 * form, except that it switches to exponent notation below 1e-6, which is not decimal degrees.
 */
function degrees(value: unknown, path: string, limit: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `must be a number (got ${describe(value)})`);
  if (Math.abs(value) > limit) fail(path, `must be between -${limit} and ${limit} (got ${value})`);
  const plain = String(value);
  return plain.includes('e') ? value.toFixed(20).replace(/\.?0+$/, '') : plain;
}

const NAME_PARTS = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['middleName', 'middle_name'],
  ['suffix', 'suffix'],
  ['prefix', 'prefix'],
] as const;

const BIRTHDAY = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

export function buildContacts(message: OutboundContacts): WireOutboundPayload {
  const cards = array(message.contacts, 'contacts', 1, Number.POSITIVE_INFINITY, 'contacts');
  return { type: 'contacts', contacts: cards.map((card, i) => contactCard(card, `contacts[${i}]`)) };
}

function contactCard(value: unknown, path: string): WireOutboundContactCard {
  const card = object(value, path);
  const name = object(card.name, `${path}.name`);
  const parts = NAME_PARTS.map(([key, wire]) => [wire, optional(name[key], `${path}.name.${wire}`)] as const);
  // Meta: "At least one of the optional parameters needs to be included along with the
  // formatted_name parameter."
  if (parts.every(([, part]) => part === undefined)) {
    fail(
      `${path}.name`,
      'besides formatted_name, give at least one of first_name, last_name, middle_name, suffix, prefix',
    );
  }
  const birthday = optional(card.birthday, `${path}.birthday`);
  if (birthday !== undefined && !BIRTHDAY.test(birthday)) {
    fail(`${path}.birthday`, `must be a date in YYYY-MM-DD form (got ${describe(birthday)})`);
  }
  const org = card.org === undefined ? undefined : object(card.org, `${path}.org`);
  // Keys in the order of Meta's sample (alphabetical).
  return compact({
    addresses: entries(card.addresses, `${path}.addresses`, [
      ['street', 'street'],
      ['city', 'city'],
      ['state', 'state'],
      ['zip', 'zip'],
      ['country', 'country'],
      ['countryCode', 'country_code'],
      ['type', 'type'],
    ]),
    birthday,
    emails: entries(card.emails, `${path}.emails`, [
      ['email', 'email'],
      ['type', 'type'],
    ]),
    name: compact({
      formatted_name: required(name.formattedName, `${path}.name.formatted_name`),
      ...Object.fromEntries(parts),
    }),
    org:
      org === undefined
        ? undefined
        : compact({
            company: optional(org.company, `${path}.org.company`),
            department: optional(org.department, `${path}.org.department`),
            title: optional(org.title, `${path}.org.title`),
          }),
    phones: entries(card.phones, `${path}.phones`, [
      ['phone', 'phone'],
      ['waId', 'wa_id'],
      ['type', 'type'],
    ]),
    urls: entries(card.urls, `${path}.urls`, [
      ['url', 'url'],
      ['type', 'type'],
    ]),
  });
}

/** An optional array of objects with optional string fields, renamed input key → wire key. */
function entries(
  value: unknown,
  path: string,
  keys: readonly (readonly [string, string])[],
): Record<string, string>[] | undefined {
  if (value === undefined) return undefined;
  return array(value, path, 0, Number.POSITIVE_INFINITY, 'entries').map((item, i) => {
    const entry = object(item, `${path}[${i}]`);
    return compact(
      Object.fromEntries(keys.map(([key, wire]) => [wire, optional(entry[key], `${path}[${i}].${wire}`)])),
    );
  }) as Record<string, string>[];
}

export function buildReaction(message: OutboundReaction): WireOutboundPayload {
  const messageId = required(message.messageId, 'reaction.message_id');
  const emoji: unknown = message.emoji;
  if (typeof emoji !== 'string') fail('reaction.emoji', `must be a string (got ${describe(emoji)})`);
  // "" is Meta's way to remove a reaction.
  if (emoji !== '' && !isSingleEmoji(emoji)) {
    fail('reaction.emoji', `must be a single emoji, or "" to remove the reaction (got ${describe(emoji)})`);
  }
  return { type: 'reaction', reaction: { message_id: messageId, emoji } };
}
