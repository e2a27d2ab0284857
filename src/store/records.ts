// Domain records derived from events: contacts, inbound messages, and statuses applied to the
// outbound messages they refer to.
import { sql, type Kysely, type Selectable } from 'kysely';
import { chunks } from './chunks.js';
import type { WebhookEvent } from '../protocol/index.js';
import type { ContactsTable, Database, MessagesTable } from './schema.js';

type MessageEvent = Extract<WebhookEvent, { category: 'message' }>;
type StatusEvent = Extract<WebhookEvent, { category: 'status' }>;

// Statuses can arrive out of order; a message only ever moves forward on this scale.
const STATUS_RANK: Readonly<Record<string, number>> = {
  accepted: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 5,
};

export type Contact = Selectable<ContactsTable>;
export type MessageRecord = Selectable<MessagesTable>;

/** Rows per multi-row insert (chunks.ts). */
const CHUNK = 100;

/** The payload of inbound rows: Meta's raw item is kept once, in the payload of the event they point at. */
const RAW_IN_EVENT = 'null';

export class RecordsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes what an event means for contacts, messages and statuses. Runs inside the dispatch transaction. */
  async apply(db: Kysely<Database>, eventId: number, event: WebhookEvent, now: number): Promise<void> {
    await this.applyMany(db, [{ eventId, event }], now);
  }

  /** The same for a batch of claimed events, with one statement per table and chunk where possible. */
  async applyMany(
    db: Kysely<Database>,
    claimed: readonly { eventId: number; event: WebhookEvent }[],
    now: number,
  ): Promise<void> {
    const messages: { eventId: number; event: MessageEvent }[] = [];
    const statuses: { eventId: number; event: StatusEvent }[] = [];
    for (const c of claimed) {
      if (c.event.category === 'message') messages.push({ eventId: c.eventId, event: c.event });
      else if (c.event.category === 'status') statuses.push({ eventId: c.eventId, event: c.event });
    }
    await this.upsertContacts(
      db,
      messages.map((m) => m.event),
      now,
    );
    for (const chunk of chunks(messages, CHUNK)) {
      await db
        .insertInto('messages')
        .values(
          chunk.map(({ eventId, event }) => ({
            wamid: event.id,
            direction: 'in' as const,
            wa_id: event.fromWaId,
            phone_number_id: event.phoneNumberId,
            type: event.kind.slice('message.'.length),
            text: messageText(event),
            payload: RAW_IN_EVENT,
            timestamp: event.timestamp,
            status: null,
            status_at: null,
            error: event.errors.length > 0 ? JSON.stringify(event.errors) : null,
            created_at: now,
            outbound_id: null,
            idempotency_key: null,
            state: null,
            event_id: eventId,
          })),
        )
        .onConflict((oc) => oc.column('wamid').doNothing())
        .execute();
    }
    for (const chunk of chunks(statuses, CHUNK)) {
      await db
        .insertInto('statuses')
        .values(
          chunk.map(({ eventId, event }) => ({
            event_id: eventId,
            wamid: event.messageId,
            status: event.status,
            recipient_wa_id: event.recipient === null ? null : event.recipient.replace(/^\+/, ''),
            timestamp: event.timestamp,
            errors: event.errors.length > 0 ? JSON.stringify(event.errors) : null,
            payload: RAW_IN_EVENT,
          })),
        )
        .execute();
    }
    for (const { event } of statuses) await this.applyStatus(db, event);
  }

  /** One row per customer: the newest inbound time and the latest known profile name win. */
  private async upsertContacts(db: Kysely<Database>, messages: readonly MessageEvent[], now: number): Promise<void> {
    const byWaId = new Map<
      string,
      { wa_id: string; phone: string; profile_name: string | null; last_inbound_at: number }
    >();
    for (const m of messages) {
      const seen = byWaId.get(m.fromWaId);
      byWaId.set(m.fromWaId, {
        wa_id: m.fromWaId,
        phone: m.from,
        profile_name: m.profileName ?? seen?.profile_name ?? null,
        last_inbound_at: Math.max(seen?.last_inbound_at ?? 0, m.timestamp),
      });
    }
    for (const chunk of chunks([...byWaId.values()], CHUNK)) {
      await db
        .insertInto('contacts')
        .values(chunk.map((c) => ({ ...c, first_seen_at: now, updated_at: now })))
        .onConflict((oc) =>
          oc.column('wa_id').doUpdateSet((eb) => ({
            profile_name: sql<
              string | null
            >`coalesce(${eb.ref('excluded.profile_name')}, ${eb.ref('contacts.profile_name')})`,
            // Portable "greatest": messages can arrive out of order.
            last_inbound_at: sql<number>`case when ${eb.ref('excluded.last_inbound_at')} > coalesce(${eb.ref('contacts.last_inbound_at')}, 0) then ${eb.ref('excluded.last_inbound_at')} else ${eb.ref('contacts.last_inbound_at')} end`,
            updated_at: now,
          })),
        )
        .execute();
    }
  }

  /** Moves the outbound message the status refers to forward (never backward) on the status scale. */
  private async applyStatus(db: Kysely<Database>, event: StatusEvent): Promise<void> {
    const rank = STATUS_RANK[event.status];
    if (rank === undefined) return;
    const lowerRanks = Object.entries(STATUS_RANK)
      .filter(([, r]) => r < rank)
      .map(([s]) => s);
    await db
      .updateTable('messages')
      .set({
        status: event.status,
        status_at: event.timestamp,
        ...(event.errors.length > 0 ? { error: JSON.stringify(event.errors) } : {}),
      })
      .where('wamid', '=', event.messageId)
      .where('direction', '=', 'out')
      .where((eb) => eb.or([eb('status', 'is', null), eb('status', 'in', lowerRanks)]))
      .execute();
  }

  async contact(waId: string): Promise<Contact | null> {
    return (await this.db.selectFrom('contacts').selectAll().where('wa_id', '=', waId).executeTakeFirst()) ?? null;
  }

  async messageByWamid(wamid: string): Promise<MessageRecord | null> {
    return (await this.db.selectFrom('messages').selectAll().where('wamid', '=', wamid).executeTakeFirst()) ?? null;
  }

  async messages(waId: string, limit = 50): Promise<MessageRecord[]> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('wa_id', '=', waId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}

/** A short human-readable text for a message, for lists and search. */
export function messageText(event: MessageEvent): string | null {
  switch (event.kind) {
    case 'message.text':
      return event.text;
    case 'message.image':
    case 'message.video':
    case 'message.audio':
    case 'message.document':
    case 'message.sticker':
      return event.media.caption ?? event.media.filename;
    case 'message.button_reply':
    case 'message.list_reply':
      return event.reply.title;
    case 'message.button':
      return event.button.text;
    case 'message.reaction':
      return event.reaction.emoji;
    case 'message.location':
      return event.location.name ?? event.location.address;
    case 'message.flow_reply':
      return event.flow.body;
    case 'message.order':
      return event.order.text;
    case 'message.system':
      return event.system.body;
    default:
      return null;
  }
}
