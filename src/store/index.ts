// Public surface of the store module.
export { Store } from './store.js';
export {
  openDatabase,
  openInboxDatabase,
  sqlitePath,
  sqliteInboxPath,
  dataPath,
  StoreError,
  type OpenedDatabase,
  type OpenedInbox,
  type DatabaseSettings,
} from './database.js';
export type { Database, InboxDatabase } from './schema.js';
export { appendToInbox, type InboxAppend, type InboxRow } from './inbox.js';
export { contactWaId, type StoredEvent, type EventQuery } from './events.js';
export { messageText, type Contact, type MessageRecord } from './records.js';
export type { NewOutbound, OutboundRecord, StatusEntry } from './outbound.js';
export type { OutboundState } from './schema.js';
export type { FlowMediaRow } from './flows.js';
