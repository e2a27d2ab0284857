// Table types of the Flowgate database. Times Flowgate records itself are Unix milliseconds; times that
// come from Meta (message and status timestamps) stay in Unix seconds, as Meta sends them.
import type { Generated } from 'kysely';
import type { KeysTables } from './schema-keys.js';
import type { FlowsTables } from './schema-flows.js';

/**
 * The inbox: an append-only log of the exact webhook bodies Meta signed. Under SQLite it is a database file
 * of its own (`InboxDatabase`), so that committing a body (and its fsync) never waits on dispatch writes.
 */
export interface InboxTable {
  id: Generated<number>;
  received_at: number;
  /** The exact bytes Meta signed. */
  body: Uint8Array;
  /** JSON: the request headers that matter (signature, content type, user agent). */
  headers: string;
}

export interface InboxDatabase {
  inbox: InboxTable;
}

/**
 * One row per dispatched inbox row, written in the dispatch transaction. Dispatch goes in inbox order, so the
 * dispatched rows are always a prefix of the inbox: everything after the highest `inbox_id` is pending.
 */
export interface InboxStateTable {
  inbox_id: number;
  processed_at: number;
  event_count: number;
}

export interface EventsTable {
  id: Generated<number>;
  dedup_key: string;
  kind: string;
  category: string;
  inbox_id: number | null;
  wa_id: string | null;
  phone_number_id: string | null;
  occurred_at: number | null;
  created_at: number;
  /** JSON of the normalized event. */
  payload: string;
}

export interface ContactsTable {
  wa_id: string;
  phone: string;
  profile_name: string | null;
  first_seen_at: number;
  last_inbound_at: number | null;
  updated_at: number;
}

export interface MessagesTable {
  id: Generated<number>;
  wamid: string | null;
  direction: 'in' | 'out';
  wa_id: string;
  phone_number_id: string | null;
  type: string;
  text: string | null;
  /**
   * JSON. Outbound: the request body sent to the Graph API. Inbound: `null` since 0007_inbox_file (Meta's
   * raw item is in the payload of the event `event_id`); older inbound rows hold the raw item.
   */
  payload: string;
  timestamp: number | null;
  status: string | null;
  status_at: number | null;
  error: string | null;
  created_at: number;
  /** Flowgate's id of an outbound message (what the API returns before Meta assigns a wamid). */
  outbound_id: string | null;
  idempotency_key: string | null;
  /** Inbound: the event this message came in with. */
  event_id: number | null;
  /** Outbound delivery state on Flowgate's side: queued → accepted (by Meta) | failed | uncertain. */
  state: OutboundState | null;
}

export type OutboundState = 'queued' | 'accepted' | 'failed' | 'uncertain';

export interface StatusesTable {
  id: Generated<number>;
  event_id: number;
  wamid: string;
  status: string;
  recipient_wa_id: string | null;
  timestamp: number | null;
  errors: string | null;
  /** JSON `null` since 0007_inbox_file (Meta's raw item is in the payload of the event `event_id`). */
  payload: string;
}

export interface HandlerRunsTable {
  event_id: number;
  handler: string;
  completed_at: number;
}

export interface EffectsTable {
  key: string;
  created_at: number;
}

export interface Database extends KeysTables, FlowsTables {
  inbox_state: InboxStateTable;
  events: EventsTable;
  contacts: ContactsTable;
  messages: MessagesTable;
  statuses: StatusesTable;
  handler_runs: HandlerRunsTable;
  effects: EffectsTable;
}
