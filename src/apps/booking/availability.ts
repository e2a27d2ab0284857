// Where bookable slots come from: an injectable AvailabilitySource, and the default one built from
// business hours (open days, opening and closing time, slot length, closed dates) in a time zone.
import { addDays, clockIn, dayIn, daysBetween, parseClock, weekday, zonedInstant } from '../common/dates.js';

export interface Slot {
  /** ISO 8601 UTC instants. */
  start: string;
  end: string;
  /** What the customer sees, e.g. "09:30" (at most 30 characters). */
  label: string;
}

export interface AvailabilitySource {
  /** The bookable slots of a day for a resource, before existing bookings are taken out. */
  slots(day: string, resource: string): Promise<readonly Slot[]>;
  /** Days in [from, to] that have no slots at all (greyed out in the date picker). */
  closedDays?(from: string, to: string, resource: string): Promise<readonly string[]>;
}

export interface BusinessHours {
  /** IANA time zone the hours are in. */
  timeZone: string;
  /** Open weekdays, 0 = Sunday … 6 = Saturday. */
  days: readonly number[];
  open: string;
  close: string;
  slotMinutes: number;
  /** Holidays, YYYY-MM-DD. */
  closedDates: readonly string[];
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  timeZone: 'UTC',
  days: [1, 2, 3, 4, 5],
  open: '09:00',
  close: '17:00',
  slotMinutes: 30,
  closedDates: [],
};

/** Minutes after midnight as "HH:MM". */
function wallClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

export function businessHoursAvailability(hours: Partial<BusinessHours> = {}): AvailabilitySource {
  const h: BusinessHours = { ...DEFAULT_BUSINESS_HOURS, ...hours };
  const open = parseClock(h.open);
  const close = parseClock(h.close);
  if (!Number.isInteger(h.slotMinutes) || h.slotMinutes < 5) throw new RangeError('slotMinutes must be an integer ≥ 5');
  if (close <= open) throw new RangeError('close must be after open');
  const isOpen = (day: string): boolean => h.days.includes(weekday(day)) && !h.closedDates.includes(day);
  return {
    slots(day) {
      if (!isOpen(day)) return Promise.resolve([]);
      const slots: Slot[] = [];
      // The zone's offset is the same at opening and closing on almost every day: then every slot is that far
      // from its wall-clock time, found once (Intl is slow: per slot, a day of 5-minute slots took ~100 ms).
      // Checked both ways: opening and closing must read back as that day and clock time (one that falls in
      // a skipped hour does not). On a day the clocks change within the hours, each slot is converted on its
      // own, and a wall-clock time the change skips (or one that reads back on another day) is no slot.
      const midnight = Date.parse(`${day}T00:00:00Z`);
      const reads = (instant: number, minute: number): boolean =>
        dayIn(instant, h.timeZone) === day && clockIn(instant, h.timeZone) === wallClock(minute);
      const first = zonedInstant(day, open, h.timeZone);
      const offset = midnight + open * 60_000 - first;
      const last = midnight + close * 60_000 - offset;
      const steady = reads(first, open) && reads(last, close) && zonedInstant(day, close, h.timeZone) === last;
      for (let minute = open; minute + h.slotMinutes <= close; minute += h.slotMinutes) {
        const start = steady ? midnight + minute * 60_000 - offset : zonedInstant(day, minute, h.timeZone);
        if (!steady && !reads(start, minute)) continue;
        // As long as the slot is, whatever the clocks do within it (an end in a skipped hour came before the start).
        const end = start + h.slotMinutes * 60_000;
        slots.push({
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          label: wallClock(minute),
        });
      }
      return Promise.resolve(slots);
    },
    closedDays(from, to) {
      return Promise.resolve(daysBetween(from, to).filter((day) => !isOpen(day)));
    },
  };
}

/** The UTC range a local day spans, generously (±14 h covers every time zone). */
export function dayRange(day: string): { from: string; to: string } {
  return {
    from: new Date(Date.parse(`${day}T00:00:00Z`) - 14 * 3600_000).toISOString(),
    to: new Date(Date.parse(`${addDays(day, 1)}T00:00:00Z`) + 14 * 3600_000).toISOString(),
  };
}
