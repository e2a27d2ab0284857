// Picker files of abandoned flows, against a real SQLite store and the filesystem blob store: the
// files of a token that expired without completing are deleted and their rows marked purged; files of
// a completed flow, and of a token still open, stay.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../blobs/index.js';
import { silentLogger } from '../log/index.js';
import { Store } from '../store/store.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { AbandonedMediaSweeper } from './media-retention.js';

const dir = tempDirs('flowgate-retention-');
const NOW = Date.parse('2026-12-03T12:00:00Z');
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
});

describe('AbandonedMediaSweeper', () => {
  it('deletes the files of expired, never-completed flows and keeps the rest', async () => {
    const s = (store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' }));
    const blobs = new FileBlobStore({ root: dir(), secret: randomBytes(32) });
    const tokens = { abandoned: NOW - 1, completed: NOW - 1, open: NOW + 3_600_000 };
    for (const [token, expiresAt] of Object.entries(tokens)) {
      await s.flows.issueToken({
        token,
        flow: 'kyc',
        waId: '15551234567',
        phoneNumberId: null,
        data: null,
        now: 0,
        expiresAt,
      });
      const key = `flow-media/${token}/front.png`;
      await blobs.put(key, Buffer.from(`id card of ${token}`), { contentType: 'image/png' });
      await s.flows.recordMedia({
        flow: 'kyc',
        token,
        screen: 'FRONT',
        media_id: `m-${token}`,
        file_name: 'front.png',
        blob_key: key,
        mime_type: 'image/png',
        size: 20,
        sha256: 'ab'.repeat(32),
        error: null,
        created_at: 0,
      });
    }
    await s.db.updateTable('flow_tokens').set({ state: 'completed' }).where('token', '=', 'completed').execute();
    const sweeper = new AbandonedMediaSweeper({
      store: s,
      deleteBlob: (key) => blobs.delete(key),
      logger: silentLogger(),
      now: () => NOW,
    });

    expect(await sweeper.sweep()).toBe(1);
    expect(await blobs.stat('flow-media/abandoned/front.png')).toBeNull();
    expect(await s.flows.listMedia('abandoned')).toMatchObject([
      { media_id: 'm-abandoned', blob_key: null, error: 'purged' },
    ]);
    for (const kept of ['completed', 'open']) {
      expect(await blobs.stat(`flow-media/${kept}/front.png`)).not.toBeNull();
      expect(await s.flows.listMedia(kept)).toMatchObject([{ blob_key: `flow-media/${kept}/front.png`, error: null }]);
    }
    // Nothing is left to do, and a second sweep changes nothing.
    expect(await sweeper.sweep()).toBe(0);
  });
});
