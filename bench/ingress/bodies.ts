// Webhook bodies for the ingress bench: 2–3 KB text-message deliveries shaped like Meta's (the envelope of
// meta_docs/messages_text.json, with contacts, metadata, a referral or reply context and a long text),
// serialized the way Meta does (compact, "\/" and "\uXXXX" escapes), each with a unique wamid and signed
// ahead of time. The feed replays about one earlier body in ten, as Meta's retries do.
import { signBody } from '../../src/protocol/index.js';
import type { FeedItem, RequestFeed } from '../lib/load.js';

export const MIN_BODY_BYTES = 2_048;
export const MAX_BODY_BYTES = 3_072;

const WABA_ID = '102290129340398';
const DISPLAY_PHONE = '15550783881';
const PHONE_NUMBER_ID = '106540352242922';

const FIRST_NAMES = [
  'Sheena',
  'Jonas',
  'Amélie',
  'Rahul',
  'Fatima',
  'Chen',
  'Lucía',
  'Olu',
  'Mateus',
  'Zoë',
  'Kenji',
  'Ana',
];
const LAST_NAMES = ['Nelson', 'Müller', 'Dubois', 'Sharma', 'Haddad', 'Wei', 'García', 'Adeyemi', 'Silva', 'Kowalski'];
/** Mobile number prefixes and the full length of a number under each. */
const NUMBER_PLANS: readonly (readonly [string, number])[] = [
  ['1650555', 11],
  ['447700900', 12],
  ['5511987', 13],
  ['91987', 12],
  ['491511', 13],
  ['3361234', 11],
];

const SENTENCES = [
  'Hi! I saw your ad for the summer succulent collection and I have a few questions before I order.',
  'Does the large terracotta pot come in another color, ideally something closer to sand or off-white?',
  'I ordered twice last year and the plants arrived in great shape, so thank you for the careful packing.',
  'My balcony faces north and only gets about three hours of direct sun — will the echeverias cope with that?',
  'Could you tell me how long delivery to Lisbon usually takes, and whether you ship on Fridays?',
  'I would also like to add a gift note to the order; my sister’s birthday is next Thursday 🎂.',
  'Is there a discount if I buy the set of six instead of picking the plants one by one?',
  'Last time the tracking link from your confirmation email did not open on my phone, just so you know.',
  'Can I pay on delivery, or do you only accept cards and bank transfers for orders abroad?',
  'Please let me know if the price in the ad (€39.90) already includes VAT and shipping.',
  'If the aloe is out of stock, a haworthia or a small jade plant would be a perfectly fine substitute 🌵.',
  'My address changed recently: it is now Rua das Flores 112, 3rd floor, apartment B, 1200-195 Lisboa.',
  'Also, do you have any care instructions in Portuguese? My mother will be looking after them in August.',
  'Thanks a lot for the quick answers so far, your support is much friendlier than most shops I write to!',
  'One more thing: could the invoice be issued to my company, Jardim Ltda., with VAT number PT509876543?',
  'I am happy to wait a few extra days if that means all the plants ship together in one box.',
];

const ESCAPED_LENGTHS = SENTENCES.map((s) => metaJson(s).length - 2);

/** Small, fast, seeded PRNG (mulberry32), so every run sends the same bytes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Meta's encoder escapes "/" and every non-ASCII character. */
function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function wamid(from: string, n: number, salt: number): string {
  const id = `${salt.toString(16).padStart(8, '0')}${n.toString(16).padStart(12, '0')}`.toUpperCase();
  return `wamid.${Buffer.from(`\x1c\x18\x0b${from}\x15\x02\x00\x12\x18\x14${id}\x00`, 'latin1').toString('base64')}`;
}

function token(length: number, random: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)] ?? 'A';
  return out;
}

function phoneNumber([prefix, length]: readonly [string, number], n: number): string {
  return `${prefix}${String(n).padStart(length - prefix.length, '0')}`;
}

interface Sender {
  waId: string;
  name: string;
}

/** The delivery with an empty text; the caller fills `text.body`. */
function envelope(
  n: number,
  sender: Sender,
  random: () => number,
  salt: number,
): { doc: object; text: { body: string } } {
  const text = { body: '' };
  const message: Record<string, unknown> = {
    from: sender.waId,
    id: wamid(sender.waId, n, salt),
    timestamp: String(1_750_000_000 + n),
    text,
    type: 'text',
  };
  if (n % 2 === 0) {
    message['referral'] = {
      source_url: `https://fb.me/${token(9, random)}`,
      source_id: String(120_226_305_854_810_000 + (n % 1000)),
      source_type: 'ad',
      body: 'Summer Succulents are here! Six hardy plants in handmade terracotta, delivered in 48 h.',
      headline: 'Chat with us',
      media_type: 'image',
      image_url: `https://scontent.xx.fbcdn.net/v/t45.1600-4/${token(24, random)}_n.jpg?stp=dst-jpg_s600x600&_nc_cat=1`,
      ctwa_clid: token(120, random),
      welcome_message: { text: 'Hi there! Let us know how we can help!' },
    };
  } else {
    message['context'] = { from: DISPLAY_PHONE, id: wamid(DISPLAY_PHONE, n, salt ^ 0xffff) };
  }
  const doc = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY_PHONE, phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: sender.name }, wa_id: sender.waId }],
              messages: [message],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
  return { doc, text };
}

/** Distinct signed deliveries from ~2,000 senders, 2–3 KB each; `grow` adds more (between runs, not during). */
export class Corpus {
  readonly items: FeedItem[] = [];
  minBytes = Infinity;
  maxBytes = 0;
  private totalBytes = 0;
  private readonly random: () => number;
  private readonly salt: number;
  private readonly senders: readonly Sender[];

  constructor(
    private readonly appSecret: string,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
    this.salt = Math.floor(this.random() * 0xffffffff);
    this.senders = Array.from({ length: 2_000 }, (_, i) => ({
      waId: phoneNumber(pick(NUMBER_PLANS, this.random), i),
      name: `${pick(FIRST_NAMES, this.random)} ${pick(LAST_NAMES, this.random)}`,
    }));
  }

  get meanBytes(): number {
    return this.totalBytes / Math.max(1, this.items.length);
  }

  /** Generates and signs bodies until there are at least `size`. */
  growTo(size: number): void {
    const random = this.random;
    for (let n = this.items.length; n < size; n++) {
      const sender = pick(this.senders, random);
      const target = 2_250 + Math.floor(random() * 750);
      const { doc, text } = envelope(n, sender, random, this.salt);
      // Sentences are appended while the body stays under its target size; escaped lengths are precomputed.
      let room = target - metaJson(doc).length;
      const parts: string[] = [];
      for (let i = Math.floor(random() * SENTENCES.length); ; i++) {
        const index = i % SENTENCES.length;
        const cost = (ESCAPED_LENGTHS[index] ?? 0) + 1;
        if (cost > room) break;
        room -= cost;
        parts.push(SENTENCES[index] ?? '');
      }
      text.body = parts.join(' ');
      const body = Buffer.from(metaJson(doc), 'utf8');
      if (body.length < MIN_BODY_BYTES || body.length > MAX_BODY_BYTES) {
        throw new Error(`generated body of ${body.length} bytes, outside ${MIN_BODY_BYTES}–${MAX_BODY_BYTES}`);
      }
      this.minBytes = Math.min(this.minBytes, body.length);
      this.maxBytes = Math.max(this.maxBytes, body.length);
      this.totalBytes += body.length;
      this.items.push({
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': signBody(body, this.appSecret),
        },
      });
    }
  }
}

export interface FeedStats {
  sent: number;
  duplicates: number;
  /** Times the corpus ran out and started over (those sends are duplicates too). */
  wraps: number;
}

/** Walks the corpus in order, re-sending an earlier body (from the last 10,000) with probability `duplicateRate`. */
export class WebhookFeed implements RequestFeed {
  private readonly random: () => number;
  private nextFresh = 0;
  private readonly counters: FeedStats = { sent: 0, duplicates: 0, wraps: 0 };

  constructor(
    private readonly corpus: Corpus,
    private readonly duplicateRate = 0.1,
    seed = 2,
  ) {
    this.random = seededRandom(seed);
  }

  /** Bodies this feed has not sent yet (the corpus can grow to add more). */
  get freshRemaining(): number {
    return this.counters.wraps > 0 ? 0 : this.corpus.items.length - this.nextFresh;
  }

  next(): FeedItem {
    const size = this.corpus.items.length;
    this.counters.sent++;
    const sentFresh = this.counters.wraps * size + this.nextFresh;
    if (sentFresh > 0 && this.random() < this.duplicateRate) {
      this.counters.duplicates++;
      const back = 1 + Math.floor(this.random() * Math.min(sentFresh, 10_000, size));
      return this.at((this.nextFresh - back + size) % size);
    }
    if (this.nextFresh === size) {
      this.nextFresh = 0;
      this.counters.wraps++;
    }
    return this.at(this.nextFresh++);
  }

  get stats(): FeedStats {
    return { ...this.counters };
  }

  private at(index: number): FeedItem {
    const item = this.corpus.items[index];
    if (item === undefined) throw new Error(`corpus has no item ${index}`);
    return item;
  }
}
