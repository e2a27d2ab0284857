// Domain records derived from events: contacts, inbound messages, and statuses applied to the
// outbound messages they refer to.
import { sql, type Kysely, type Selectable } from 'kysely';
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

export class RecordsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes what an event means for contacts, messages and statuses. Runs inside the dispatch transaction. */
  async apply(db: Kysely<Database>, eventId: number, event: WebhookEvent, now: number): Promise<void> {
    if (event.category === 'message') await this.applyMessage(db, event, now);
    else if (event.category === 'status') await this.applyStatus(db, eventId, event);
  }

  private async applyMessage(db: Kysely<Database>, event: MessageEvent, now: number): Promise<void> {
    await db
      .insertInto('contacts')
      .values({
        wa_id: event.fromWaId,
        phone: event.from,
        profile_name: event.profileName,
        first_seen_at: now,
        last_inbound_at: event.timestamp,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('wa_id').doUpdateSet((eb) => ({
          profile_name: sql<
            string | null
          >`coalesce(${eb.ref('excluded.profile_name')}, ${eb.ref('contacts.profile_name')})`,
          last_inbound_at: sql<number>`max(coalesce(${eb.ref('contacts.last_inbound_at')}, 0), ${eb.ref('excluded.last_inbound_at')})`,
          updated_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('messages')
      .values({
        wamid: event.id,
        direction: 'in',
        wa_id: event.fromWaId,
        phone_number_id: event.phoneNumberId,
        type: event.kind.slice('message.'.length),
        text: messageText(event),
        payload: JSON.stringify(event.raw),
        timestamp: event.timestamp,
        status: null,
        status_at: null,
        error: event.errors.length > 0 ? JSON.stringify(event.errors) : null,
        created_at: now,
        outbound_id: null,
        idempotency_key: null,
        state: null,
      })
      .onConflict((oc) => oc.column('wamid').doNothing())
      .execute();
  }

  private async applyStatus(db: Kysely<Database>, eventId: number, event: StatusEvent): Promise<void> {
    await db
      .insertInto('statuses')
      .values({
        event_id: eventId,
        wamid: event.messageId,
        status: event.status,
        recipient_wa_id: event.recipient === null ? null : event.recipient.replace(/^\+/, ''),
        timestamp: event.timestamp,
        errors: event.errors.length > 0 ? JSON.stringify(event.errors) : null,
        payload: JSON.stringify(event.raw),
      })
      .execute();
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
