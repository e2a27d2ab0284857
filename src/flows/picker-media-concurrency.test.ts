// The process-wide bound on queued picker downloads, with a real SQLite store and queue: 20 jobs at once
// are stored with at most FLOW_MEDIA_CONCURRENCY downloads at a time, and all of them are stored.
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/store.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { FLOW_MEDIA_CONCURRENCY, FlowMediaService, type PickerFile, type StoreItem } from './picker-media.js';

const dir = tempDirs('flowgate-picker-concurrency-');
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
});

describe('FlowMediaService downloads', () => {
  it(`runs at most ${FLOW_MEDIA_CONCURRENCY} at once, however many jobs run at once`, async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const db = s.db as unknown as Kysely<QueueTables>;
    await SqlQueue.migrate(db, s.opened.dialect);
    let running = 0;
    let most = 0;
    // A download that takes a few milliseconds, standing in for the CDN.
    const storeItem: StoreItem = async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return {
        mediaId: item.media_id,
        fileName: item.file_name,
        blobKey: `k/${item.media_id}`,
        mimeType: 'image/png',
        size: 1,
        sha256: 'ab',
      };
    };
    const media = new FlowMediaService({
      store: s,
      queue: new SqlQueue(db),
      storeItem,
      logger: silentLogger(),
      now: Date.now,
    });
    const files: PickerFile[] = Array.from({ length: 20 }, (_, n) => ({
      item: {
        media_id: `m${n}`,
        cdn_url: 'https://mmg.whatsapp.net/x',
        file_name: `f${n}.png`,
        encryption_metadata: { encrypted_hash: 'a', iv: 'a', encryption_key: 'a', hmac_key: 'a', plaintext_hash: 'a' },
      },
      limits: {},
    }));
    // 20 queued jobs processed at once (as workers would): the downloads share the places.
    const process = media.processor();
    await Promise.all(
      files.map((file, id) =>
        process({
          id,
          queue: 'flow-media',
          key: null,
          payload: { flow: 'kyc', token: 't', screen: 'FRONT', files: [file] },
          attempts: 1,
          maxAttempts: 3,
          lastError: null,
          createdAt: 0,
          runAt: 0,
        }),
      ),
    );
    expect((await s.flows.listMedia('t')).filter((row) => row.error === null)).toHaveLength(20);
    expect(most).toBe(FLOW_MEDIA_CONCURRENCY);
  });
});
