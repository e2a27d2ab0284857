// Multi-day schedule logic: RANGE checks the range (window, at most MAX_SCHEDULE_DAYS days) and
// lists its days; DAYS keeps the chosen ones and lays out one Dropdown per day; PER_DAY checks a
// time of day for every chosen day; NOTES builds the review; REVIEW stores the schedule.
import { addDays, dayIn, daysBetween, isIsoDay, shortDayLabel } from '../common/dates.js';
import { STALE_FORM_MESSAGE, currentDraft, newRevision, reviewRevision, reviewedDraft } from '../common/revision.js';
import { done, fail, next, type StepInput, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { flag, list, optionalText, text } from '../common/values.js';
import { MAX_SCHEDULE_DAYS, PERIOD_OPTIONS } from './flow-json.js';

export const SCHEDULE_APP = 'schedule';

export interface StoredSchedule {
  start_date: string;
  end_date: string;
  days: { date: string; period: string }[];
  notes: string | null;
  reminders: boolean;
}

const PERIODS = new Map(PERIOD_OPTIONS.map((o) => [o.id, o.title]));

function rangeOf(value: unknown): { start: string; end: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const start = record['start-date'];
  const end = record['end-date'];
  return typeof start === 'string' && typeof end === 'string' ? { start, end } : null;
}

export function scheduleSteps(settings: { timeZone: string; windowDays: number; locale: string }, storage: () => AppStorage): Steps {
  const window = (now: number): { min: string; max: string } => {
    const min = dayIn(now, settings.timeZone);
    return { min, max: addDays(min, settings.windowDays) };
  };
  const label = (day: string): string => shortDayLabel(day, settings.locale);
  const current = (input: StepInput): Promise<Record<string, unknown> | null> => currentDraft(storage(), SCHEDULE_APP, input);
  /** What the review shows, from the draft: its revision carries a digest of this. */
  const shown = (draft: Record<string, unknown>): unknown => [draft.start_date, draft.end_date, draft.days, draft.notes, draft.reminders];

  return {
    init: (input) => {
      const { min, max } = window(input.now);
      return Promise.resolve(next('RANGE', { min_date: min, max_date: max }));
    },
    screens: {
      async RANGE(input) {
        const range = rangeOf(input.data.range);
        const { min, max } = window(input.now);
        if (range === null || !isIsoDay(range.start) || !isIsoDay(range.end) || range.end < range.start) {
          return fail('Please pick a first and a last day.');
        }
        if (range.start < min || range.end > max) return fail('Please pick days within the next weeks.');
        const days = daysBetween(range.start, range.end);
        if (days.length > MAX_SCHEDULE_DAYS) return fail(`Please pick at most ${MAX_SCHEDULE_DAYS} days.`);
        // Days and times picked for an earlier range no longer apply, and a new generation makes another
        // open copy of this form stale (common/revision.ts).
        const revision = newRevision();
        await storage().saveDraft(
          SCHEDULE_APP,
          input.flowToken,
          input.waId,
          { start_date: range.start, end_date: range.end, chosen: null, days: null, revision },
          input.now,
        );
        return next('DAYS', {
          range_label: `${label(range.start)} – ${label(range.end)}`,
          days: days.map((day) => ({ id: day, title: label(day) })),
          selected: days,
          revision,
        });
      },
      async DAYS(input) {
        const draft = await current(input);
        if (draft === null) return fail(STALE_FORM_MESSAGE);
        if (typeof draft.start_date !== 'string' || typeof draft.end_date !== 'string') return fail('Please go back and pick your dates.');
        const inRange = new Set(daysBetween(draft.start_date, draft.end_date));
        const chosen = [...new Set(list(input.data, 'days'))].sort();
        if (chosen.length === 0) return fail('Pick at least one day.');
        if (!chosen.every((day) => inRange.has(day))) return fail('Please pick days from your range.');
        await storage().saveDraft(SCHEDULE_APP, input.flowToken, input.waId, { chosen, days: null }, input.now);
        const data: Record<string, unknown> = { revision: draft.revision };
        for (let n = 1; n <= MAX_SCHEDULE_DAYS; n++) {
          const day = chosen[n - 1];
          data[`day_${n}_label`] = day === undefined ? '' : label(day);
          data[`day_${n}_visible`] = day !== undefined;
        }
        return next('PER_DAY', data);
      },
      async PER_DAY(input) {
        const draft = await current(input);
        if (draft === null) return fail(STALE_FORM_MESSAGE);
        const chosen = Array.isArray(draft.chosen) ? draft.chosen.filter((d): d is string => typeof d === 'string') : [];
        if (chosen.length === 0) return fail('Please go back and pick your days.');
        const days = chosen.map((date, i) => ({ date, period: text(input.data, `day_${i + 1}`) }));
        const missing = days.find((d) => !PERIODS.has(d.period));
        if (missing !== undefined) return fail(`Please pick a time for ${label(missing.date)}.`);
        await storage().saveDraft(SCHEDULE_APP, input.flowToken, input.waId, { days }, input.now);
        return next('NOTES', { revision: draft.revision });
      },
      async NOTES(input) {
        if ((await current(input)) === null) return fail(STALE_FORM_MESSAGE);
        const notes = optionalText(input.data, 'notes');
        const draft = await storage().saveDraft(
          SCHEDULE_APP,
          input.flowToken,
          input.waId,
          { notes, reminders: flag(input.data, 'reminders') },
          input.now,
        );
        if (!Array.isArray(draft.days)) return fail('Please go back and pick a time for each day.');
        const days = draft.days as StoredSchedule['days'];
        return next('REVIEW', {
          summary: days.map((d) => `${label(d.date)}: ${PERIODS.get(d.period) ?? d.period}`).join('\n'),
          notes: notes ?? 'No notes',
          revision: reviewRevision(draft.revision, shown(draft)),
        });
      },
      async REVIEW(input) {
        // What is stored is what this review showed, to the answer.
        const draft = await reviewedDraft(storage(), SCHEDULE_APP, input, shown);
        if (typeof draft === 'string') return fail(draft);
        if (
          typeof draft.start_date !== 'string' ||
          typeof draft.end_date !== 'string' ||
          !Array.isArray(draft.days)
        ) {
          return fail('Please go back and complete your schedule.');
        }
        // Days chosen earlier may have passed while the flow stayed open (tokens live for days).
        const today = window(input.now).min;
        const days = draft.days as StoredSchedule['days'];
        const inRange = new Set(daysBetween(draft.start_date, draft.end_date));
        if (!days.every((d) => inRange.has(d.date))) return fail('Please go back and complete your schedule.');
        if (draft.start_date < today || days.some((d) => d.date < today))
          return fail('Some of those days have passed. Please go back and pick your dates again.');
        const schedule: StoredSchedule = {
          start_date: draft.start_date,
          end_date: draft.end_date,
          days,
          notes: typeof draft.notes === 'string' ? draft.notes : null,
          reminders: draft.reminders === true,
        };
        const record = await storage().submit(SCHEDULE_APP, input.flowToken, input.waId, { ...schedule }, 'submitted', input.now);
        return done({ schedule_id: String(record.id), start_date: schedule.start_date, end_date: schedule.end_date });
      },
    },
    async completed(flowToken, now) {
      await storage().markCompleted(SCHEDULE_APP, flowToken, now);
    },
  };
}
