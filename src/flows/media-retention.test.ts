// Picker files no flow needs, against a real SQLite store and the filesystem blob store: a week after a
// token expired without completing, files only it received are deleted and their rows marked purged; a
// completed flow that names the files it keeps has the others deleted at once, rows marked superseded.
// Most cases here name files by their content alone (as Flowgate did before keys became per flow, and as a
// custom storer may): a file a completed flow kept or an open token also received stays, as do the files of
// completed flows and of recent expiries. The last case stores through storeFlowMedia itself: the same bytes
// arriving in an open flow while the sweep deletes an abandoned flow's copy are not lost.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../blobs/index.js';
import { silentLogger } from '../log/index.js';
import { Store } from '../store/store.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { encryptFlowMedia } from '../protocol/index.js';
import type { Kysely } from 'kysely';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { flowMediaBlobKey, parseFlowMediaHost, storeFlowMedia, type StoreFlowMediaDeps } from './flow-media.js';
import { FlowMediaService } from './picker-media.js';
import { png, startCdn } from './flow-media.test-util.js';
import { FlowMediaRetention, SWEEP_GRACE_MS } from './media-retention.js';

const dir = tempDirs('flowgate-retention-');
const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
});

/** A key named by the content alone (keys shared between rows; storeFlowMedia's own are per flow). */
function keyOf(content: string): string {
  const sha = createHash('sha256').update(content).digest('hex');
  return `flow-media/${sha.slice(0, 2)}/${sha}.png`;
}

async function issue(s: Store, token: string, expiresAt: number, completed: boolean): Promise<void> {
  await s.flows.issueToken({
    token,
    flow: 'kyc',
    waId: '15551234567',
    phoneNumberId: null,
    data: null,
    now: 0,
    expiresAt,
  });
  if (completed) await s.db.updateTable('flow_tokens').set({ state: 'completed' }).where('token', '=', token).execute();
}

/** The flow `token` received `content` as the picker file `mediaId`, stored as storeFlowMedia stores it. */
async function receive(s: Store, blobs: FileBlobStore, token: string, mediaId: string, content: string): Promise<void> {
  await blobs.put(keyOf(content), Buffer.from(content), { contentType: 'image/png' });
  await s.flows.recordMedia({
    flow: 'kyc',
    token,
    screen: 'FRONT',
    media_id: mediaId,
    file_name: 'front.png',
    blob_key: keyOf(content),
    mime_type: 'image/png',
    size: content.length,
    sha256: 'ab'.repeat(32),
    error: null,
    created_at: 0,
  });
}

/** The row of a stored picker file `mediaId` of `token`, under `blobKey`. */
const lateRow = (token: string, mediaId: string, blobKey: string) => ({
  flow: 'kyc',
  token,
  screen: 'FRONT',
  media_id: mediaId,
  file_name: 'id.png',
  blob_key: blobKey,
  mime_type: 'image/png',
  size: 1,
  sha256: 'ab'.repeat(32),
  error: null,
  created_at: 0,
});

/** The retention of `s`'s picker files, deleting from `blobs`, its clock at `now`. */
const retentionOf = (s: Store, blobs: FileBlobStore, now = NOW, extra: { batch?: number } = {}) =>
  new FlowMediaRetention({
    store: s,
    deleteBlob: (key) => blobs.delete(key),
    logger: silentLogger(),
    now: () => now,
    ...extra,
  });

/** storeFlowMedia as Flowgate runs it, for the flow `token`, from a CDN on loopback. */
const loopbackStorer = (blobs: FileBlobStore, token: string): StoreFlowMediaDeps => ({
  fetch,
  blobs,
  token,
  allowedOrigins: [parseFlowMediaHost('http://127.0.0.1:*')!],
  maxBytes: 1 << 20,
  timeoutMs: 2000,
});

const outcomes = async (s: Store, token: string) =>
  (await s.flows.listMedia(token)).map((r) => [r.media_id, r.blob_key, r.error]);

describe('FlowMediaRetention', () => {
  it('deletes files only abandoned flows received, a grace period after their expiry', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    // token → [expiry, completed?, the bytes it received]
    const tokens: Record<string, [number, boolean, string]> = {
      abandoned: [NOW - 8 * DAY, false, 'photo only the abandoned flow got'],
      recent: [NOW - DAY, false, 'photo of a flow that expired yesterday'],
      completed: [NOW - 8 * DAY, true, 'photo of a completed flow'],
      open: [NOW + DAY, false, 'photo of an open flow'],
      // The same gallery photo, sent first in an abandoned flow and again in one that completed.
      retried: [NOW - 8 * DAY, false, 'the same ID photo'],
      retry: [NOW - 8 * DAY, true, 'the same ID photo'],
    };
    for (const [token, [expiresAt, completed, content]] of Object.entries(tokens)) {
      await issue(s, token, expiresAt, completed);
      await receive(s, blobs, token, `m-${token}`, content);
    }
    const sweeper = retentionOf(s, blobs);
    expect(SWEEP_GRACE_MS).toBe(7 * DAY);

    expect(await sweeper.sweep()).toBe(1);
    expect(await blobs.stat(keyOf(tokens.abandoned![2]))).toBeNull();
    expect(await s.flows.listMedia('abandoned')).toMatchObject([{ blob_key: null, error: 'purged' }]);
    for (const kept of ['recent', 'completed', 'open', 'retried', 'retry']) {
      const content = tokens[kept]![2];
      expect(await blobs.stat(keyOf(content)), kept).not.toBeNull();
      expect(await s.flows.listMedia(kept), kept).toMatchObject([{ blob_key: keyOf(content), error: null }]);
    }
    expect(await sweeper.sweep()).toBe(0);

    // A late completion of the expired token inside the grace period keeps its file for good.
    await s.db.updateTable('flow_tokens').set({ state: 'completed' }).where('token', '=', 'recent').execute();
    const later = retentionOf(s, blobs, NOW + 30 * DAY);
    expect(await later.sweep()).toBe(1); // only 'open', which expired uncompleted since
    expect(await blobs.stat(keyOf(tokens.recent![2]))).not.toBeNull();
    expect(await blobs.stat(keyOf(tokens.open![2]))).toBeNull();
  });

  it('deletes the files a completed flow does not keep, but not bytes another row still needs', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    await issue(s, 'done', NOW - DAY, true);
    await issue(s, 'other', NOW + DAY, false);
    // A front picked, replaced by another that someone else's open flow also has, replaced again; the back
    // is the bytes of the first front sent again (content-addressed: one file for two rows).
    await receive(s, blobs, 'done', 'front-1', 'replaced front');
    await receive(s, blobs, 'done', 'front-2', 'shared photo');
    await receive(s, blobs, 'other', 'theirs', 'shared photo');
    await receive(s, blobs, 'done', 'front-3', 'final front');
    await receive(s, blobs, 'done', 'early-back', 'final back');
    await receive(s, blobs, 'done', 'back', 'final back');
    const retention = retentionOf(s, blobs);

    expect(await retention.supersede('done', ['front-3', 'back'])).toBe(1);
    expect(await blobs.stat(keyOf('replaced front'))).toBeNull();
    for (const kept of ['shared photo', 'final front', 'final back'])
      expect(await blobs.stat(keyOf(kept)), kept).not.toBeNull();
    expect(await outcomes(s, 'done')).toEqual([
      ['front-1', null, 'superseded'],
      ['front-2', keyOf('shared photo'), 'superseded'],
      ['front-3', keyOf('final front'), null],
      ['early-back', keyOf('final back'), 'superseded'],
      ['back', keyOf('final back'), null],
    ]);
    expect(await outcomes(s, 'other')).toEqual([['theirs', keyOf('shared photo'), null]]);
    expect(await retention.supersede('done', ['front-3', 'back'])).toBe(0);
    expect(await retention.sweep()).toBe(0);

    // The other flow is abandoned: nothing needs the shared photo any more, and the sweep deletes it.
    const later = retentionOf(s, blobs, NOW + 30 * DAY);
    expect(await later.sweep()).toBe(1);
    expect(await blobs.stat(keyOf('shared photo'))).toBeNull();
    expect((await outcomes(s, 'done'))[1]).toEqual(['front-2', null, 'superseded']);
    expect(await outcomes(s, 'other')).toEqual([['theirs', null, 'purged']]);
    // What the completed flow kept stays for good.
    expect(await blobs.stat(keyOf('final front'))).not.toBeNull();
    expect(await blobs.stat(keyOf('final back'))).not.toBeNull();
  });

  it('finishes a release that stopped after marking the files superseded', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    await issue(s, 'done', NOW + DAY, true);
    await receive(s, blobs, 'done', 'old', 'replaced front');
    await receive(s, blobs, 'done', 'new', 'final front');
    // The process stopped between marking the rows and deleting the blobs.
    expect(await s.flows.supersedeMedia('done', ['new'], 10, NOW)).toEqual([keyOf('replaced front')]);
    const retention = retentionOf(s, blobs);
    expect(await retention.sweep()).toBe(1);
    expect(await blobs.stat(keyOf('replaced front'))).toBeNull();
    expect(await blobs.stat(keyOf('final front'))).not.toBeNull();
    expect(await outcomes(s, 'done')).toEqual([
      ['old', null, 'superseded'],
      ['new', keyOf('final front'), null],
    ]);
  });

  it('lets go of a file recorded after the flow named what it keeps (a download still finishing then)', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    await issue(s, 'done', NOW + DAY, true);
    await receive(s, blobs, 'done', 'final', 'final front');
    const retention = retentionOf(s, blobs);
    expect(await retention.supersede('done', ['final'])).toBe(0);
    // The front the person replaced finishes storing only now, and a kept file recorded late stays kept.
    await receive(s, blobs, 'done', 'replaced', 'replaced front');
    await receive(s, blobs, 'done', 'final', 'final front');
    expect(await outcomes(s, 'done')).toEqual([
      ['final', keyOf('final front'), null],
      ['replaced', keyOf('replaced front'), 'superseded'],
    ]);
    expect(await retention.sweep()).toBe(1);
    expect(await blobs.stat(keyOf('replaced front'))).toBeNull();
    expect(await blobs.stat(keyOf('final front'))).not.toBeNull();
  });

  it('keeps a file an open flow stores while the sweep deletes the same bytes of an abandoned flow', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    const cdn = await startCdn();
    try {
      // The same gallery photo, picked in a flow abandoned last week and again in one open now.
      const { cdnFile, metadata } = encryptFlowMedia(png());
      cdn.route('/photo', (_req, res) => res.writeHead(200).end(cdnFile));
      const item = {
        media_id: 'photo-1',
        cdn_url: cdn.url('/photo'),
        file_name: 'id.png',
        encryption_metadata: metadata,
      };
      const storeFor = async (token: string) => {
        const media = await storeFlowMedia(item, loopbackStorer(blobs, token));
        await s.flows.recordMedia({
          flow: 'kyc',
          token,
          screen: 'FRONT',
          media_id: media.mediaId,
          file_name: media.fileName,
          blob_key: media.blobKey,
          mime_type: media.mimeType,
          size: media.size,
          sha256: media.sha256,
          error: null,
          created_at: NOW,
        });
        return media.blobKey;
      };
      await issue(s, 'abandoned', NOW - 8 * DAY, false);
      await issue(s, 'open', NOW + DAY, false);
      const abandonedKey = await storeFor('abandoned');
      let openKey: string | null = null;
      const sweeper = new FlowMediaRetention({
        store: s,
        // The open flow's copy is stored and recorded after the sweep's last check, before its delete.
        deleteBlob: async (key) => {
          openKey ??= await storeFor('open');
          await blobs.delete(key);
        },
        logger: silentLogger(),
        now: () => NOW,
      });

      expect(await sweeper.sweep()).toBe(1);
      expect(openKey).not.toBeNull();
      expect(await blobs.stat(abandonedKey)).toBeNull();
      expect(await s.flows.listMedia('abandoned')).toMatchObject([{ blob_key: null, error: 'purged' }]);
      expect(await s.flows.listMedia('open')).toMatchObject([{ blob_key: openKey, error: null }]);
      expect(await blobs.stat(openKey!)).toMatchObject({ size: png().length });
    } finally {
      await cdn.close();
    }
  });

  it('finishes a release named with the SUCCESS answer that never ran (the process stopped after answering)', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    await issue(s, 'answered', NOW + DAY, false);
    await receive(s, blobs, 'answered', 'old', 'replaced front');
    await receive(s, blobs, 'answered', 'new', 'final front');
    // The endpoint stored the answer and what the flow keeps; the release after it never happened.
    expect(await s.flows.finish('answered', NOW, { SUCCESS: {} }, ['new'])).toBe(true);
    expect(await s.flows.unreleasedMedia(10)).toEqual([{ token: 'answered', keepMediaIds: ['new'] }]);
    const retention = retentionOf(s, blobs);
    expect(await retention.sweep()).toBe(1);
    expect(await blobs.stat(keyOf('replaced front'))).toBeNull();
    expect(await outcomes(s, 'answered')).toEqual([
      ['old', null, 'superseded'],
      ['new', keyOf('final front'), null],
    ]);
    expect(await s.flows.unreleasedMedia(10)).toEqual([]);
    expect(await s.flows.getToken('answered')).toMatchObject({ state: 'completed', media_released_at: NOW });
    expect(await retention.sweep()).toBe(0);

    // Such releases count against the sweep's batch: two files per sweep here, the next token's next time.
    for (const token of ['first', 'second']) {
      await issue(s, token, NOW + DAY, false);
      await receive(s, blobs, token, 'old', `replaced front of ${token}`);
      await receive(s, blobs, token, 'older', `first front of ${token}`);
      expect(await s.flows.finish(token, NOW, { SUCCESS: {} }, [])).toBe(true);
    }
    const oneAtATime = retentionOf(s, blobs, NOW, { batch: 2 });
    expect(await oneAtATime.sweep()).toBe(2);
    expect(await s.flows.unreleasedMedia(10)).toHaveLength(1);
    expect(await oneAtATime.sweep()).toBe(2);
    expect(await s.flows.unreleasedMedia(10)).toEqual([]);
  });

  it('hands the handler the key a row kept when the same file comes again, and deletes the second copy', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    await SqlQueue.migrate(s.db as unknown as Kysely<QueueTables>, s.opened.dialect);
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    const cdn = await startCdn();
    try {
      const bytes = png();
      const { cdnFile, metadata } = encryptFlowMedia(bytes);
      cdn.route('/photo', (_req, res) => res.writeHead(200).end(cdnFile));
      const item = {
        media_id: 'photo-1',
        cdn_url: cdn.url('/photo'),
        file_name: 'renamed.png',
        encryption_metadata: metadata,
      };
      await issue(s, 'open', NOW - 8 * DAY + 60_000, false);
      // Stored before an upgrade, under the key the bytes alone named.
      const sha = createHash('sha256').update(bytes).digest('hex');
      const legacy = `flow-media/${sha.slice(0, 2)}/${sha}.png`;
      await blobs.put(legacy, bytes, { contentType: 'image/png' });
      await s.flows.recordMedia({ ...lateRow('open', 'photo-1', legacy), size: bytes.length, sha256: sha });
      // After it, the customer sends the same picked file again.
      const service = new FlowMediaService({
        store: s,
        queue: new SqlQueue(s.db as unknown as Kysely<QueueTables>),
        logger: silentLogger(),
        now: () => NOW,
        deleteBlob: (key) => blobs.delete(key),
        storeItem: (it, _types, file) => storeFlowMedia(it, loopbackStorer(blobs, file.token)),
      });
      const { stored } = await service.storeNow(
        { flow: 'kyc', token: 'open', screen: 'FRONT', files: [{ item, limits: {} }] },
        5000,
      );
      // The file as its row describes it (the name it came with first).
      expect(stored).toEqual([
        {
          mediaId: 'photo-1',
          fileName: 'id.png',
          blobKey: legacy,
          mimeType: 'image/png',
          size: bytes.length,
          sha256: sha,
        },
      ]);
      expect(await s.flows.listMedia('open')).toMatchObject([{ media_id: 'photo-1', blob_key: legacy, error: null }]);
      const second = flowMediaBlobKey('open', 'photo-1', sha, 'png');
      expect(await blobs.stat(second)).toBeNull();
      // Abandoned, the flow leaves nothing behind.
      const sweeper = retentionOf(s, blobs, NOW + DAY);
      expect(await sweeper.sweep()).toBe(1);
      expect(await blobs.stat(legacy)).toBeNull();
    } finally {
      await cdn.close();
    }
  });
});
