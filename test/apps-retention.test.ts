// What the ready flows keep of flows never completed, against a real SQLite store: the apps' own storage
// (SqlAppStorage) writes drafts and holds a slot as the flows do, the flow runtime's sweep deletes those of
// tokens that expired uncompleted more than a grace period ago, and keeps the drafts of open flows, of
// recent expiries and of completed flows, submitted records and confirmed bookings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../src/apps/common/test-db.test-util.js';
import { AppDraftRetention } from '../src/flows/draft-retention.js';
import { SWEEP_GRACE_MS } from '../src/flows/media-retention.js';
import { silentLogger } from '../src/log/index.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const WA_ID = '15551234567';
let db: TestStorage;

beforeEach(async () => {
  db = await openTestStorage();
});
afterEach(async () => {
  await db.close();
});

async function issue(token: string, expiresAt: number, state: 'in_progress' | 'completed' | 'expired'): Promise<void> {
  await db.store.flows.issueToken({
    token,
    flow: 'booking',
    waId: WA_ID,
    phoneNumberId: null,
    data: null,
    now: 0,
    expiresAt,
  });
  await db.store.db.updateTable('flow_tokens').set({ state }).where('token', '=', token).execute();
}

/** A booking flow that got as far as DETAILS: its slot held for ten minutes, the details in its draft. */
async function bookingUpToDetails(token: string, day: number, at: number): Promise<void> {
  const slotStart = new Date(NOW + day * DAY).toISOString();
  const slotEnd = new Date(NOW + day * DAY + 3_600_000).toISOString();
  const held = await db.storage.bookings.hold({
    resource: 'clinic',
    slotStart,
    slotEnd,
    flowToken: token,
    waId: WA_ID,
    now: at,
    expiresAt: at + 600_000,
  });
  expect(held.ok).toBe(true);
  await db.storage.saveDraft(
    'booking',
    token,
    WA_ID,
    { name: 'Ada Lovelace', email: 'ada@example.com', notes: 'Allergic to latex' },
    at,
  );
}

const sweeper = (now: number, batch?: number) =>
  new AppDraftRetention({
    store: db.store,
    logger: silentLogger(),
    now: () => now,
    ...(batch === undefined ? {} : { batch }),
  });

const heldTokens = async () => (await db.storage.bookings.list('clinic')).map((b) => [b.flowToken, b.status]);

describe('AppDraftRetention', () => {
  it('deletes drafts and held slots of flows expired uncompleted past the grace, and keeps the rest', async () => {
    expect(SWEEP_GRACE_MS).toBe(7 * DAY);
    // token → [expiry, state]; every flow started ten days ago, none of them shares a slot.
    const tokens: Record<string, [number, 'in_progress' | 'completed' | 'expired']> = {
      abandoned: [NOW - 8 * DAY, 'in_progress'],
      marked: [NOW - 9 * DAY, 'expired'],
      recent: [NOW - DAY, 'in_progress'],
      open: [NOW + DAY, 'in_progress'],
      completed: [NOW - 8 * DAY, 'completed'],
    };
    let day = 1;
    for (const [token, [expiresAt, state]] of Object.entries(tokens)) {
      await issue(token, expiresAt, state);
      await bookingUpToDetails(token, day++, NOW - 10 * DAY);
    }
    const details = { name: 'Ada Lovelace', email: 'ada@example.com', notes: null };
    expect(await db.storage.bookings.confirm('completed', details, NOW - 10 * DAY, 0)).not.toBeNull();
    await db.storage.submit('booking', 'completed', WA_ID, details, 'submitted', NOW - 10 * DAY);
    // A flow the endpoint answered SUCCESS for whose handler never submitted: completed, its draft is its record.
    await issue('finished', NOW - 8 * DAY, 'completed');
    await db.storage.saveDraft('booking', 'finished', WA_ID, { name: 'Grace Hopper' }, NOW - 10 * DAY);

    // Bounded: one draft and one held slot a sweep.
    expect(await sweeper(NOW, 1).sweep()).toEqual({ drafts: 1, holds: 1 });
    expect(await sweeper(NOW, 1).sweep()).toEqual({ drafts: 1, holds: 1 });
    expect(await sweeper(NOW).sweep()).toEqual({ drafts: 0, holds: 0 });

    for (const gone of ['abandoned', 'marked']) expect(await db.storage.record('booking', gone), gone).toBeNull();
    for (const kept of ['recent', 'open', 'finished']) {
      expect(await db.storage.record('booking', kept), kept).toMatchObject({ status: 'draft' });
    }
    expect(await db.storage.record('booking', 'completed')).toMatchObject({ status: 'submitted', data: details });
    expect(await heldTokens()).toEqual([
      ['recent', 'held'],
      ['open', 'held'],
      ['completed', 'confirmed'],
    ]);

    // A month on, the flows open then have expired uncompleted too; what completed stays.
    expect(await sweeper(NOW + 30 * DAY).sweep()).toEqual({ drafts: 2, holds: 2 });
    for (const gone of ['recent', 'open']) expect(await db.storage.record('booking', gone), gone).toBeNull();
    expect(await db.storage.record('booking', 'finished')).toMatchObject({ status: 'draft' });
    expect(await db.storage.record('booking', 'completed')).toMatchObject({ status: 'submitted' });
    expect(await heldTokens()).toEqual([['completed', 'confirmed']]);
  });
});
