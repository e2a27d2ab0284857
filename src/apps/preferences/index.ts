// The calendar preferences flow: register(app, options) serves it at /flows/preferences.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { DEFAULT_TIME_ZONES, preferencesFlowJson } from './flow-json.js';
import { preferencesSteps, type CalendarPreferences } from './steps.js';

export { preferencesFlowJson, DEFAULT_TIME_ZONES } from './flow-json.js';
export { preferencesSteps, PREFERENCES_APP, type CalendarPreferences } from './steps.js';

export interface PreferencesOptions extends CommonAppOptions {
  /** The Dropdown's IANA zones (at most 200). */
  timeZones?: readonly string[];
  defaults?: Partial<CalendarPreferences>;
}

export function register(app: FlowHost, options: PreferencesOptions = {}): void {
  const timeZones = options.timeZones ?? DEFAULT_TIME_ZONES;
  const defaults: CalendarPreferences = {
    channels: ['whatsapp'],
    reminders: true,
    digest: false,
    timezone: timeZones[0] ?? 'UTC',
    lead: '1h',
    ...options.defaults,
  };
  if (!timeZones.includes(defaults.timezone))
    throw new TypeError(
      `preferences: the default time zone ${JSON.stringify(defaults.timezone)} is not among timeZones`,
    );
  const steps = preferencesSteps({ timeZones, defaults }, storageFor(app, options.storage));
  app.flow('preferences', flowOptions(preferencesFlowJson(timeZones), steps, options.now ?? Date.now));
}
