// The seven ready flows end to end over loopback: Flowgate serves them at /flows/<name>, the
// emulator sends the Flow messages and its Flow client (encrypting like WhatsApp and checking every
// answer against the Flow JSON) walks INIT → screens → SUCCESS, then the nfm_reply webhook completes
// the stored record. Every screen is driven through submit(): the test fills the form as a user would
// and the client sends what the Flow JSON's Footer action says, so a Flow JSON whose payload does not
// carry what its handler reads fails here. Booking is raced by many customers for one slot (exactly
// one wins); KYC and expense send real PNG/PDF bytes through the encrypted picker media path into the
// blob store, bounded by the pickers' own limits.
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredFlowMedia } from '../src/flows/index.js';
import type { FlowSubmitResult } from '../src/emulator/index.js';
import { addDays, weekday } from '../src/apps/common/dates.js';
import { STALE_FORM_MESSAGE } from '../src/apps/common/revision.js';
import { startAppsHarness, pdfBytes, pngBytes, type AppsHarness } from './apps-helpers.js';
import { waitFor } from './helpers.js';

let h: AppsHarness;

beforeAll(async () => {
  h = await startAppsHarness({
    booking: { resource: 'clinic', hours: { timeZone: 'UTC', open: '09:00', close: '12:00', slotMinutes: 60 } },
    kyc: { maxFileSizeKb: 64 },
  });
}, 60_000);
afterAll(async () => {
  await h.stop();
});

function screen(response: FlowSubmitResult, id: string): Extract<FlowSubmitResult, { kind: 'screen' }> {
  expect(response, JSON.stringify(response)).toMatchObject({ kind: 'screen', screen: id });
  if (response.kind !== 'screen') throw new Error(`expected screen ${id}`);
  return response;
}

/** Completes the flow: SUCCESS params → nfm_reply → the app record is marked completed. */
async function finish(app: string, token: string, response: FlowSubmitResult): Promise<Record<string, unknown>> {
  if (response.kind !== 'success') throw new Error(`expected SUCCESS, got ${JSON.stringify(response)}`);
  expect(response.params.flow_token).toBe(token);
  // The client posted the nfm_reply with these params when the endpoint answered SUCCESS.
  expect(response.wamid).toMatch(/^wamid\./);
  const record = await waitFor(
    async () => {
      const r = await h.storage.record(app, token);
      return r?.completedAt != null ? r : undefined;
    },
    10_000,
    `${app} completed`,
  );
  return record.data;
}

async function blobBytes(media: StoredFlowMedia): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const piece of (await h.blobs.get(media.blobKey)) as AsyncIterable<Buffer> & Readable) chunks.push(piece);
  return Buffer.concat(chunks);
}

describe('booking', () => {
  it('books a slot end to end, and exactly one of many racing customers gets a contested slot', async () => {
    const racers: Awaited<ReturnType<AppsHarness['open']>>[] = [];
    for (let i = 0; i < 8; i++) racers.push(await h.open('booking', `1555100000${i}`));
    const inits = await Promise.all(racers.map(({ session }) => session.init()));
    const date = screen(inits[0]!, 'DATE').data;
    const unavailable = date.unavailable_dates as string[];
    let day = addDays(date.min_date as string, 1);
    while (unavailable.includes(day) || weekday(day) === 0 || weekday(day) === 6) day = addDays(day, 1);

    const slotScreens = await Promise.all(racers.map(({ session }) => session.submit('DATE', { date: day })));
    const slots = screen(slotScreens[0]!, 'SLOTS').data.slots as { id: string; title: string }[];
    expect(slots.map((s) => s.title)).toEqual(['09:00', '10:00', '11:00']);
    const contested = slots[0]!.id;

    const answers = await Promise.all(racers.map(({ session }) => session.submit('SLOTS', { slot: contested })));
    const winners = answers.flatMap((a, i) => (a.kind === 'screen' && a.screen === 'DETAILS' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const [i, answer] of answers.entries()) {
      if (i === winners[0]) continue;
      const lost = screen(answer, 'SLOTS');
      expect(lost.errorMessage).toContain('just booked');
      expect((lost.data.slots as { id: string }[]).map((s) => s.id)).not.toContain(contested);
    }

    const { session, token } = racers[winners[0]!]!;
    const confirm = screen(
      await session.submit('DETAILS', { name: 'Ada Lovelace', email: 'ada@example.com', notes: 'First visit' }),
      'CONFIRM',
    );
    expect(confirm.data).toMatchObject({ name: 'Ada Lovelace', notes: 'First visit' });
    const data = await finish('booking', token, await session.submit('CONFIRM'));
    expect(data).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });

    // The completion sends the customer a summary message (once, through the outbound path).
    const summary = await waitFor(() =>
      h.emulator
        .sentMessages()
        .find(
          (m) =>
            m.to === `1555100000${winners[0]!}` && JSON.stringify(m.body).includes('Your appointment is confirmed'),
        ),
    );
    expect(JSON.stringify(summary.body)).toContain(`at ${slots[0]!.title}`);

    const bookings = (await h.storage.bookings.list('clinic')).filter((b) => b.slotStart === contested);
    expect(bookings).toHaveLength(1);
    expect(bookings[0]).toMatchObject({ status: 'confirmed', flowToken: token, name: 'Ada Lovelace' });
    expect(bookings[0]!.completedAt).not.toBeNull();

    // A loser goes back to DATE (on the phone: SLOTS has no refresh_on_back) and asks again; the slot
    // list it gets no longer offers the taken one. The contested slot is no option a user can pick.
    const loser = racers[(winners[0]! + 1) % racers.length]!;
    await expect(loser.session.submit('SLOTS', { slot: contested })).rejects.toThrow(/offers no option/);
    screen(await loser.session.back(), 'DATE');
    const fresh = screen(await loser.session.submit('DATE', { date: day }), 'SLOTS');
    expect((fresh.data.slots as { id: string }[]).map((s) => s.id)).toEqual([slots[1]!.id, slots[2]!.id]);
    screen(await loser.session.submit('SLOTS', { slot: slots[1]!.id }), 'DETAILS');
    screen(await loser.session.submit('DETAILS', { name: 'Grace Hopper', email: 'grace@example.com' }), 'CONFIRM');
    await finish('booking', loser.token, await loser.session.submit('CONFIRM'));
    const confirmed = (await h.storage.bookings.list('clinic')).filter((b) => b.status === 'confirmed');
    expect(confirmed.map((b) => b.slotStart).sort()).toEqual([slots[0]!.id, slots[1]!.id]);
  });
});

describe('booking open twice', () => {
  it("books what the confirming copy showed: a stale copy's CONFIRM is refused", async () => {
    const { session: phone, token, openAgain } = await h.open('booking', '15551000018');
    const date = screen(await phone.init(), 'DATE').data;
    const unavailable = date.unavailable_dates as string[];
    let day = addDays(date.min_date as string, 2);
    while (unavailable.includes(day) || weekday(day) === 0 || weekday(day) === 6) day = addDays(day, 1);
    const slots = screen(await phone.submit('DATE', { date: day }), 'SLOTS').data.slots as { id: string }[];
    screen(await phone.submit('SLOTS', { slot: slots[0]!.id }), 'DETAILS');
    screen(await phone.submit('DETAILS', { name: 'Phone Person', email: 'phone@example.com' }), 'CONFIRM');
    // The same Flow message opened on the desktop picks a later time and other details.
    const desktop = openAgain();
    screen(await desktop.init(), 'DATE');
    screen(await desktop.submit('DATE', { date: day }), 'SLOTS');
    screen(await desktop.submit('SLOTS', { slot: slots[1]!.id }), 'DETAILS');
    screen(await desktop.submit('DETAILS', { name: 'Desk Person', email: 'desk@example.com' }), 'CONFIRM');
    // The phone's CONFIRM showed the first time and the phone's details: it books nothing.
    const refused = screen(await phone.submit('CONFIRM'), 'CONFIRM');
    expect(refused.errorMessage).toBe(STALE_FORM_MESSAGE);
    const data = await finish('booking', token, await desktop.submit('CONFIRM'));
    expect(data).toMatchObject({ name: 'Desk Person', slot_start: slots[1]!.id });
  });
});

describe('expense', () => {
  it('stores an expense with its receipt photo', async () => {
    const { session, token } = await h.open('expense', '15552000001');
    screen(await session.init(), 'EXPENSE');
    const bad = screen(
      await session.submit('EXPENSE', { amount: '0', category: 'meals', description: 'Lunch' }),
      'EXPENSE',
    );
    expect(bad.errorMessage).toBe('Enter an amount like 12.50.');
    const receipt = screen(
      await session.submit('EXPENSE', { amount: '42.90', category: 'travel', description: 'Taxi to the airport' }),
      'RECEIPT',
    );
    expect(receipt.data.summary).toBe('€42.90 · Travel · Taxi to the airport');
    const png = pngBytes(40, 30);
    const item = session.uploadMedia(png, 'receipt.png', 'image/png');
    const data = await finish('expense', token, await session.submit('RECEIPT', { receipt: [item] }));
    expect(data).toMatchObject({
      amount_minor: 4290,
      currency: 'EUR',
      category: 'travel',
      receipt: { fileName: 'receipt.png', mimeType: 'image/png', size: png.length },
    });
    expect(await blobBytes(data.receipt as StoredFlowMedia)).toEqual(Buffer.from(png));
  });

  it("attaches the receipt to the expense its screen showed: another open copy's submit is refused", async () => {
    const { session: phone, token, openAgain } = await h.open('expense', '15552000019');
    screen(await phone.init(), 'EXPENSE');
    screen(await phone.submit('EXPENSE', { amount: '12.50', category: 'meals', description: 'Lunch' }), 'RECEIPT');
    const desktop = openAgain();
    screen(await desktop.init(), 'EXPENSE');
    screen(await desktop.submit('EXPENSE', { amount: '900', category: 'travel', description: 'Flight' }), 'RECEIPT');
    const refused = screen(await phone.submit('RECEIPT', {}), 'RECEIPT');
    expect(refused.errorMessage).toBe(STALE_FORM_MESSAGE);
    const data = await finish('expense', token, await desktop.submit('RECEIPT', {}));
    expect(data).toMatchObject({ amount_minor: 90_000, description: 'Flight', receipt: null });
  });
});

describe('survey', () => {
  it('collects a four-screen survey', async () => {
    const { session, token } = await h.open('survey', '15552000002');
    screen(await session.init(), 'RATINGS');
    screen(await session.submit('RATINGS', { rating: '5', recommend: 'very_likely' }), 'CHOICES');
    screen(await session.submit('CHOICES', { liked: ['staff', 'speed'] }), 'COMMENTS');
    // The contact opt-in is left unticked.
    const thanks = screen(await session.submit('COMMENTS', { comments: 'Great!' }), 'THANKS');
    expect(thanks.data).toEqual({
      rating_label: '★★★★★ Excellent',
      liked_label: 'You liked: Speed of service, Friendly staff',
      revision: expect.any(String) as string,
    });
    const data = await finish('survey', token, await session.submit('THANKS'));
    expect(data).toEqual({
      rating: 5,
      recommend: 'very_likely',
      liked: ['staff', 'speed'],
      improve: [],
      comments: 'Great!',
      contact_ok: false,
    });
  });

  it("stores the answers the thank-you screen showed: another open copy's send is refused", async () => {
    const { session: phone, token, openAgain } = await h.open('survey', '15552000020');
    screen(await phone.init(), 'RATINGS');
    screen(await phone.submit('RATINGS', { rating: '2', recommend: 'unlikely' }), 'CHOICES');
    screen(await phone.submit('CHOICES', { liked: ['price'] }), 'COMMENTS');
    screen(await phone.submit('COMMENTS', { comments: 'Too slow' }), 'THANKS');
    const desktop = openAgain();
    screen(await desktop.init(), 'RATINGS');
    screen(await desktop.submit('RATINGS', { rating: '5', recommend: 'very_likely' }), 'CHOICES');
    const refused = screen(await phone.submit('THANKS'), 'THANKS');
    expect(refused.errorMessage).toBe(STALE_FORM_MESSAGE);
    screen(await desktop.submit('CHOICES', { liked: ['staff'] }), 'COMMENTS');
    screen(await desktop.submit('COMMENTS', {}), 'THANKS');
    const data = await finish('survey', token, await desktop.submit('THANKS'));
    expect(data).toMatchObject({ rating: 5, liked: ['staff'], comments: null });
  });
});

describe('preferences', () => {
  it('saves calendar preferences and pre-fills them next time', async () => {
    const waId = '15552000003';
    const first = await h.open('preferences', waId);
    expect(screen(await first.session.init(), 'NOTIFICATIONS').data).toEqual({
      channels: ['whatsapp'],
      reminders: true,
      digest: false,
    });
    // "Remind me" stays ticked from its init value.
    screen(await first.session.submit('NOTIFICATIONS', { channels: ['email', 'whatsapp'], digest: true }), 'TIMEZONE');
    const data = await finish(
      'preferences',
      first.token,
      await first.session.submit('TIMEZONE', { timezone: 'Asia/Tokyo', lead: '10m' }),
    );
    expect(data).toEqual({
      channels: ['email', 'whatsapp'],
      reminders: true,
      digest: true,
      timezone: 'Asia/Tokyo',
      lead: '10m',
    });

    const second = await h.open('preferences', waId);
    expect(screen(await second.session.init(), 'NOTIFICATIONS').data).toEqual({
      channels: ['email', 'whatsapp'],
      reminders: true,
      digest: true,
    });
    const tz = screen(
      await second.session.submit('NOTIFICATIONS', { channels: ['sms'], reminders: false, digest: false }),
      'TIMEZONE',
    );
    expect(tz.data).toEqual({ timezone: 'Asia/Tokyo', lead: '10m', revision: expect.any(String) as string });
    // Saving without touching the pre-filled time zone screen keeps the saved choices.
    const again = await finish('preferences', second.token, await second.session.submit('TIMEZONE'));
    expect(again).toEqual({ channels: ['sms'], reminders: false, digest: false, timezone: 'Asia/Tokyo', lead: '10m' });
  });
});

describe('schedule', () => {
  it('plans a multi-day schedule over five screens', async () => {
    const { session, token } = await h.open('schedule', '15552000004');
    const range = screen(await session.init(), 'RANGE').data;
    const start = addDays(range.min_date as string, 3);
    const end = addDays(start, 2);
    const days = screen(await session.submit('RANGE', { range: { 'start-date': start, 'end-date': end } }), 'DAYS');
    expect(days.data.selected).toEqual([start, addDays(start, 1), end]);
    const perDay = screen(await session.submit('DAYS', { days: [start, end] }), 'PER_DAY');
    expect(perDay.data).toMatchObject({ day_1_visible: true, day_2_visible: true, day_3_visible: false });
    // Only the chosen days' dropdowns are shown, and each of them is required.
    await expect(session.submit('PER_DAY', { day_1: 'morning' })).rejects.toThrow(
      /"day_2" of screen "PER_DAY" is required/,
    );
    await expect(session.submit('PER_DAY', { day_1: 'morning', day_2: 'evening', day_3: 'evening' })).rejects.toThrow(
      /no input named "day_3"/,
    );
    screen(await session.submit('PER_DAY', { day_1: 'morning', day_2: 'all_day' }), 'NOTES');
    const review = screen(await session.submit('NOTES', { reminders: true }), 'REVIEW');
    expect(review.data.notes).toBe('No notes');
    const data = await finish('schedule', token, await session.submit('REVIEW'));
    expect(data).toEqual({
      start_date: start,
      end_date: end,
      days: [
        { date: start, period: 'morning' },
        { date: end, period: 'all_day' },
      ],
      notes: null,
      reminders: true,
    });
  });
});

describe('schedule open twice', () => {
  it("refuses the days of the other window's range as a stale copy, not as options missing from the list", async () => {
    const { session: phone, openAgain } = await h.open('schedule', '15552000016');
    const range = screen(await phone.init(), 'RANGE').data;
    const start = addDays(range.min_date as string, 3);
    screen(await phone.submit('RANGE', { range: { 'start-date': start, 'end-date': addDays(start, 2) } }), 'DAYS');
    // The same Flow message opened on the desktop picks later days.
    const desktop = openAgain();
    screen(await desktop.init(), 'RANGE');
    const later = addDays(start, 7);
    screen(await desktop.submit('RANGE', { range: { 'start-date': later, 'end-date': addDays(later, 1) } }), 'DAYS');
    // The phone's days are not among the desktop's: the person is told why, not "choose from the list".
    const refused = screen(await phone.submit('DAYS', { days: [start] }), 'DAYS');
    expect(refused.errorMessage).toBe(STALE_FORM_MESSAGE);
    // The desktop's copy goes on.
    screen(await desktop.submit('DAYS', { days: [later] }), 'PER_DAY');
  });
});

describe('budget', () => {
  it('sets up a budget with limits and alerts', async () => {
    const { session, token } = await h.open('budget', '15552000005');
    screen(await session.init(), 'CATEGORIES');
    const limits = screen(
      await session.submit('CATEGORIES', { categories: ['dining', 'transport'], currency: 'USD', period: 'weekly' }),
      'LIMITS',
    );
    expect(limits.data).toMatchObject({
      intro: 'Weekly limits in USD',
      show_dining: true,
      show_transport: true,
      show_housing: false,
    });
    screen(await session.submit('LIMITS', { limit_transport: '60', limit_dining: '120' }), 'ALERTS');
    const review = screen(
      await session.submit('ALERTS', { thresholds: ['75', '100'], weekly_summary: true }),
      'REVIEW',
    );
    expect(review.data).toEqual({
      summary: 'Transport: US$60.00\nEating out: US$120.00',
      total: 'Total per week: US$180.00',
      // Sent back by the Footer: a stale copy of the form cannot save over this one.
      revision: expect.stringMatching(/^[\w-]{12}\.[\w-]{12}$/) as unknown,
    });
    // Back twice on the phone (no request: no screen refreshes on back), a new limit, and on again.
    screen(await session.back('REVIEW'), 'ALERTS');
    screen(await session.back('ALERTS'), 'LIMITS');
    screen(await session.submit('LIMITS', { limit_transport: '80', limit_dining: '120' }), 'ALERTS');
    const again = screen(await session.submit('ALERTS', { thresholds: ['75', '100'], weekly_summary: true }), 'REVIEW');
    expect(again.data).toMatchObject({ total: 'Total per week: US$200.00' });
    const data = await finish('budget', token, await session.submit('REVIEW'));
    expect(data).toMatchObject({
      currency: 'USD',
      period: 'weekly',
      total_minor: 20_000,
      thresholds: [75, 100],
      weekly_summary: true,
    });
  });

  it('an error answer to a stale copy of the form keeps its own revision: it cannot save into the other copy', async () => {
    const { session: phone, token, openAgain } = await h.open('budget', '15552000015');
    screen(await phone.init(), 'CATEGORIES');
    screen(await phone.submit('CATEGORIES', { categories: ['housing'], currency: 'EUR', period: 'monthly' }), 'LIMITS');
    // The same Flow message opened on the desktop starts again, in another currency.
    const desktop = openAgain();
    screen(await desktop.init(), 'CATEGORIES');
    screen(
      await desktop.submit('CATEGORIES', { categories: ['housing'], currency: 'INR', period: 'weekly' }),
      'LIMITS',
    );
    // The phone's LIMITS (still "in EUR") is refused; the answer must not hand it the desktop's revision…
    const refused = screen(await phone.submit('LIMITS', { limit_housing: '1500' }), 'LIMITS');
    expect(refused.errorMessage).toBe(STALE_FORM_MESSAGE);
    // …or sending the same screen again would put 1500 EUR into the desktop's INR budget.
    const again = screen(await phone.submit('LIMITS', { limit_housing: '1500' }), 'LIMITS');
    expect(again.errorMessage).toBe(STALE_FORM_MESSAGE);
    // The desktop's own copy goes on and saves what it shows.
    screen(await desktop.submit('LIMITS', { limit_housing: '20000' }), 'ALERTS');
    screen(await desktop.submit('ALERTS', { thresholds: ['75'] }), 'REVIEW');
    const data = await finish('budget', token, await desktop.submit('REVIEW'));
    expect(data).toMatchObject({ currency: 'INR', period: 'weekly', total_minor: 2_000_000 });
  });
});

describe('kyc', () => {
  it("refuses a stale copy's review: what is submitted is what the submitting copy showed", async () => {
    const { session: phone, token, openAgain } = await h.open('kyc', '15552000017');
    screen(await phone.init(), 'FRONT');
    const passport = phone.uploadMedia(pngBytes(32, 20, [10, 20, 30]), 'passport.png', 'image/png');
    screen(await phone.submit('FRONT', { document_type: 'passport', id_front: [passport] }), 'BACK');
    const back = phone.uploadMedia(pdfBytes('Passport back'), 'passport-back.pdf', 'application/pdf');
    screen(await phone.submit('BACK', { id_back: [back] }), 'REVIEW');
    // The same Flow message opened on the desktop starts again with an ID card.
    const desktop = openAgain();
    screen(await desktop.init(), 'FRONT');
    const card = desktop.uploadMedia(pngBytes(32, 20, [200, 20, 30]), 'card.png', 'image/png');
    screen(await desktop.submit('FRONT', { document_type: 'id_card', id_front: [card] }), 'BACK');
    // The phone's review showed a passport: its consent submits nothing.
    const refused = screen(await phone.submit('REVIEW', { consent: true }), 'REVIEW');
    expect(refused.errorMessage).toBe(STALE_FORM_MESSAGE);
    expect((await h.storage.record('kyc', token))?.status).toBe('draft');
    // The desktop's copy goes on and submits what it shows.
    const cardBack = desktop.uploadMedia(pdfBytes('ID card back'), 'card-back.pdf', 'application/pdf');
    screen(await desktop.submit('BACK', { id_back: [cardBack] }), 'REVIEW');
    const data = await finish('kyc', token, await desktop.submit('REVIEW', { consent: true }));
    expect(data).toMatchObject({
      document_type: 'id_card',
      front: { fileName: 'card.png' },
      back: { fileName: 'card-back.pdf' },
    });
  });

  it('stores the ID front (PNG) and back (PDF) as a pending_review submission', async () => {
    const { session, token } = await h.open('kyc', '15552000006');
    screen(await session.init(), 'FRONT');
    const png = pngBytes(64, 40, [20, 90, 200]);
    const front = session.uploadMedia(png, 'id-front.png', 'image/png');
    const back = screen(await session.submit('FRONT', { document_type: 'id_card', id_front: [front] }), 'BACK');
    expect(back.data).toEqual({
      front_name: 'Front: id-front.png',
      back_errors: {},
      revision: expect.any(String) as string,
    });
    const pdf = pdfBytes('ID card back side');
    const item = session.uploadMedia(pdf, 'id-back.pdf', 'application/pdf');
    const review = screen(await session.submit('BACK', { id_back: [item] }), 'REVIEW');
    expect(review.data.summary).toBe('National ID card: id-front.png (front), id-back.pdf (back)');
    // The consent OptIn is required: the client does not let the user submit without it…
    await expect(session.submit('REVIEW')).rejects.toThrow(/"consent" of screen "REVIEW" is required/);
    // …and the endpoint refuses a client that sends it anyway.
    const refused = screen(await session.dataExchange('REVIEW', { consent: false }), 'REVIEW');
    expect(refused.errorMessage).not.toBeNull();
    const data = await finish('kyc', token, await session.submit('REVIEW', { consent: true }));
    expect(data).toMatchObject({
      document_type: 'id_card',
      front: { fileName: 'id-front.png', mimeType: 'image/png', size: png.length },
      back: { fileName: 'id-back.pdf', mimeType: 'application/pdf', size: pdf.length },
    });
    expect((await h.storage.record('kyc', token))?.status).toBe('pending_review');
    await waitFor(() =>
      h.emulator
        .sentMessages()
        .find((m) => m.to === '15552000006' && JSON.stringify(m.body).includes('We received your ID')),
    );
    expect(await blobBytes(data.front as StoredFlowMedia)).toEqual(Buffer.from(png));
    expect(await blobBytes(data.back as StoredFlowMedia)).toEqual(Buffer.from(pdf));
  });

  it('deletes a replaced ID image once the flow completed, unless another flow still has the same file', async () => {
    const { session, token } = await h.open('kyc', '15552000008');
    screen(await session.init(), 'FRONT');
    const front = async (bytes: Uint8Array, fileName: string) => {
      const item = session.uploadMedia(bytes, fileName, 'image/png');
      screen(await session.submit('FRONT', { document_type: 'passport', id_front: [item] }), 'BACK');
      return item.media_id;
    };
    const blurry = pngBytes(30, 20, [10, 10, 10]);
    const glare = pngBytes(30, 20, [240, 240, 240]);
    const sharp = pngBytes(30, 20, [90, 120, 150]);
    // The person picks a front, goes back and picks another, twice (on the phone: BACK has no refresh_on_back).
    const blurryId = await front(blurry, 'blurry.png');
    screen(await session.back(), 'FRONT');
    const glareId = await front(glare, 'glare.png');
    screen(await session.back(), 'FRONT');
    const sharpId = await front(sharp, 'sharp.png');
    // Someone else's flow, still open, has the same bytes as the second front (in a file of its own).
    const other = await h.open('kyc', '15552000009');
    screen(await other.session.init(), 'FRONT');
    const theirs = other.session.uploadMedia(glare, 'mine.png', 'image/png');
    screen(await other.session.submit('FRONT', { document_type: 'id_card', id_front: [theirs] }), 'BACK');
    const pdf = pdfBytes('Passport back page');
    const backItem = session.uploadMedia(pdf, 'back.pdf', 'application/pdf');
    screen(await session.submit('BACK', { id_back: [backItem] }), 'REVIEW');
    const flows = h.t.app.gateway.store.flows;
    const keys = new Map((await flows.listMedia(token)).map((r) => [r.media_id, r.blob_key]));

    const data = await finish('kyc', token, await session.submit('REVIEW', { consent: true }));
    expect(data).toMatchObject({ front: { mediaId: sharpId }, back: { mediaId: backItem.media_id } });
    // The completion handler releases the files after marking the record completed: wait for its last write.
    const rows = await waitFor(async () => {
      const now = await flows.listMedia(token);
      const released = now.filter((r) => r.error === 'superseded' && r.blob_key === null);
      return released.length === 2 ? now : undefined;
    });
    expect(rows.map((r) => [r.media_id, r.blob_key, r.error])).toEqual([
      [blurryId, null, 'superseded'],
      [glareId, null, 'superseded'],
      [sharpId, keys.get(sharpId), null],
      [backItem.media_id, keys.get(backItem.media_id), null],
    ]);
    expect(await h.blobs.stat(keys.get(blurryId)!)).toBeNull();
    expect(await h.blobs.stat(keys.get(glareId)!)).toBeNull();
    // The other flow's copy of the second front is still there, for that flow.
    const [theirRow] = await flows.listMedia(other.token);
    expect(theirRow).toMatchObject({ media_id: theirs.media_id, error: null });
    expect(theirRow!.blob_key).not.toBe(keys.get(glareId));
    expect(await h.blobs.stat(theirRow!.blob_key!)).toMatchObject({ size: glare.length });
    // What the submission points at stays.
    expect(await blobBytes(data.front as StoredFlowMedia)).toEqual(Buffer.from(sharp));
    expect(await blobBytes(data.back as StoredFlowMedia)).toEqual(Buffer.from(pdf));
  });

  it('deletes a replaced ID image when the flow finishes, though its completion webhook never comes', async () => {
    const waId = '15552000010';
    const { token } = await h.open('kyc', waId);
    // Meta never delivers this flow's nfm_reply (the business was down for longer than its retries).
    const session = h.emulator.flowClient({
      endpointUrl: `${h.t.url}/flows/kyc`,
      waId,
      flowToken: token,
      flowJson: h.t.app.flow('kyc').json,
      completionWebhook: false,
    });
    screen(await session.init(), 'FRONT');
    const replaced = session.uploadMedia(pngBytes(24, 16, [200, 30, 30]), 'dark.png', 'image/png');
    screen(await session.submit('FRONT', { document_type: 'id_card', id_front: [replaced] }), 'BACK');
    screen(await session.back(), 'FRONT');
    const front = session.uploadMedia(pngBytes(24, 16, [30, 200, 30]), 'front.png', 'image/png');
    screen(await session.submit('FRONT', { document_type: 'id_card', id_front: [front] }), 'BACK');
    const back = session.uploadMedia(pdfBytes('ID card back'), 'back.pdf', 'application/pdf');
    screen(await session.submit('BACK', { id_back: [back] }), 'REVIEW');
    const flows = h.t.app.gateway.store.flows;
    const keys = new Map((await flows.listMedia(token)).map((r) => [r.media_id, r.blob_key]));

    const done = await session.submit('REVIEW', { consent: true });
    expect(done).toMatchObject({ kind: 'success', wamid: null });
    const rows = await waitFor(async () => {
      const now = await flows.listMedia(token);
      return now.some((r) => r.media_id === replaced.media_id && r.blob_key === null) ? now : undefined;
    });
    expect(rows.map((r) => [r.media_id, r.blob_key, r.error])).toEqual([
      [replaced.media_id, null, 'superseded'],
      [front.media_id, keys.get(front.media_id), null],
      [back.media_id, keys.get(back.media_id), null],
    ]);
    expect(await h.blobs.stat(keys.get(replaced.media_id)!)).toBeNull();
    // The record under review keeps both its files; the flow never completed on the webhook side.
    const record = await h.storage.record('kyc', token);
    expect(record).toMatchObject({ status: 'pending_review', completedAt: null });
    expect(record?.data).toMatchObject({ front: { mediaId: front.media_id }, back: { mediaId: back.media_id } });
    expect(await flows.submissionByToken(token)).toBeNull();
    expect(await blobBytes(record?.data.front as StoredFlowMedia)).toEqual(
      Buffer.from(pngBytes(24, 16, [30, 200, 30])),
    );
  });

  it('refuses a file of another type and a file over the picker size limit, per file in the picker', async () => {
    const { session, token } = await h.open('kyc', '15552000007');
    screen(await session.init(), 'FRONT');
    // An old phone may let the user pick a type the picker does not list (SPEC B.1).
    const gif = Buffer.from('474946383961010001000000002c00000000010001000002024401003b', 'hex');
    const gifItem = session.uploadMedia(gif, 'id.gif', 'image/gif');
    const wrongType = screen(
      await session.submit('FRONT', { document_type: 'passport', id_front: [gifItem] }),
      'FRONT',
    );
    expect(wrongType.errorMessage).toBe('Front of your ID: This file type is not accepted.');
    expect(wrongType.data.front_errors).toEqual({ [gifItem.media_id]: 'This file type is not accepted.' });
    // 70 KB against the picker's max-file-size-kb of 64: the runtime stops the download.
    const big = pdfBytes('x'.repeat(70 * 1024));
    const bigItem = session.uploadMedia(big, 'id.pdf', 'application/pdf');
    const tooBig = screen(await session.submit('FRONT', { document_type: 'passport', id_front: [bigItem] }), 'FRONT');
    expect(tooBig.errorMessage).toBe('Front of your ID: This file is too large.');
    expect(tooBig.data.front_errors).toEqual({ [bigItem.media_id]: 'This file is too large.' });
    const outcomes = await h.t.app.gateway.store.flows.listMedia(token);
    expect(outcomes.map((r) => [r.media_id, r.error])).toEqual([
      [gifItem.media_id, 'mime_not_allowed'],
      [bigItem.media_id, 'too_large'],
    ]);
    // A fitting file afterwards goes through, and the picker's errors are cleared.
    const fine = session.uploadMedia(pngBytes(20, 20), 'id.png', 'image/png');
    expect(
      screen(await session.submit('FRONT', { document_type: 'passport', id_front: [fine] }), 'BACK').data.back_errors,
    ).toEqual({});
  });
});
