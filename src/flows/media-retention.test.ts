// Picker files of abandoned flows, against a real SQLite store and the filesystem blob store: a week
// after a token expired without completing, files only it received are deleted and their rows marked
// purged. Files are named by their content (as storeFlowMedia names them), so a file a completed flow
// or an open token also received stays, as do the files of completed flows and of recent expiries.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../blobs/index.js';
import { silentLogger } from '../log/index.js';
import { Store } from '../store/store.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { AbandonedMediaSweeper, SWEEP_GRACE_MS } from './media-retention.js';

const dir = tempDirs('flowgate-retention-');
const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
});

/** The key storeFlowMedia gives these bytes. */
function keyOf(content: string): string {
  const sha = createHash('sha256').update(content).digest('hex');
  return `flow-media/${sha.slice(0, 2)}/${sha}.png`;
}

describe('AbandonedMediaSweeper', () => {
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
      await s.flows.issueToken({
        token,
        flow: 'kyc',
        waId: '15551234567',
        phoneNumberId: null,
        data: null,
        now: 0,
        expiresAt,
      });
      if (completed)
        await s.db.updateTable('flow_tokens').set({ state: 'completed' }).where('token', '=', token).execute();
      await blobs.put(keyOf(content), Buffer.from(content), { contentType: 'image/png' });
      await s.flows.recordMedia({
        flow: 'kyc',
        token,
        screen: 'FRONT',
        media_id: `m-${token}`,
        file_name: 'front.png',
        blob_key: keyOf(content),
        mime_type: 'image/png',
        size: content.length,
        sha256: 'ab'.repeat(32),
        error: null,
        created_at: 0,
      });
    }
    const sweeper = new AbandonedMediaSweeper({
      store: s,
      deleteBlob: (key) => blobs.delete(key),
      logger: silentLogger(),
      now: () => NOW,
    });
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
    const later = new AbandonedMediaSweeper({
      store: s,
      deleteBlob: (key) => blobs.delete(key),
      logger: silentLogger(),
      now: () => NOW + 30 * DAY,
    });
    expect(await later.sweep()).toBe(1); // only 'open', which expired uncompleted since
    expect(await blobs.stat(keyOf(tokens.recent![2]))).not.toBeNull();
    expect(await blobs.stat(keyOf(tokens.open![2]))).toBeNull();
  });
});
