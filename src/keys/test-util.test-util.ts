// Shared setup of the key ring tests: a real SQLite store in a temp dir, the emulator on loopback and
// a GraphClient pointed at it, a manual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator, type Emulator } from '../emulator/index.js';
import { manualClock } from '../emulator/testing.js';
import { GraphClient } from '../graph/index.js';
import type { Logger } from '../log/index.js';
import { Store } from '../store/index.js';
import type { KeysRepository } from '../store/keys.js';
import { KeyRing } from './key-ring.js';

export const TOKEN = 'EAAkeys-emulator-token-0123456789';
export const PHONE = '106540352242922';

export interface RingFixture {
  dir: string;
  store: Store;
  emulator: Emulator;
  graph: GraphClient;
  ring: KeyRing;
  masterKey: string;
  clock: ReturnType<typeof manualClock>;
  newRing(options?: {
    graph?: GraphClient | null;
    masterKey?: string | null;
    logger?: Logger;
    listTtlMs?: number;
    /** Default the store's own repository. */
    keys?: KeysRepository;
  }): KeyRing;
  close(): Promise<void>;
}

export async function ringFixture(options: { graceHours?: number; logger?: Logger } = {}): Promise<RingFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-'));
  const store = await Store.open({ databaseUrl: null, dataDir: dir, sqliteSynchronous: 'normal' });
  const emulator = createEmulator({ appSecret: 'keys-test-secret', accessToken: TOKEN, statusDelayMs: 1 });
  const { url } = await emulator.listen(0, '127.0.0.1');
  const graph = new GraphClient({ baseUrl: url, version: 'v24.0', accessToken: TOKEN, maxRetries: 0 });
  const masterKey = randomBytes(32).toString('base64');
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const newRing: RingFixture['newRing'] = (o = {}) =>
    new KeyRing({
      keys: o.keys ?? store.keys,
      masterKey: o.masterKey === undefined ? masterKey : o.masterKey,
      graph: o.graph === undefined ? graph : o.graph,
      graceHours: options.graceHours ?? 24,
      now: clock.now,
      listTtlMs: o.listTtlMs ?? 0,
      ...((o.logger ?? options.logger) === undefined ? {} : { logger: o.logger ?? options.logger }),
    });
  return {
    dir,
    store,
    emulator,
    graph,
    masterKey,
    clock,
    ring: newRing(),
    newRing,
    close: async () => {
      await emulator.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
