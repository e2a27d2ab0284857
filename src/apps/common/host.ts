// The slice of the Flowgate app the ready flows are registered on, and the flow runtime types they use
// (from the package root, the public API).
import type { Kysely } from 'kysely';
import type { FlowOptions } from '../../index.js';
import { SqlAppStorage } from './sql-storage.js';
import type { AppStorage } from './storage.js';
import type { AppsTables } from './tables.js';

export type {
  FlowCompletionContext,
  FlowOptions,
  FlowReply,
  FlowScreenContext,
  StoredFlowMedia,
} from '../../index.js';

/** What registerApps needs of a FlowgateApp (which satisfies it). */
export interface FlowHost {
  flow(name: string, options: FlowOptions): unknown;
  /** The started gateway; its store's database holds the apps' tables (migration 0005_apps). */
  readonly gateway: { readonly store: { readonly db: object } };
}

/** Options every ready flow takes. */
export interface CommonAppOptions {
  /** Where app state lives; default: SqlAppStorage on the app's own database. */
  storage?: AppStorage;
  now?: () => number;
}

/**
 * The storage to use: the given one, or SqlAppStorage on the app's database, resolved on first use
 * (the database exists only once the app has started, and handlers only run after that).
 */
export function storageFor(app: FlowHost, given: AppStorage | undefined): () => AppStorage {
  if (given !== undefined) return () => given;
  let storage: AppStorage | undefined;
  return () => {
    // The apps' tables are created by the store's migration 0005_apps; their types live in tables.ts.
    storage ??= new SqlAppStorage(app.gateway.store.db as Kysely<AppsTables>);
    return storage;
  };
}
