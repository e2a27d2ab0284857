import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, SqliteDialect, sql, type Compilable } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './temp-dirs.test-util.js';
import { migrationProvider } from './migrations.js';
import { Store } from './store.js';

const tempDir = tempDirs('flowgate-migrate-');

describe('0007_inbox_file', () => {
  it('moves the inbox to its own file and keeps its bodies readable and its pending rows pending', async () => {
    const dir = tempDir();
    const path = join(dir, 'flowgate.db');
    const before = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
    const migrated = await new Migrator({ db: before, provider: migrationProvider('sqlite') }).migrateTo('0006_media');
    expect(migrated.error).toBeUndefined();
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    // 1, 2 dispatched; 3 pending; 4 dispatched after it (an earlier `inbox reprocess`).
    await sql`insert into inbox (received_at, body, headers, processed_at, event_count)
              values (1000, ${body}, '{"content-type":"application/json"}', 1500, 1),
                     (2000, ${Buffer.from('second')}, '{}', 2500, 0),
                     (3000, ${Buffer.from('third')}, '{}', null, null),
                     (4000, ${Buffer.from('fourth')}, '{}', 4500, 2)`.execute(before);
    await before.destroy();

    const store = await Store.open({ databaseUrl: null, dataDir: dir, sqliteSynchronous: 'normal' });
    try {
      const main = await sql<{ name: string }>`select name from sqlite_master`.execute(store.db);
      expect(main.rows.map((r) => r.name)).not.toContain('inbox');
      expect(main.rows.map((r) => r.name)).not.toContain('events_wa_id');
      expect(existsSync(join(dir, 'flowgate-inbox.db'))).toBe(true);

      const first = (await store.inbox.get(1))!;
      expect([Buffer.from(first.body).toString(), first.headers, first.processedAt, first.eventCount]).toEqual([
        body.toString(),
        { 'content-type': 'application/json' },
        1500,
        1,
      ]);
      // The dispatched rows stay a prefix: 4 goes back to pending with 3 (its replay is a dedup no-op).
      expect((await store.inbox.pending(10)).map((r) => [r.id, Buffer.from(r.body).toString()])).toEqual([
        [3, 'third'],
        [4, 'fourth'],
      ]);
      expect(await store.inbox.counts()).toEqual({ total: 4, pending: 2 });

      // New bodies continue the ids, and are pending until dispatched.
      const [id] = await store.inbox.append([{ body: Buffer.from('fifth'), headers: {}, receivedAt: 5000 }]);
      expect(id).toBe(5);
      await store.transaction((trx) =>
        store.inbox.markManyProcessed(
          trx,
          [3, 4, 5].map((n) => ({ id: n, eventCount: 1 })),
          6000,
        ),
      );
      expect(await store.inbox.pending(10)).toEqual([]);
      expect((await store.inbox.get(5))!.processedAt).toBe(6000);

      // `inbox reprocess --since`: everything from the first body received then is pending again.
      expect(await store.inbox.requeueSince(3500)).toBe(2);
      expect((await store.inbox.pending(10)).map((r) => r.id)).toEqual([4, 5]);
    } finally {
      await store.close();
    }
  });

  it('refuses to start when the inbox file is gone but the main database dispatched rows', async () => {
    const dir = tempDir();
    const settings = { databaseUrl: null, dataDir: dir, sqliteSynchronous: 'normal' } as const;
    const store = await Store.open(settings);
    const [id] = await store.inbox.append([{ body: Buffer.from('x'), headers: {}, receivedAt: 1 }]);
    await store.transaction((trx) => store.inbox.markProcessed(trx, id!, 0, 2));
    await store.close();
    rmSync(join(dir, 'flowgate-inbox.db'));
    await expect(Store.open(settings)).rejects.toMatchObject({ code: 'flowgate.store.inbox_missing' });
    // Nothing is left open: the last connection to close removes the WAL (and no checkpoint thread writes on).
    expect(existsSync(join(dir, 'flowgate.db-wal'))).toBe(false);
    expect(existsSync(join(dir, 'flowgate-inbox.db-wal'))).toBe(false);
  });
});

describe('0009_flow_media_sweep and 0010_flow_errors_token', () => {
  it('give the sweep and the per-token error count their indexes', async () => {
    const store = await Store.open({ databaseUrl: null, dataDir: tempDir(), sqliteSynchronous: 'normal' });
    try {
      const plan = async (query: ReturnType<typeof sql>) =>
        JSON.stringify((await sql`explain query plan ${query}`.execute(store.db)).rows);
      expect(await plan(sql`select count(*) from flow_errors where token = ${'t'}`)).toContain('flow_errors_token');
      expect(await plan(sql`select id from flow_media where blob_key = ${'k'}`)).toContain('flow_media_blob_key');
    } finally {
      await store.close();
    }
  });
});

describe('0011_app_drafts_sweep', () => {
  it('gives the sweep of abandoned drafts and held slots indexes that hold only those rows', async () => {
    const store = await Store.open({ databaseUrl: null, dataDir: tempDir(), sqliteSynchronous: 'normal' });
    try {
      // The plan with the values bound as the store binds them (a partial index needs the value to match).
      const plan = async (query: Compilable) => {
        const { sql: text, parameters } = query.compile();
        return JSON.stringify(
          (await store.db.executeQuery(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]))).rows,
        );
      };
      const db = store.db.withTables<{
        app_records: { id: number; flow_token: string; status: string };
        app_bookings: { id: number; flow_token: string; status: string };
      }>();
      const drafts = db.selectFrom('app_records').select('id').where('status', '=', 'draft');
      const holds = db.selectFrom('app_bookings').select('id').where('status', '=', 'held');
      expect(await plan(drafts)).toContain('app_records_drafts');
      expect(await plan(holds)).toContain('app_bookings_held');
    } finally {
      await store.close();
    }
  });
});

describe('0013_flow_media_released', () => {
  it('counts the releases done before it as done, so the media sweep does not run them again', async () => {
    const dir = tempDir();
    const before = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new SQLite(join(dir, 'flowgate.db')) }),
    });
    const migrated = await new Migrator({ db: before, provider: migrationProvider('sqlite') }).migrateTo(
      '0012_flow_media_kept',
    );
    expect(migrated.error).toBeUndefined();
    // A flow released by an earlier version (media_kept written by the release), and one that kept every file.
    await sql`insert into flow_tokens (token, flow, wa_id, state, created_at, expires_at, completed_at, media_kept)
              values ('released', 'kyc', '15551234567', 'completed', 1, 2, 1500, '["front","back"]'),
                     ('kept-all', 'kyc', '15551234567', 'completed', 1, 2, 1600, null)`.execute(before);
    await before.destroy();

    const store = await Store.open({ databaseUrl: null, dataDir: dir, sqliteSynchronous: 'normal' });
    try {
      expect(await store.flows.unreleasedMedia(10)).toEqual([]);
      expect(await store.flows.getToken('released')).toMatchObject({ media_released_at: 1500 });
      expect(await store.flows.getToken('kept-all')).toMatchObject({ media_released_at: null });
    } finally {
      await store.close();
    }
  });
});
