// PreparedQuery against a real SQLite store: compiled once, run with each call's values, constants kept;
// a placeholder that is not bound exactly once is refused. And the flow token queries built on it.
import { afterEach, describe, expect, it } from 'vitest';
import { PreparedQuery } from './prepared.js';
import { Store } from './store.js';
import { tempDirs } from './temp-dirs.test-util.js';

const dir = tempDirs('flowgate-prepared-');
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
});

async function openStore(): Promise<Store> {
  store = await Store.open({ databaseUrl: null, dataDir: dir(), sqliteSynchronous: 'normal' });
  return store;
}

async function issue(s: Store, token: string, waId: string): Promise<void> {
  await s.flows.issueToken({
    token,
    flow: 'booking',
    waId,
    phoneNumberId: '106540352242922',
    data: null,
    now: 1,
    expiresAt: 2e12,
  });
}

describe('PreparedQuery', () => {
  it('runs the compiled query with each call’s values and keeps the constants the builder bound', async () => {
    const s = await openStore();
    await issue(s, 'tok-a', '16505550001');
    await issue(s, 'tok-b', '16505550002');
    await s.db.updateTable('flow_tokens').set({ state: 'completed' }).where('token', '=', 'tok-b').execute();
    let builds = 0;
    const open = new PreparedQuery<[string], { token: string; wa_id: string }>(1, (token) => {
      builds++;
      return s.db
        .selectFrom('flow_tokens')
        .select(['token', 'wa_id'])
        .where('token', '=', token)
        .where('state', '=', 'issued');
    });
    expect((await open.execute(s.db, 'tok-a')).rows).toEqual([{ token: 'tok-a', wa_id: '16505550001' }]);
    expect((await open.execute(s.db, 'tok-b')).rows).toEqual([]); // the constant 'issued' still applies
    expect((await open.execute(s.db, 'tok-missing')).rows).toEqual([]);
    expect(builds).toBe(1);
  });

  it('runs inside a transaction given as the database', async () => {
    const s = await openStore();
    await issue(s, 'tok-t', '16505550003');
    const states = new PreparedQuery<[string], { state: string }>(1, (token) =>
      s.db.selectFrom('flow_tokens').select('state').where('token', '=', token),
    );
    const seen = await s.transaction(async (trx) => {
      await trx.updateTable('flow_tokens').set({ state: 'in_progress' }).where('token', '=', 'tok-t').execute();
      return (await states.execute(trx, 'tok-t')).rows[0]?.state;
    });
    expect(seen).toBe('in_progress');
  });

  it('refuses a builder that binds a placeholder twice or not at all', async () => {
    const s = await openStore();
    const twice = new PreparedQuery<[string], unknown>(1, (token) =>
      s.db.selectFrom('flow_tokens').select('token').where('token', '=', token).where('wa_id', '=', token),
    );
    await expect(twice.execute(s.db, 'x')).rejects.toThrow('argument 0 is bound 2 times');
    const unused = new PreparedQuery<[string, string], unknown>(2, (token) =>
      s.db.selectFrom('flow_tokens').select('token').where('token', '=', token),
    );
    await expect(unused.execute(s.db, 'x', 'y')).rejects.toThrow('argument 1 is bound 0 times');
  });
});

describe('flow token queries', () => {
  it('finds a token with its contact when Flowgate knows the contact, and without one otherwise', async () => {
    const s = await openStore();
    await issue(s, 'tok-known', '16505550011');
    await issue(s, 'tok-new', '16505550012');
    await s.db
      .insertInto('contacts')
      .values({
        wa_id: '16505550011',
        phone: '+16505550011',
        profile_name: 'Ada',
        first_seen_at: 1,
        last_inbound_at: 1,
        updated_at: 1,
      })
      .execute();

    const known = await s.flows.getTokenWithContact('tok-known');
    expect(known?.row).toEqual(await s.flows.getToken('tok-known'));
    expect(known?.contact).toEqual({ wa_id: '16505550011', phone: '+16505550011', profile_name: 'Ada' });
    const fresh = await s.flows.getTokenWithContact('tok-new');
    expect(fresh?.row.wa_id).toBe('16505550012');
    expect(fresh?.contact).toBeNull();
    expect(await s.flows.getTokenWithContact('tok-none')).toBeNull();
  });

  it('records answers only while the token is open', async () => {
    const s = await openStore();
    await issue(s, 'tok-open', '16505550021');
    await s.flows.recordAnswer('tok-open', { DETAILS: { size: 'm' } });
    expect(await s.flows.getToken('tok-open')).toMatchObject({
      state: 'in_progress',
      screens: '{"DETAILS":{"size":"m"}}',
    });
    await s.db.updateTable('flow_tokens').set({ state: 'completed' }).where('token', '=', 'tok-open').execute();
    await s.flows.recordAnswer('tok-open', { DETAILS: { size: 'l' } });
    expect(await s.flows.getToken('tok-open')).toMatchObject({
      state: 'completed',
      screens: '{"DETAILS":{"size":"m"}}',
    });
  });
});
