// The store: one database, its repositories, and transactions across them.
import type { Kysely } from 'kysely';
import { AppDraftsRepository } from './app-drafts.js';
import { EffectsRepository } from './effects.js';
import { EventsRepository } from './events.js';
import { FlowsRepository } from './flows.js';
import { InboxRepository } from './inbox.js';
import { KeysRepository } from './keys.js';
import { OutboundRepository } from './outbound.js';
import { RecordsRepository } from './records.js';
import type { Database } from './schema.js';
import { openDatabase, type DatabaseSettings, type OpenedDatabase } from './database.js';
import { sql } from 'kysely';

export class Store {
  readonly inbox: InboxRepository;
  readonly events: EventsRepository;
  readonly records: RecordsRepository;
  readonly effects: EffectsRepository;
  readonly outbound: OutboundRepository;
  readonly keys: KeysRepository;
  readonly flows: FlowsRepository;
  readonly appDrafts: AppDraftsRepository;

  constructor(readonly opened: OpenedDatabase) {
    this.inbox = new InboxRepository(opened.db, opened.inbox);
    this.events = new EventsRepository(opened.db);
    this.records = new RecordsRepository(opened.db);
    this.effects = new EffectsRepository(opened.db);
    this.outbound = new OutboundRepository(opened.db);
    this.keys = new KeysRepository(opened.db);
    this.flows = new FlowsRepository(opened.db);
    this.appDrafts = new AppDraftsRepository(opened.db);
  }

  get db(): Kysely<Database> {
    return this.opened.db;
  }

  static async open(settings: DatabaseSettings): Promise<Store> {
    return new Store(await openDatabase(settings));
  }

  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.opened.db.transaction().execute(fn);
  }

  /** True when the database (and the inbox database) answer a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.opened.db);
      await sql`select 1`.execute(this.opened.inbox);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}
