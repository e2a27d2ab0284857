// parseWebhook on large batches (every item parsed, in order, distinct dedup keys) and on hostile
// input (never throws; parse_error / unknown events instead), plus a seeded mutation fuzz.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WebhookEvent, WebhookEventKind } from './events.js';
import { parseWebhook } from './parse.js';

const PE = 'parse_error';
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

function envelope(entry: unknown): string {
  return JSON.stringify({ object: 'whatsapp_business_account', entry });
}

function change(value: unknown, field = 'messages'): string {
  return envelope([{ id: '102290129340398', changes: [{ field, value }] }]);
}

function messages(items: unknown[]): string {
  return change({ messaging_product: 'whatsapp', metadata: METADATA, messages: items });
}

function textMessage(n: number): Record<string, unknown> {
  return {
    from: String(16505550000 + n),
    id: `wamid.m${n}`,
    timestamp: String(1_700_000_000 + n),
    type: 'text',
    text: { body: `hello ${n}` },
  };
}

const STATUSES = ['sent', 'delivered', 'read'] as const;

function statusItem(n: number): Record<string, unknown> {
  return {
    id: `wamid.s${n}`,
    status: STATUSES[n % 3],
    timestamp: String(1_700_000_000 + n),
    recipient_id: '16505551234',
  };
}

describe('parseWebhook — batches', () => {
  it('parses 1,000 updates over 4 entries × 5 changes, in order, with distinct dedup keys', () => {
    const expectedKeys: string[] = [];
    let n = 0;
    const entries = [0, 1, 2, 3].map((e) => ({
      id: `waba-${e}`,
      changes: [0, 1, 2, 3, 4].map((c) => {
        const start = n;
        n += 50;
        const numbers = Array.from({ length: 50 }, (_, k) => start + k);
        if (c % 2 === 0) {
          expectedKeys.push(...numbers.map((i) => `msg:wamid.m${i}`));
          const contacts = numbers.map((i) => ({ profile: { name: `User ${i}` }, wa_id: String(16505550000 + i) }));
          return { field: 'messages', value: { metadata: METADATA, contacts, messages: numbers.map(textMessage) } };
        }
        expectedKeys.push(...numbers.map((i) => `status:wamid.s${i}:${STATUSES[i % 3] ?? ''}`));
        return { field: 'messages', value: { metadata: METADATA, statuses: numbers.map(statusItem) } };
      }),
    }));

    const events = parseWebhook(envelope(entries));
    expect(events).toHaveLength(1000);
    expect(events.map((event) => event.dedupKey)).toEqual(expectedKeys);
    expect(new Set(events.map((event) => event.dedupKey)).size).toBe(1000);
    expect(events.filter((event) => event.category === 'message')).toHaveLength(600);
    expect(events.filter((event) => event.category === 'status')).toHaveLength(400);
    // Each sender's name is found among the 50 contacts of its change, not just the first one.
    for (const event of events) {
      if (event.kind === 'message.text') expect(event.profileName).toBe(`User ${event.id.slice('wamid.m'.length)}`);
    }
    expect(events[999]?.wabaId).toBe('waba-3');
  });

  it('gives a retried message the same dedup key, within a body and across bodies', () => {
    const entry = {
      id: '1',
      changes: [{ field: 'messages', value: { metadata: METADATA, messages: [textMessage(7)] } }],
    };
    const [first, second] = parseWebhook(envelope([entry, entry]));
    expect(first?.dedupKey).toBe('msg:wamid.m7');
    expect(second?.dedupKey).toBe(first?.dedupKey);
    expect(parseWebhook(messages([textMessage(7)]))[0]?.dedupKey).toBe(first?.dedupKey);
  });

  it('keys content-addressed events independently of JSON key order, but by phone number id', () => {
    const error = { code: 130429, title: 'Rate limit hit', error_data: { details: 'x' } };
    const reordered = { error_data: { details: 'x' }, title: 'Rate limit hit', code: 130429 };
    const key = (value: unknown) => parseWebhook(change(value))[0]?.dedupKey;
    expect(key({ metadata: METADATA, errors: [error] })).toBe(key({ errors: [reordered], metadata: METADATA }));
    expect(key({ metadata: METADATA, errors: [error] })).not.toBe(
      key({ metadata: { ...METADATA, phone_number_id: '999' }, errors: [error] }),
    );
  });
});

const valid = textMessage(1);
const UTF8_INVALID = Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

const HOSTILE: [string, string | Uint8Array, WebhookEventKind[]][] = [
  ['null', 'null', [PE]],
  ['array', '[]', [PE]],
  ['string', '"x"', [PE]],
  ['number', '5', [PE]],
  ['empty body', '', [PE]],
  ['truncated JSON', '{"object":', [PE]],
  ['empty object', '{}', [PE]],
  ['entry is a number', '{"entry":5}', [PE]],
  ['other object type', '{"object":"page","entry":[]}', [PE]],
  ['no entry', '{"object":"whatsapp_business_account"}', [PE]],
  ['entry not an array', '{"object":"whatsapp_business_account","entry":5}', [PE]],
  ['invalid UTF-8', UTF8_INVALID, [PE]],
  ['no entries', envelope([]), []],
  ['non-object entries', envelope([5, null, 'x', [], {}]), [PE, PE, PE, PE, PE]],
  ['changes not an array', envelope([{ id: '1', changes: 5 }]), [PE]],
  [
    'non-object changes',
    envelope([{ changes: [5, null, [], 'x', {}, { field: 5 }, { field: '' }] }]),
    [PE, PE, PE, PE, PE, PE, PE],
  ],
  ['messages change without value', change(undefined), [PE]],
  ['messages change value is a number', change(5), [PE]],
  ['messages change with nothing in it', change({ metadata: METADATA }), ['unknown']],
  ['messages is null', change({ messages: null }), ['unknown']],
  ['messages is a number', change({ messages: 5 }), [PE]],
  ['messages is empty', change({ messages: [] }), []],
  ['non-object messages', messages([null, 5, 'x', [], {}]), [PE, PE, PE, PE, PE]],
  ['wrong types everywhere', messages([{ id: {}, from: [], timestamp: {}, type: 7 }]), [PE]],
  [
    'own __proto__ key only',
    `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"__proto__":{"id":"x"}}]}}]}]}`,
    [PE],
  ],
  ['huge timestamp', messages([{ ...valid, timestamp: '99999999999999999999' }]), [PE]],
  ['text is a number', messages([{ ...valid, text: 5 }]), [PE]],
  ['text body is a number', messages([{ ...valid, text: { body: 5 } }]), [PE]],
  ['image is a string', messages([{ ...valid, type: 'image', image: 'x' }]), [PE]],
  ['image without id', messages([{ ...valid, type: 'image', image: {} }]), [PE]],
  [
    'latitude not numeric',
    messages([{ ...valid, type: 'location', location: { latitude: 'abc', longitude: 1 } }]),
    [PE],
  ],
  ['interactive is a number', messages([{ ...valid, type: 'interactive', interactive: 5 }]), ['message.unknown']],
  [
    'interactive type is a number',
    messages([{ ...valid, type: 'interactive', interactive: { type: 5 } }]),
    ['message.unknown'],
  ],
  ['button_reply missing', messages([{ ...valid, type: 'interactive', interactive: { type: 'button_reply' } }]), [PE]],
  ['reaction without message id', messages([{ ...valid, type: 'reaction', reaction: {} }]), [PE]],
  ['order items not an array', messages([{ ...valid, type: 'order', order: { product_items: 5 } }]), [PE]],
  ['order item not an object', messages([{ ...valid, type: 'order', order: { product_items: [5] } }]), [PE]],
  ['order without items', messages([{ ...valid, type: 'order', order: {} }]), ['message.order']],
  ['contacts is a number', messages([{ ...valid, type: 'contacts', contacts: 5 }]), [PE]],
  ['type "constructor"', messages([{ ...valid, type: 'constructor' }]), ['message.unknown']],
  ['type "__proto__"', messages([{ ...valid, type: '__proto__' }]), ['message.unknown']],
  ['type "toString"', messages([{ ...valid, type: 'toString' }]), ['message.unknown']],
  ['future type', messages([{ ...valid, type: 'poll_creation' }]), ['message.unknown']],
  ['type missing, payload present', messages([{ ...valid, type: undefined }]), ['message.text']],
  ['type missing, no payload', messages([{ ...valid, type: undefined, text: undefined }]), [PE]],
  [
    'bad statuses',
    change({ statuses: [{}, { id: 'x' }, { id: 'x', status: 5 }, { id: 'x', status: 'sent' }, 5] }),
    [PE, PE, PE, PE, PE],
  ],
  ['unknown status', change({ statuses: [{ id: 'x', status: 'deleted', timestamp: '1' }] }), ['status.unknown']],
  ['upper-case status', change({ statuses: [{ id: 'x', status: 'SENT', timestamp: 1 }] }), ['status.sent']],
  ['bad value errors', change({ errors: [5, {}] }), [PE, 'error']],
  ['flows value is a number', change(5, 'flows'), [PE]],
  ['flows value without event', change({}, 'flows'), ['flows.unknown']],
  ['flows event is a number', change({ event: 5 }, 'flows'), ['flows.unknown']],
  ['future flows event', change({ event: 'NEW_ALERT' }, 'flows'), ['flows.unknown']],
  [
    'deeply nested unknown value',
    `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"x","value":${DEEP}}]}]}`,
    ['unknown'],
  ],
  [
    'deeply nested bad message',
    `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[${DEEP}]}}]}]}`,
    [PE],
  ],
];

/** What every event must satisfy whatever the input: the promises the types make. */
function assertInvariants(events: WebhookEvent[]): void {
  for (const event of events) {
    expect(event.dedupKey.length).toBeGreaterThan(4);
    if (event.category === 'message' || event.category === 'status' || event.category === 'flows') {
      expect(event.kind.startsWith(`${event.category}.`)).toBe(true);
    } else {
      expect(event.kind).toBe(event.category);
    }
    if (event.category === 'message') {
      expect(event.from).toMatch(/^\+[0-9]{1,15}$/);
      expect(Number.isInteger(event.timestamp)).toBe(true);
      expect(event.dedupKey).toBe(`msg:${event.id}`);
    }
    if (event.category === 'status') {
      expect(Number.isInteger(event.timestamp)).toBe(true);
      expect(event.dedupKey).toBe(`status:${event.messageId}:${event.status}`);
    }
    if (event.kind === 'parse_error') expect(event.error.length).toBeGreaterThan(5);
  }
}

describe('parseWebhook — hostile input', () => {
  it.each(HOSTILE)('%s', (_name, body, kinds) => {
    let events: WebhookEvent[] = [];
    expect(() => {
      events = parseWebhook(body);
    }).not.toThrow();
    expect(events.map((event) => event.kind)).toEqual(kinds);
    assertInvariants(events);
  });

  it('names the path of a malformed item', () => {
    const body = envelope([
      { id: '1', changes: [{ field: 'messages', value: { messages: [valid] } }] },
      {
        id: '2',
        changes: [
          { field: 'x', value: 1 },
          { field: 'messages', value: { messages: [valid, valid, { ...valid, id: 5.5 }] } },
        ],
      },
    ]);
    const events = parseWebhook(body);
    expect(events.map((event) => event.kind)).toEqual(['message.text', 'unknown', 'message.text', 'message.text', PE]);
    const last = events[4];
    expect(last?.kind === 'parse_error' ? last.path : null).toBe('entry[1].changes[1].value.messages[2]');
    expect(last?.wabaId).toBe('2');
  });

  it('survives arguments that are not a body at all', () => {
    const notBodies: unknown[] = [null, undefined, 5, {}, []];
    for (const raw of notBodies) {
      const events = parseWebhook(raw as string);
      expect(events.map((event) => event.kind)).toEqual([PE]);
    }
  });

  it('reports a bad response_json on the event instead of failing it', () => {
    const flow = (responseJson: unknown) =>
      messages([
        {
          ...valid,
          type: 'interactive',
          interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', response_json: responseJson } },
        },
      ]);
    const [bad] = parseWebhook(flow('{not json'));
    expect(bad?.kind === 'message.flow_reply' ? bad.flow : null).toMatchObject({
      responseJson: null,
      responseJsonRaw: '{not json',
      flowToken: null,
    });
    expect(bad?.kind === 'message.flow_reply' ? bad.flow.responseJsonError : null).toMatch(
      /^response_json is not valid JSON/,
    );
    const [array] = parseWebhook(flow('[1,2]'));
    expect(array?.kind === 'message.flow_reply' ? array.flow.responseJsonError : null).toMatch(/not a JSON object/);
    const [object] = parseWebhook(flow({ flow_token: 't-1', a: 1 }));
    expect(object?.kind === 'message.flow_reply' ? object.flow : null).toMatchObject({
      responseJson: { flow_token: 't-1', a: 1 },
      responseJsonRaw: null,
      flowToken: 't-1',
      responseJsonError: null,
    });
    const [missing] = parseWebhook(flow(undefined));
    expect(missing?.kind === 'message.flow_reply' ? missing.flow.responseJsonError : null).toBe(
      'response_json is missing, not a JSON string',
    );
  });
});

// Seeded PRNG so a failure reproduces exactly.
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Container = Record<string, unknown> | unknown[];

function containers(value: unknown, out: Container[] = []): Container[] {
  if (Array.isArray(value)) {
    out.push(value);
    for (const item of value) containers(item, out);
  } else if (typeof value === 'object' && value !== null) {
    out.push(value as Record<string, unknown>);
    for (const item of Object.values(value)) containers(item, out);
  }
  return out;
}

const MUTANTS: unknown[] = [
  null,
  5,
  -1,
  0,
  1.5,
  1e308,
  '',
  'x',
  '<PHONE_NUMBER>',
  '16505551234',
  true,
  [],
  {},
  [null],
  { a: {} },
  [[[]]],
];
const FUZZ_SOURCES = [
  'meta_docs/messages_text.json',
  'meta_docs/status_sent_with_conversation_and_pricing_pmp.json',
  'meta_docs/value_errors_130429.json',
  'pywa/flow_completion__completion.json',
  'pywa/message__order.json',
  'pywa/message__chosen_location.json',
  'pywa/message__contacts.json',
  'pywa/edited_message__image.json',
  'pywa/system__identity_change.json',
  'flows/normalized__flows_CLIENT_ERROR_RATE.json',
];

describe('parseWebhook — mutation fuzz', () => {
  it('never throws and keeps the type promises for 2,000 mutated fixtures', () => {
    const random = mulberry32(20_240_611);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const sources = FUZZ_SOURCES.map((name) =>
      readFileSync(new URL(`../../../../shared/protocol/fixtures/webhooks/${name}`, import.meta.url), 'utf8'),
    );
    for (let round = 0; round < 2000; round++) {
      const doc: unknown = JSON.parse(pick(sources));
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const target = pick(containers(doc));
        // Cloned: inserting the shared objects by reference would let later edits build cycles.
        const mutant = random() < 0.2 ? undefined : structuredClone(pick(MUTANTS));
        if (Array.isArray(target)) {
          if (target.length > 0) target[Math.floor(random() * target.length)] = mutant;
          continue;
        }
        const keys = Object.keys(target);
        if (keys.length === 0) continue;
        const key = pick(keys);
        if (mutant === undefined) Reflect.deleteProperty(target, key);
        else target[key] = mutant;
      }
      // The root is always an object (only its descendants are mutated), so this is a string.
      const body = JSON.stringify(doc);
      let events: WebhookEvent[] = [];
      expect(() => {
        events = parseWebhook(body);
      }, body).not.toThrow();
      assertInvariants(events);
    }
  });
});

describe('parseWebhook — dedup of items without a Meta id', () => {
  const alert = (time: number) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          time,
          changes: [
            {
              field: 'flows',
              value: {
                event: 'ENDPOINT_ERROR_RATE',
                message: 'Flow endpoint error rate',
                flow_id: '1',
                error_rate: 15,
              },
            },
          ],
        },
      ],
    });

  it('treats a redelivery of the same alert as a duplicate and the same alert raised later as new', () => {
    const [first] = parseWebhook(alert(1_700_000_000));
    const [again] = parseWebhook(alert(1_700_000_000));
    const [later] = parseWebhook(alert(1_700_003_600));
    expect(first?.kind).toBe('flows.endpoint_error_rate');
    expect(again?.dedupKey).toBe(first?.dedupKey);
    expect(later?.dedupKey).not.toBe(first?.dedupKey);
  });
});
