// Booking logic per screen. DATE: a day in the booking window → its free slots (no booking in force
// overlaps them). SLOTS: the chosen slot is held atomically (one transaction checks that nothing
// overlaps it and inserts it, on a unique slot index as well); whoever loses the race stays on
// SLOTS with an error and the fresh free slots. DETAILS: name, email, notes. CONFIRM: the hold
// becomes a confirmed booking and the flow completes. DATE starts a generation of the form
// (common/revision.ts): the later screens of another open copy are refused, and CONFIRM books only
// what it showed (the slot and details of its own copy).
import { addDays, dayIn, dayLabel, isIsoDay } from '../common/dates.js';
import { STALE_FORM_MESSAGE, currentDraft, newRevision, reviewRevision, reviewedDraft } from '../common/revision.js';
import { done, fail, next, type StepInput, type StepResult, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { optionalText, text } from '../common/values.js';
import { dayRange, type AvailabilitySource, type Slot } from './availability.js';

export const BOOKING_APP = 'booking';

export interface BookingSettings {
  availability: AvailabilitySource;
  /** The booked resource (a room, a person…); one booking per slot of it. */
  resource: string;
  /** The time zone days are counted in (the date picker's "today"). */
  timeZone: string;
  /** How many days ahead can be booked. */
  windowDays: number;
  /** How long a chosen slot is held while the customer fills in the details. */
  holdMinutes: number;
  /** Slots starting sooner than this are not offered. */
  minNoticeMinutes: number;
  locale: string;
}

/** The slots are a Dropdown, which shows at most 200 options (SPEC E.5; a RadioButtonsGroup only 20). */
const MAX_SLOTS = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function bookingSteps(settings: BookingSettings, storage: () => AppStorage): Steps {
  const window = (now: number): { min: string; max: string } => {
    const min = dayIn(now, settings.timeZone);
    return { min, max: addDays(min, settings.windowDays) };
  };

  async function freeSlots(day: string, input: StepInput): Promise<Slot[]> {
    const all = await settings.availability.slots(day, settings.resource);
    const { from, to } = dayRange(day);
    const busy = (await storage().bookings.busy(settings.resource, from, to, input.now, input.flowToken)).map((b) => ({
      start: Date.parse(b.start),
      end: Date.parse(b.end),
    }));
    const earliest = input.now + settings.minNoticeMinutes * 60_000;
    // A slot is free when no booking in force overlaps it (not only one that starts with it).
    const free = (slot: Slot): boolean => {
      const start = Date.parse(slot.start);
      const end = Date.parse(slot.end);
      return !busy.some((b) => b.start < end && start < b.end);
    };
    return all.filter((slot) => free(slot) && Date.parse(slot.start) >= earliest).slice(0, MAX_SLOTS);
  }

  const slotsData = (day: string, slots: readonly Slot[]): Record<string, unknown> => ({
    date: day,
    date_label: dayLabel(day, settings.locale),
    slots: slots.map((slot) => ({ id: slot.start, title: slot.label })),
  });

  const slotLabel = (day: string, slot: Slot): string => `${dayLabel(day, settings.locale)} at ${slot.label}`;

  /**
   * Whether `day` can be booked as of `now`: a day of the window, not closed. SLOTS checks it again: the day
   * it gets back is the client's word (`${data.date}`), and the slots it would offer or hold come from it.
   */
  async function bookable(day: string, now: number): Promise<boolean> {
    const { min, max } = window(now);
    if (!isIsoDay(day) || day < min || day > max) return false;
    const closed = (await settings.availability.closedDays?.(min, max, settings.resource)) ?? [];
    return !closed.includes(day);
  }

  /** DATE's data: the booking window as of `now` (it moves at midnight) and its closed days. */
  async function dateData(now: number): Promise<Record<string, unknown>> {
    const { min, max } = window(now);
    const closed = (await settings.availability.closedDays?.(min, max, settings.resource)) ?? [];
    return {
      min_date: min,
      max_date: max,
      unavailable_dates: [...closed],
      intro: `Pick a day in the next ${settings.windowDays} days.`,
    };
  }

  /** What CONFIRM shows, from the draft: its revision carries a digest of this. */
  const shown = (draft: Record<string, unknown>) => [draft.slot_start, draft.slot_label, draft.name, draft.email, draft.notes];

  return {
    async init(input) {
      return next('DATE', await dateData(input.now));
    },

    screens: {
      async DATE(input) {
        const day = text(input.data, 'date');
        const { min, max } = window(input.now);
        // The picker is shown again with the window as it is now, not as it was when the flow opened.
        if (!isIsoDay(day) || day < min || day > max)
          return fail('Please pick a day within the booking window.', await dateData(input.now));
        const slots = await freeSlots(day, input);
        if (slots.length === 0) return fail('No free times on that day. Please pick another day.', await dateData(input.now));
        // A new generation: another open copy's later screens are stale, and what was chosen before is dropped.
        const revision = newRevision();
        await storage().saveDraft(
          BOOKING_APP,
          input.flowToken,
          input.waId,
          { revision, day: null, slot_start: null, slot_label: null, name: null, email: null, notes: null },
          input.now,
        );
        return next('SLOTS', { ...slotsData(day, slots), revision });
      },

      async SLOTS(input): Promise<StepResult> {
        const current = await currentDraft(storage(), BOOKING_APP, input);
        if (current === null) return fail(STALE_FORM_MESSAGE);
        // Error answers below keep the screen's revision: the runtime re-sends the data last answered with them.
        const day = text(input.data, 'date');
        const start = text(input.data, 'slot');
        if (!isIsoDay(day)) return fail('Please go back and pick a day.');
        // Never a slot (held, or offered in an error answer) of a day outside the window or closed.
        if (!(await bookable(day, input.now))) return fail('Please go back and pick a day within the booking window.');
        const slot = (await settings.availability.slots(day, settings.resource)).find((s) => s.start === start);
        if (slot === undefined) return fail('Please pick one of the times shown.', slotsData(day, await freeSlots(day, input)));
        if (Date.parse(slot.start) < input.now + settings.minNoticeMinutes * 60_000) {
          return fail('That time is too soon. Please pick a later one.', slotsData(day, await freeSlots(day, input)));
        }
        const held = await storage().bookings.hold({
          resource: settings.resource,
          slotStart: slot.start,
          slotEnd: slot.end,
          flowToken: input.flowToken,
          waId: input.waId,
          now: input.now,
          expiresAt: input.now + settings.holdMinutes * 60_000,
        });
        if (!held.ok) {
          const fresh = await freeSlots(day, input);
          const message =
            fresh.length === 0
              ? 'Sorry, that time was just booked and the day is now full. Please go back and pick another day.'
              : 'Sorry, that time was just booked. Please pick another one.';
          return fail(message, slotsData(day, fresh));
        }
        await storage().saveDraft(
          BOOKING_APP,
          input.flowToken,
          input.waId,
          { day, slot_start: slot.start, slot_label: slotLabel(day, slot) },
          input.now,
        );
        return next('DETAILS', { slot_label: slotLabel(day, slot), revision: current.revision });
      },

      async DETAILS(input) {
        const name = text(input.data, 'name');
        const email = text(input.data, 'email');
        const notes = optionalText(input.data, 'notes');
        const held = await currentDraft(storage(), BOOKING_APP, input);
        if (held === null) return fail(STALE_FORM_MESSAGE);
        if (name.length < 2) return fail('Please enter your full name.');
        if (!EMAIL.test(email)) return fail('Please enter a valid email address.');
        if (typeof held.slot_label !== 'string' || held.slot_label === '') return fail('Please go back and pick a time.');
        const draft = await storage().saveDraft(BOOKING_APP, input.flowToken, input.waId, { name, email, notes }, input.now);
        return next('CONFIRM', {
          slot_label: held.slot_label,
          name,
          email,
          notes: notes ?? 'No notes',
          revision: reviewRevision(draft.revision, shown(draft)),
        });
      },

      async CONFIRM(input) {
        // What is booked is what this screen showed: its copy's slot and details.
        const draft = await reviewedDraft(storage(), BOOKING_APP, input, shown);
        if (typeof draft === 'string') return fail(draft);
        const held = await storage().bookings.byToken(input.flowToken);
        if (held !== null && held.status === 'held' && held.slotStart !== draft.slot_start)
          return fail('Your time changed in another window. Please go back and pick a time.');
        const name = typeof draft.name === 'string' ? draft.name : '';
        const email = typeof draft.email === 'string' ? draft.email : '';
        if (name === '' || email === '') return fail('Please go back and fill in your details.');
        const notes = typeof draft.notes === 'string' ? draft.notes : null;
        const earliest = input.now + settings.minNoticeMinutes * 60_000;
        const booking = await storage().bookings.confirm(input.flowToken, { name, email, notes }, input.now, earliest);
        if (booking === null) {
          // Left on CONFIRM until the slot was too close (or past): not booked, the hold stays until replaced.
          if (held?.status === 'held' && Date.parse(held.slotStart) < earliest)
            return fail('That time is now too soon to book. Please go back and pick another time.');
          return fail('Your time was released after a while. Please go back and pick another time.');
        }
        // The revision stays in the record: a CONFIRM sent again (its answer lost) finds what it showed.
        await storage().submit(BOOKING_APP, input.flowToken, input.waId, { ...draft, booking_id: booking.id }, 'submitted', input.now);
        return done({ booking_id: String(booking.id), slot_start: booking.slotStart, slot_end: booking.slotEnd });
      },
    },

    async completed(flowToken, now) {
      await storage().bookings.markCompleted(flowToken, now);
      await storage().markCompleted(BOOKING_APP, flowToken, now);
    },

    async confirmation(flowToken) {
      const booking = await storage().bookings.byToken(flowToken);
      const record = await storage().record(BOOKING_APP, flowToken);
      if (booking?.status !== 'confirmed' || record === null) return null;
      const label = typeof record.data.slot_label === 'string' ? record.data.slot_label : booking.slotStart;
      return `Your appointment is confirmed for ${label}. Booking number: ${booking.id}.`;
    },
  };
}
