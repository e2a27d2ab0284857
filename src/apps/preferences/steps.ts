// Calendar preferences logic: INIT pre-fills the contact's saved preferences (or the defaults),
// NOTIFICATIONS keeps the notification choices as a draft, TIMEZONE checks the zone and saves.
import { newRevision, thisCopysDraft } from '../common/revision.js';
import { isTimeZone } from '../common/dates.js';
import { done, fail, next, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { flag, list, text } from '../common/values.js';
import { CHANNEL_OPTIONS, LEAD_OPTIONS } from './flow-json.js';

export const PREFERENCES_APP = 'preferences';

export interface CalendarPreferences {
  channels: string[];
  reminders: boolean;
  digest: boolean;
  timezone: string;
  lead: string;
}

const CHANNELS = new Set(CHANNEL_OPTIONS.map((o) => o.id));
const LEADS = new Set(LEAD_OPTIONS.map((o) => o.id));

const NOT_CHOSEN = 'Please go back and choose your notifications.';

export function preferencesSteps(
  settings: { timeZones: readonly string[]; defaults: CalendarPreferences },
  storage: () => AppStorage,
): Steps {
  const saved = async (waId: string): Promise<CalendarPreferences> => {
    const record = await storage().latest(PREFERENCES_APP, waId);
    return { ...settings.defaults, ...(record?.data as Partial<CalendarPreferences> | undefined) };
  };
  return {
    async init(input) {
      const current = await saved(input.waId);
      return next('NOTIFICATIONS', { channels: current.channels, reminders: current.reminders, digest: current.digest });
    },
    screens: {
      async NOTIFICATIONS(input) {
        const channels = list(input.data, 'channels');
        if (!channels.every((id) => CHANNELS.has(id))) return fail('Please pick channels from the list.');
        const reminders = flag(input.data, 'reminders');
        const digest = flag(input.data, 'digest');
        if (reminders && channels.length === 0) return fail('Pick at least one channel for reminders.');
        if (digest && channels.length === 0) return fail('Pick at least one channel for the daily digest.');
        // A new generation of the form: another open copy's TIMEZONE is refused (common/revision.ts).
        const revision = newRevision();
        await storage().saveDraft(
          PREFERENCES_APP,
          input.flowToken,
          input.waId,
          { channels, reminders, digest, revision },
          input.now,
        );
        const current = await saved(input.waId);
        // A saved zone the list no longer offers is not pre-selected (the Dropdown could not show or send it).
        const timezone = settings.timeZones.includes(current.timezone) ? current.timezone : settings.defaults.timezone;
        return next('TIMEZONE', { timezone, lead: current.lead, revision });
      },
      async TIMEZONE(input) {
        const timezone = text(input.data, 'timezone');
        const lead = text(input.data, 'lead');
        if (!settings.timeZones.includes(timezone) || !isTimeZone(timezone)) return fail('Please choose a time zone from the list.');
        if (!LEADS.has(lead)) return fail('Please choose when to be reminded.');
        // Without the first screen's answers this would save no channels and no reminders over what the
        // contact had: the first screen must have been sent (it always is, on a phone), by this copy of the form.
        const draft = await thisCopysDraft(storage(), PREFERENCES_APP, input, NOT_CHOSEN);
        if (typeof draft === 'string') return fail(draft);
        if (!Array.isArray(draft.channels)) return fail(NOT_CHOSEN);
        const preferences: CalendarPreferences = {
          channels: Array.isArray(draft.channels) ? draft.channels.filter((c): c is string => typeof c === 'string') : [],
          reminders: draft.reminders === true,
          digest: draft.digest === true,
          timezone,
          lead,
        };
        await storage().submit(PREFERENCES_APP, input.flowToken, input.waId, { ...preferences }, 'submitted', input.now);
        return done({ timezone, channels: preferences.channels.join(',') });
      },
    },
    async completed(flowToken, now) {
      await storage().markCompleted(PREFERENCES_APP, flowToken, now);
    },
  };
}
