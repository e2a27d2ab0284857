// Booking logic against a real SQLite database: the business-hours source, the date window, slot
// holds that exclude each other (also under many concurrent holds, and slots of different lengths that
// overlap), a lost race answered on SLOTS with fresh slots that keeps the loser's earlier hold, expiry of
// abandoned holds, confirmation, and the window recomputed when a day is refused.
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppsTables } from '../common/tables.js';
import { STALE_FORM_MESSAGE } from '../common/revision.js';
import { openTestStorage, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import type { StepInput, StepResult, Steps } from '../common/steps.js';
import { businessHoursAvailability } from './availability.js';
import { bookingSteps } from './steps.js';

// Monday 5 January 2026, 08:00 UTC.
const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

/** The dentist's booking steps, 09:00–12:00 Berlin, with slots of `slotMinutes`. */
function dentist(slotMinutes: number): Steps {
  return bookingSteps(
    {
      availability: businessHoursAvailability({ timeZone: 'Europe/Berlin', open: '09:00', close: '12:00', slotMinutes }),
      resource: 'dentist',
      timeZone: 'Europe/Berlin',
      windowDays: 14,
      holdMinutes: 10,
      minNoticeMinutes: 60,
      locale: 'en-GB',
    },
    () => db.storage,
  );
}

/**
 * The steps as a client per token drives them: a screen's request sends back the revision that screen was
 * shown with (its `${data.revision}`), and a SLOTS for a token that was never shown one comes after the DATE
 * that shows it (a client reaches SLOTS no other way).
 */
function driven(raw: Steps): Steps {
  const shown = new Map<string, string>();
  const key = (token: string, screen: string) => `${token}\n${screen}`;
  const send = (screen: string) => async (input: StepInput): Promise<StepResult> => {
    if (screen === 'SLOTS' && !shown.has(key(input.flowToken, 'SLOTS'))) {
      await send('DATE')({ ...input, data: { date: input.data.date } });
    }
    const revision = shown.get(key(input.flowToken, screen));
    const result = await raw.screens[screen]!(revision === undefined ? input : { ...input, data: { revision, ...input.data } });
    const target = result.kind === 'next' ? result.screen : screen;
    if (result.kind !== 'complete' && typeof result.data?.revision === 'string') {
      shown.set(key(input.flowToken, target), result.data.revision);
    }
    return result;
  };
  return { ...raw, screens: Object.fromEntries(Object.keys(raw.screens).map((id) => [id, send(id)])) };
}

beforeEach(async () => {
  db = await openTestStorage();
  steps = driven(dentist(60));
});
afterEach(async () => {
  await db.close();
});

const slotIds = (result: StepResult): string[] =>
  result.kind === 'complete' ? [] : ((result.data?.slots ?? []) as { id: string }[]).map((s) => s.id);

describe('business hours availability', () => {
  it('makes slots in the zone, DST-aware, and nothing on closed days', async () => {
    const source = businessHoursAvailability({ timeZone: 'Europe/Berlin', open: '09:00', close: '11:00', slotMinutes: 30 });
    const winter = await source.slots('2026-01-05', 'x');
    expect(winter.map((s) => s.start)).toEqual([
      '2026-01-05T08:00:00.000Z',
      '2026-01-05T08:30:00.000Z',
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T09:30:00.000Z',
    ]);
    expect(winter[0]).toMatchObject({ label: '09:00', end: '2026-01-05T08:30:00.000Z' });
    const summer = await source.slots('2026-07-06', 'x');
    expect(summer[0]?.start).toBe('2026-07-06T07:00:00.000Z');
    expect(await source.slots('2026-01-10', 'x')).toEqual([]);
    expect(await source.closedDays?.('2026-01-05', '2026-01-11', 'x')).toEqual(['2026-01-10', '2026-01-11']);
  });

  it('converts each slot on a day the clocks change within the opening hours', async () => {
    // Sunday 29 March 2026, Berlin: 02:00 CET becomes 03:00 CEST.
    const night = businessHoursAvailability({ timeZone: 'Europe/Berlin', days: [0], open: '01:00', close: '04:00', slotMinutes: 60 });
    expect((await night.slots('2026-03-29', 'x')).map((s) => [s.label, s.start])).toEqual([
      ['01:00', '2026-03-29T00:00:00.000Z'],
      // 02:00 does not exist that night: no slot, rather than 03:00's instant offered twice.
      ['03:00', '2026-03-29T01:00:00.000Z'],
    ]);
    // Opening in the skipped hour (Santiago changes at midnight) or closing in it (Chatham, 02:45 → 03:45):
    // every slot offered is a time that exists, on that day, and ends after it starts.
    const all = [0, 1, 2, 3, 4, 5, 6];
    const santiago = await businessHoursAvailability({ timeZone: 'America/Santiago', days: all, open: '00:00', close: '02:00', slotMinutes: 30 }).slots('2026-09-06', 'x');
    expect(santiago.map((s) => [s.label, s.start])).toEqual([
      ['01:00', '2026-09-06T04:00:00.000Z'],
      ['01:30', '2026-09-06T04:30:00.000Z'],
    ]);
    const chatham = await businessHoursAvailability({ timeZone: 'Pacific/Chatham', days: all, open: '02:00', close: '03:30', slotMinutes: 30 }).slots('2026-09-27', 'x');
    expect(chatham.map((s) => s.label)).toEqual(['02:00', '02:30']);
    const newYork = await businessHoursAvailability({ timeZone: 'America/New_York', days: all, open: '01:00', close: '02:30', slotMinutes: 30 }).slots('2026-03-08', 'x');
    expect(newYork.every((s) => Date.parse(s.end) > Date.parse(s.start))).toBe(true);
    // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET, and 02:00 comes twice; each slot once.
    const autumn = await night.slots('2026-10-25', 'x');
    expect(autumn.map((s) => s.label)).toEqual(['01:00', '02:00', '03:00']);
    expect(new Set(autumn.map((s) => s.start)).size).toBe(3);
    // The clocks changed before opening: every slot at the new offset.
    const day = businessHoursAvailability({ timeZone: 'Europe/Berlin', days: [0], open: '09:00', close: '10:00', slotMinutes: 30 });
    expect((await day.slots('2026-03-29', 'x')).map((s) => [s.label, s.start])).toEqual([
      ['09:00', '2026-03-29T07:00:00.000Z'],
      ['09:30', '2026-03-29T07:30:00.000Z'],
    ]);
  });
});

describe('booking steps', () => {
  it('INIT offers the booking window with the closed days greyed out', async () => {
    const result = await steps.init(stepInput('t1', {}, NOW));
    expect(result).toMatchObject({ kind: 'next', screen: 'DATE', data: { min_date: '2026-01-05', max_date: '2026-01-19' } });
    if (result.kind !== 'next') throw new Error('expected next');
    expect(result.data.unavailable_dates).toEqual(['2026-01-10', '2026-01-11', '2026-01-17', '2026-01-18']);
  });

  it('DATE lists the free slots, without those too soon, and refuses days outside the window', async () => {
    const today = await steps.screens.DATE!(stepInput('t1', { date: '2026-01-05' }, NOW));
    // 09:00 Berlin is 08:00 UTC = now, under the 60-minute notice.
    expect(slotIds(today)).toEqual(['2026-01-05T09:00:00.000Z', '2026-01-05T10:00:00.000Z']);
    expect(today).toMatchObject({ screen: 'SLOTS', data: { date: '2026-01-05', date_label: 'Monday, 5 January 2026' } });
    expect(await steps.screens.DATE!(stepInput('t1', { date: '2026-02-20' }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.DATE!(stepInput('t1', { date: '2026-01-10' }, NOW))).toMatchObject({ kind: 'error' });
  });

  it('holds a slot, answers the loser on SLOTS with fresh slots, and confirms the winner', async () => {
    const slot = '2026-01-06T08:00:00.000Z';
    const first = await steps.screens.SLOTS!(stepInput('winner', { date: '2026-01-06', slot }, NOW));
    expect(first).toMatchObject({ kind: 'next', screen: 'DETAILS', data: { slot_label: 'Tuesday, 6 January 2026 at 09:00' } });

    const lost = await steps.screens.SLOTS!(stepInput('loser', { date: '2026-01-06', slot }, NOW));
    expect(lost).toMatchObject({ kind: 'error', message: expect.stringContaining('just booked') as string });
    expect(slotIds(lost)).toEqual(['2026-01-06T09:00:00.000Z', '2026-01-06T10:00:00.000Z']);

    // The winner still sees its own slot (going back to DATE, then on to SLOTS again).
    const own = await steps.screens.DATE!(stepInput('winner', { date: '2026-01-06' }, NOW));
    expect(slotIds(own)).toContain(slot);
    expect(await steps.screens.SLOTS!(stepInput('winner', { date: '2026-01-06', slot }, NOW))).toMatchObject({ kind: 'next' });

    const details = await steps.screens.DETAILS!(stepInput('winner', { name: 'Ada Lovelace', email: 'ada@example.com', notes: '' }, NOW));
    expect(details).toMatchObject({ screen: 'CONFIRM', data: { name: 'Ada Lovelace', notes: 'No notes' } });
    const confirmed = await steps.screens.CONFIRM!(stepInput('winner', { confirm: true }, NOW + 60_000));
    expect(confirmed).toMatchObject({ kind: 'complete', params: { slot_start: slot } });
    // A repeated CONFIRM (client retry) completes again with the same booking.
    expect(await steps.screens.CONFIRM!(stepInput('winner', { confirm: true }, NOW + 61_000))).toEqual(confirmed);

    expect(await steps.confirmation?.('loser')).toBeNull();
    await steps.completed('winner', NOW + 120_000, { keepOnlyMedia: () => Promise.resolve(0) });
    expect(await steps.confirmation?.('winner')).toMatch(/^Your appointment is confirmed for Tuesday, 6 January 2026 at 09:00\. Booking number: \d+\.$/);
    const bookings = await db.storage.bookings.list('dentist');
    expect(bookings).toHaveLength(1);
    expect(bookings[0]).toMatchObject({ flowToken: 'winner', status: 'confirmed', name: 'Ada Lovelace', completedAt: NOW + 120_000 });
    expect((await db.storage.record('booking', 'winner'))?.completedAt).toBe(NOW + 120_000);
  });

  it('lets exactly one of many concurrent holds win', async () => {
    const slot = '2026-01-07T09:00:00.000Z';
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => steps.screens.SLOTS!(stepInput(`racer-${i}`, { date: '2026-01-07', slot }, NOW))),
    );
    expect(results.filter((r) => r.kind === 'next')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'error')).toHaveLength(24);
    expect(await db.storage.bookings.list('dentist')).toHaveLength(1);
  });

  it('is guarded by the database itself: a second row for the same slot violates the unique index', async () => {
    const db2 = db.store.db as unknown as Kysely<AppsTables>;
    const row = {
      resource: 'dentist',
      slot_start: '2026-01-09T08:00:00.000Z',
      slot_end: '2026-01-09T09:00:00.000Z',
      wa_id: '1',
      status: 'confirmed',
      created_at: NOW,
    };
    await db2.insertInto('app_bookings').values({ ...row, flow_token: 'a' }).execute();
    await expect(db2.insertInto('app_bookings').values({ ...row, flow_token: 'b' }).execute()).rejects.toThrow(/UNIQUE/);
    // Another resource may use the same time.
    await db2.insertInto('app_bookings').values({ ...row, resource: 'hygienist', flow_token: 'c' }).execute();
  });

  it('frees an abandoned hold after it expires, and releases the previous choice of the same flow', async () => {
    const slot = '2026-01-08T08:00:00.000Z';
    await steps.screens.SLOTS!(stepInput('slow', { date: '2026-01-08', slot }, NOW));
    const later = NOW + 11 * 60_000;
    expect(await steps.screens.SLOTS!(stepInput('fast', { date: '2026-01-08', slot }, later))).toMatchObject({ kind: 'next' });
    // "slow" lost its hold: CONFIRM says so instead of booking.
    await steps.screens.DETAILS!(stepInput('slow', { name: 'Slow Poke', email: 'slow@example.com' }, later));
    expect(await steps.screens.CONFIRM!(stepInput('slow', {}, later))).toMatchObject({ kind: 'error' });

    await steps.screens.SLOTS!(stepInput('fast', { date: '2026-01-08', slot: '2026-01-08T09:00:00.000Z' }, later));
    const held = await db.storage.bookings.list('dentist');
    expect(held.map((b) => [b.flowToken, b.slotStart])).toEqual([['fast', '2026-01-08T09:00:00.000Z']]);
  });

  it('does not confirm a held slot that has become too soon while the customer was on CONFIRM', async () => {
    // Held at 08:00 UTC for 10:00 Berlin (09:00 UTC), confirmed at 08:30: under the 60-minute notice.
    const slot = '2026-01-05T09:00:00.000Z';
    expect(await steps.screens.SLOTS!(stepInput('late', { date: '2026-01-05', slot }, NOW))).toMatchObject({ kind: 'next' });
    await steps.screens.DETAILS!(stepInput('late', { name: 'Late Comer', email: 'late@example.com' }, NOW));
    const refused = await steps.screens.CONFIRM!(stepInput('late', {}, NOW + 30 * 60_000));
    expect(refused).toMatchObject({ kind: 'error', message: expect.stringContaining('too soon') as string });
    expect((await db.storage.bookings.list('dentist')).map((b) => b.status)).toEqual(['held']);
    expect(await db.storage.record('booking', 'late')).toMatchObject({ status: 'draft' });
    // Past the slot's start as well.
    expect(await steps.screens.CONFIRM!(stepInput('late', {}, NOW + 90 * 60_000))).toMatchObject({ kind: 'error' });
    expect((await db.storage.bookings.list('dentist')).map((b) => b.status)).toEqual(['held']);
  });

  it('offers every free slot of a long day (a Dropdown holds up to 200)', async () => {
    const quarterHours = driven(bookingSteps(
      {
        availability: businessHoursAvailability({ timeZone: 'UTC', open: '09:00', close: '17:00', slotMinutes: 15 }),
        resource: 'clinic',
        timeZone: 'UTC',
        windowDays: 14,
        holdMinutes: 10,
        minNoticeMinutes: 0,
        locale: 'en-GB',
      },
      () => db.storage,
    ));
    const offered = slotIds(await quarterHours.screens.DATE!(stepInput('t', { date: '2026-01-06' }, NOW)));
    expect(offered).toHaveLength(32);
    expect(offered.at(-1)).toBe('2026-01-06T16:45:00.000Z');
    expect(
      await quarterHours.screens.SLOTS!(stepInput('t', { date: '2026-01-06', slot: '2026-01-06T16:45:00.000Z' }, NOW)),
    ).toMatchObject({ kind: 'next', screen: 'DETAILS' });
  });

  it('refuses slots that are not offered and bad details', async () => {
    expect(await steps.screens.SLOTS!(stepInput('t', { date: '2026-01-06', slot: '2026-01-06T08:15:00.000Z' }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Please pick one of the times shown.',
    });
    expect(await steps.screens.DETAILS!(stepInput('t', { name: 'A', email: 'a@example.com' }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.DETAILS!(stepInput('t', { name: 'Ann', email: 'nope' }, NOW))).toMatchObject({ kind: 'error' });
  });

  it('counts a booking against every slot it overlaps, whatever the slot length', async () => {
    // Ann books 09:00–10:00 (Berlin) with 60-minute slots.
    const ann = '2026-01-06T08:00:00.000Z';
    await steps.screens.SLOTS!(stepInput('ann', { date: '2026-01-06', slot: ann }, NOW));
    await steps.screens.DETAILS!(stepInput('ann', { name: 'Ann Lee', email: 'ann@example.com' }, NOW));
    expect(await steps.screens.CONFIRM!(stepInput('ann', {}, NOW))).toMatchObject({ kind: 'complete' });
    // Then the same resource switches to 30-minute slots: 09:00 and 09:30 are both inside Ann's hour.
    const halfHours = driven(dentist(30));
    const offered = slotIds(await halfHours.screens.DATE!(stepInput('bob', { date: '2026-01-06' }, NOW)));
    expect(offered[0]).toBe('2026-01-06T09:00:00.000Z');
    expect(offered).not.toContain('2026-01-06T08:30:00.000Z');
    const overlapping = await halfHours.screens.SLOTS!(
      stepInput('bob', { date: '2026-01-06', slot: '2026-01-06T08:30:00.000Z' }, NOW),
    );
    expect(overlapping).toMatchObject({ kind: 'error', message: expect.stringContaining('just booked') as string });
    const bookings = await db.storage.bookings.list('dentist');
    expect(bookings.map((b) => [b.flowToken, b.slotStart, b.status])).toEqual([['ann', ann, 'confirmed']]);
  });

  it('refuses the screens of a stale copy of the form (open twice): CONFIRM books only what its copy showed', async () => {
    const raw = dentist(60);
    const [phone, desktop] = [driven(raw), driven(raw)];
    const [nine, ten] = ['2026-01-06T08:00:00.000Z', '2026-01-06T09:00:00.000Z'];
    await phone.screens.SLOTS!(stepInput('t', { date: '2026-01-06', slot: nine }, NOW));
    expect(await phone.screens.DETAILS!(stepInput('t', { name: 'Phone Person', email: 'p@example.com' }, NOW))).toMatchObject({
      screen: 'CONFIRM',
    });
    // The same token opened on the desktop starts again: another time, other details.
    await desktop.screens.SLOTS!(stepInput('t', { date: '2026-01-06', slot: ten }, NOW));
    expect(await phone.screens.CONFIRM!(stepInput('t', { confirm: true }, NOW))).toEqual({ kind: 'error', message: STALE_FORM_MESSAGE });
    expect(await phone.screens.DETAILS!(stepInput('t', { name: 'Phone Person', email: 'p@example.com' }, NOW))).toEqual({
      kind: 'error',
      message: STALE_FORM_MESSAGE,
    });
    await desktop.screens.DETAILS!(stepInput('t', { name: 'Desk Person', email: 'd@example.com' }, NOW));
    expect(await desktop.screens.CONFIRM!(stepInput('t', { confirm: true }, NOW))).toMatchObject({
      kind: 'complete',
      params: { slot_start: ten },
    });
    const bookings = await db.storage.bookings.list('dentist');
    expect(bookings.map((b) => [b.flowToken, b.slotStart, b.status])).toEqual([['t', ten, 'confirmed']]);
    expect((await db.storage.record('booking', 't'))?.data).toMatchObject({ name: 'Desk Person', slot_start: ten });
  });

  it('does not confirm a hold that is not the time CONFIRM showed', async () => {
    await steps.screens.SLOTS!(stepInput('t', { date: '2026-01-06', slot: '2026-01-06T08:00:00.000Z' }, NOW));
    await steps.screens.DETAILS!(stepInput('t', { name: 'Ann Lee', email: 'ann@example.com' }, NOW));
    // The token's hold moved without its draft (a write that did not happen after the hold).
    await db.storage.bookings.hold({
      resource: 'dentist',
      slotStart: '2026-01-06T10:00:00.000Z',
      slotEnd: '2026-01-06T11:00:00.000Z',
      flowToken: 't',
      waId: '15550001111',
      now: NOW,
      expiresAt: NOW + 600_000,
    });
    expect(await steps.screens.CONFIRM!(stepInput('t', { confirm: true }, NOW))).toEqual({
      kind: 'error',
      message: 'Your time changed in another window. Please go back and pick a time.',
    });
    expect((await db.storage.bookings.byToken('t'))?.status).toBe('held');
  });

  it('keeps the hold a customer has when the other time they try is taken', async () => {
    await steps.screens.SLOTS!(stepInput('ann', { date: '2026-01-06', slot: '2026-01-06T08:00:00.000Z' }, NOW));
    await steps.screens.SLOTS!(stepInput('bob', { date: '2026-01-06', slot: '2026-01-06T09:00:00.000Z' }, NOW));
    const lost = await steps.screens.SLOTS!(stepInput('ann', { date: '2026-01-06', slot: '2026-01-06T09:00:00.000Z' }, NOW));
    expect(lost).toMatchObject({ kind: 'error' });
    const held = await db.storage.bookings.list('dentist');
    expect(held.map((b) => [b.flowToken, b.slotStart]).sort()).toEqual([
      ['ann', '2026-01-06T08:00:00.000Z'],
      ['bob', '2026-01-06T09:00:00.000Z'],
    ]);
  });

  it('never holds or offers a slot of a day outside the window or closed, whatever SLOTS is sent', async () => {
    const refused = { kind: 'error', message: 'Please go back and pick a day within the booking window.' };
    // Far ahead, one day past the 14-day window, in the past, and a closed Sunday (Berlin hours: weekdays).
    for (const [date, slot] of [
      ['9999-12-31', '9999-12-31T09:00:00.000Z'],
      ['2026-01-20', '2026-01-20T08:00:00.000Z'],
      ['2026-01-21', '2026-01-21T08:00:00.000Z'],
      ['2026-01-02', '2026-01-02T08:00:00.000Z'],
      ['2026-01-11', '2026-01-11T08:00:00.000Z'],
    ] as const) {
      // The SLOTS screen of a day that was bookable, sent back with another day.
      await steps.screens.DATE!(stepInput('t', { date: '2026-01-06' }, NOW));
      const result = await steps.screens.SLOTS!(stepInput('t', { date, slot }, NOW));
      expect(result, date).toEqual(refused);
    }
    expect(await db.storage.bookings.byToken('t')).toBeNull();
    // DETAILS without a held time goes back to it instead of on to a CONFIRM with no time.
    const { revision } = await db.storage.draft('booking', 't');
    expect(await steps.screens.DETAILS!(stepInput('t', { name: 'Ann', email: 'ann@example.com', revision }, NOW))).toEqual({
      kind: 'error',
      message: 'Please go back and pick a time.',
    });
  });

  it('refuses a day that left the window with the window as it is now', async () => {
    // Opened on Monday; by Tuesday 00:01 Berlin, Monday is no longer bookable.
    const tuesday = Date.parse('2026-01-05T23:01:00Z');
    const refused = await steps.screens.DATE!(stepInput('t', { date: '2026-01-05' }, tuesday));
    expect(refused).toMatchObject({
      kind: 'error',
      message: 'Please pick a day within the booking window.',
      data: { min_date: '2026-01-06', max_date: '2026-01-20' },
    });
  });

  it('compares instants however the availability source spells them', async () => {
    // A custom source writes instants without milliseconds; the stored ones are normalised.
    const held = await db.storage.bookings.hold({
      resource: 'dentist',
      slotStart: '2026-01-07T08:00:00Z',
      slotEnd: '2026-01-07T08:30:00Z',
      flowToken: 'short',
      waId: '15550001111',
      now: NOW,
      expiresAt: NOW + 600_000,
    });
    expect(held).toMatchObject({ ok: true, booking: { slotStart: '2026-01-07T08:00:00.000Z' } });
    // The adjacent half hour, spelt with milliseconds, does not overlap it.
    const next = await db.storage.bookings.hold({
      resource: 'dentist',
      slotStart: '2026-01-07T08:30:00.000Z',
      slotEnd: '2026-01-07T09:00:00.000Z',
      flowToken: 'adjacent',
      waId: '15550002222',
      now: NOW,
      expiresAt: NOW + 600_000,
    });
    expect(next).toMatchObject({ ok: true });
    expect(await db.storage.bookings.busy('dentist', '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z', NOW)).toHaveLength(2);
  });
});
