// The process-wide bounds on picker downloads, with a real SQLite store and queue: 20 queued jobs at once are
// stored with at most FLOW_MEDIA_CONCURRENCY downloads at a time; awaited downloads have a bound of their own,
// and a wait for it ends at the answer's deadline.
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { FlowMediaError } from './flow-media-errors.js';
import type { StoredFlowMedia } from './types.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/store.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import {
  FLOW_MEDIA_AWAITED_CONCURRENCY,
  FLOW_MEDIA_CONCURRENCY,
  FlowMediaService,
  type PickerFile,
  type StoreItem,
} from './picker-media.js';

const dir = tempDirs('flowgate-picker-concurrency-');
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
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

/** What a storer answers for `item` once stored. */
function storedAs(item: { media_id: string; file_name: string }): StoredFlowMedia {
  return {
    mediaId: item.media_id,
    fileName: item.file_name,
    blobKey: `k/${item.media_id}`,
    mimeType: 'image/png',
    size: 1,
    sha256: 'ab',
  };
}

/** A real SQLite store with the queue's tables (closed after each test). */
async function openStore(): Promise<Store> {
  const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
  await SqlQueue.migrate(s.db as unknown as Kysely<QueueTables>, s.opened.dialect);
  return s;
}

function service(s: Store, storeItem: StoreItem, extra: { awaitedConcurrency?: number } = {}): FlowMediaService {
  const queue = new SqlQueue(s.db as unknown as Kysely<QueueTables>);
  return new FlowMediaService({ store: s, queue, storeItem, logger: silentLogger(), now: Date.now, ...extra });
}

/** Polls `check` until it gives a value (at most 5 s). */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let waited = 0; waited < 5000; waited += 5) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met within 5 s');
}

describe('FlowMediaService downloads', () => {
  it(`runs at most ${FLOW_MEDIA_CONCURRENCY} at once, however many jobs run at once`, async () => {
    const s = await openStore();
    let running = 0;
    let most = 0;
    // A download that takes a few milliseconds, standing in for the CDN.
    const storeItem: StoreItem = async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return storedAs(item);
    };
    const media = service(s, storeItem);
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

  it(`awaited downloads: at most ${FLOW_MEDIA_AWAITED_CONCURRENCY} at once; a file still waiting at the deadline gives up its wait`, async () => {
    const s = await openStore();
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const gates: (() => void)[] = [];
    // A CDN that holds every download until the test lets it go.
    const storeItem: StoreItem = async (item) => {
      started.push(item.media_id);
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
      return storedAs(item);
    };
    const media = service(s, storeItem, { awaitedConcurrency: 2 });
    const job = (token: string, count: number) => ({
      flow: 'kyc',
      token,
      screen: 'FRONT',
      files: files
        .slice(0, count)
        .map((file) => ({ ...file, item: { ...file.item, media_id: `${token}-${file.item.media_id}` } })),
    });
    // Two requests with three files each: two downloads begin, the other four wait, and at the deadline
    // all six are answered as too slow.
    const [a, b] = await Promise.all([media.storeNow(job('a', 3), 40), media.storeNow(job('b', 3), 40)]);
    expect(most).toBe(2);
    expect(started).toHaveLength(2);
    for (const answer of [a, b]) {
      expect(answer.stored).toEqual([]);
      expect(Object.values(answer.errors)).toEqual(
        Array.from({ length: 3 }, () => 'The upload took too long. Try again.'),
      );
    }
    // The waits were given up: the files never fetched are recorded as such, and the places stay with the
    // two downloads under way, whose files are stored when they end.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toHaveLength(2);
    for (const gate of gates.splice(0)) gate();
    const rows = await until(async () => {
      const found = [...(await s.flows.listMedia('a')), ...(await s.flows.listMedia('b'))];
      return found.length === 6 ? found : undefined;
    });
    expect(rows.filter((row) => row.error === 'deadline')).toHaveLength(4);
    expect(
      rows
        .filter((row) => row.error === null)
        .map((row) => row.media_id)
        .sort(),
    ).toEqual([...started].sort());
    // A later request finds the places free.
    const later = media.storeNow(job('c', 1), 5000);
    await until(() => Promise.resolve(gates.length === 1 ? true : undefined));
    for (const gate of gates.splice(0)) gate();
    expect((await later).stored).toHaveLength(1);
  });

  it('awaited downloads under way at the deadline are given up: a later request finds the places free', async () => {
    const s = await openStore();
    const fetched: string[] = [];
    let slow = true;
    // A CDN slow for the first request's files until they are given up (the storer heeds its signal, as the
    // production storer does through downloadCdnFile); instant for the rest.
    const storeItem: StoreItem = async (item, _types, _limits, signal) => {
      fetched.push(item.media_id);
      if (slow && item.media_id.startsWith('a')) {
        await new Promise<void>((resolve) =>
          signal?.addEventListener(
            'abort',
            () => {
              resolve();
            },
            { once: true },
          ),
        );
        throw new FlowMediaError('deadline', 'given up', item.media_id);
      }
      return { ...storedAs(item), fileName: 'f' };
    };
    const media = service(s, storeItem, { awaitedConcurrency: 2 });
    const job = (token: string, ids: string[]) => ({
      flow: 'kyc',
      token,
      screen: 'FRONT',
      files: ids.map((id) => ({ item: { ...files[0]!.item, media_id: id }, limits: {} })),
    });
    const first = await media.storeNow(job('ta', ['a0', 'a1']), 30);
    expect(first.stored).toEqual([]);
    // The next request, with a file the CDN serves at once, is not held up behind the given-up downloads.
    const next = await media.storeNow(job('tb', ['b0']), 5000);
    expect(next.stored.map((m) => m.mediaId)).toEqual(['b0']);
    const rows = await until(async () => {
      const found = await s.flows.listMedia('ta');
      return found.length === 2 ? found : undefined;
    });
    expect(rows.map((row) => row.error)).toEqual(['deadline', 'deadline']);
    // Sent again (the picker showed "took too long"), the file is stored and its row says so.
    slow = false;
    const again = await media.storeNow(job('ta', ['a0']), 5000);
    expect(again.stored.map((m) => m.mediaId)).toEqual(['a0']);
    expect((await s.flows.listMedia('ta')).map((row) => [row.media_id, row.error, row.blob_key])).toEqual([
      ['a0', null, 'k/a0'],
      ['a1', 'deadline', null],
    ]);
    // A later failure does not overwrite the stored file's row.
    slow = true;
    await media.storeNow(job('ta', ['a0']), 10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await s.flows.listMedia('ta'))[0]).toMatchObject({ media_id: 'a0', error: null, blob_key: 'k/a0' });
  });

  it('answers a file whose media id is "__proto__" like any other', async () => {
    const s = await openStore();
    const refuse: StoreItem = (item) => Promise.reject(new FlowMediaError('mime_not_allowed', 'no', item.media_id));
    const media = service(s, refuse);
    const job = {
      flow: 'kyc',
      token: 'tp',
      screen: 'FRONT',
      files: [{ item: { ...files[0]!.item, media_id: '__proto__' }, limits: {} }],
    };
    const { errors } = await media.storeNow(job, 5000);
    expect(Object.keys(errors)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify({ errors })) as unknown).toEqual({
      errors: JSON.parse('{"__proto__":"This file type is not accepted."}') as unknown,
    });
  });
});
