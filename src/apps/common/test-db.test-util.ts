// Test helper: a real SQLite store in a temporary directory (all migrations applied) and the apps'
// SqlAppStorage on it, plus a StepInput builder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Store } from '../../store/index.js';
import { SqlAppStorage } from './sql-storage.js';
import type { StepInput, StepResult } from './steps.js';
import type { AppsTables } from './tables.js';

export interface TestStorage {
  storage: SqlAppStorage;
  store: Store;
  close(): Promise<void>;
}

export async function openTestStorage(): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-apps-'));
  const store = await Store.open({ databaseUrl: null, dataDir: dir, sqliteSynchronous: 'normal' });
  return {
    store,
    storage: new SqlAppStorage(store.db as unknown as Kysely<AppsTables>),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function stepInput(flowToken: string, data: Record<string, unknown>, now: number, extra: Partial<StepInput> = {}): StepInput {
  return { flowToken, waId: '15551234567', data, media: [], mediaErrors: {}, now, ...extra };
}

/** The revision a step answered with (its screen's `${data.revision}`, which the Footer sends back). */
export function revisionOf(result: StepResult): string {
  if (result.kind !== 'next' || typeof result.data.revision !== 'string') throw new Error('no revision in the answer');
  return result.data.revision;
}
