// The multi-day schedule flow: register(app, options) serves it at /flows/schedule.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { scheduleFlowJson } from './flow-json.js';
import { scheduleSteps } from './steps.js';

export { scheduleFlowJson, MAX_SCHEDULE_DAYS, PERIOD_OPTIONS } from './flow-json.js';
export { scheduleSteps, SCHEDULE_APP, type StoredSchedule } from './steps.js';

export interface ScheduleOptions extends CommonAppOptions {
  /** IANA zone "today" is counted in (default UTC). */
  timeZone?: string;
  /** How far ahead a schedule may reach, in days (default 60). */
  windowDays?: number;
  locale?: string;
}

export function register(app: FlowHost, options: ScheduleOptions = {}): void {
  const steps = scheduleSteps(
    { timeZone: options.timeZone ?? 'UTC', windowDays: options.windowDays ?? 60, locale: options.locale ?? 'en-GB' },
    storageFor(app, options.storage),
  );
  app.flow('schedule', flowOptions(scheduleFlowJson(), steps, options.now ?? Date.now));
}
