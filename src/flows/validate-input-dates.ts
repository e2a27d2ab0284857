// Calendar days for DatePicker / CalendarPicker checks. From Flow JSON 5.0 dates are
// "YYYY-MM-DD"; before that, DatePicker bounds and values are millisecond timestamps as strings
// (the fixtures use noon UTC so every timezone shows the same day), read here as UTC days.

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const EPOCH_MS = /^\d{1,15}$/;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * Days since 1970-01-01 (UTC) for a "YYYY-MM-DD" or epoch-ms string, or null if it is neither. `isoOnly`:
 * "YYYY-MM-DD" only, as a client sends a date of a Flow JSON 5.0 or later (SPEC E.5).
 */
export function parseDay(value: unknown, isoOnly = false): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && !isoOnly) return Math.floor(value / DAY_MS);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const iso = ISO_DAY.exec(text);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
    return ms / DAY_MS;
  }
  if (EPOCH_MS.test(text) && !isoOnly) return Math.floor(Number(text) / DAY_MS);
  return null;
}

/** "YYYY-MM-DD" of a day number, for messages. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `Mon`…`Sun` of a day number, as CalendarPicker `include-days` spells them. */
export function weekdayOf(day: number): string {
  return WEEKDAYS[new Date(day * DAY_MS).getUTCDay()] ?? '';
}
