// The ready flows: registerApps(app, names, options) registers each named flow at /flows/<name>.
// Each app is also usable alone through its own register(app, options).
import type { AppName } from '../index.js';
import { register as registerBooking, type BookingOptions } from './booking/index.js';
import { register as registerBudget, type BudgetOptions } from './budget/index.js';
import type { CommonAppOptions, FlowHost } from './common/host.js';
import { register as registerExpense, type ExpenseOptions } from './expense/index.js';
import { register as registerKyc, type KycOptions } from './kyc/index.js';
import { register as registerPreferences, type PreferencesOptions } from './preferences/index.js';
import { register as registerSchedule, type ScheduleOptions } from './schedule/index.js';
import { register as registerSurvey, type SurveyOptions } from './survey/index.js';

export type { AppName } from '../index.js';
export type { FlowHost, CommonAppOptions } from './common/host.js';
export type { AppStorage, AppRecord, AppRecordStatus, Booking, BookingStorage } from './common/storage.js';
export { SqlAppStorage } from './common/sql-storage.js';
export type { BookingOptions, BudgetOptions, ExpenseOptions, KycOptions, PreferencesOptions, ScheduleOptions, SurveyOptions };
export { businessHoursAvailability, type AvailabilitySource, type BusinessHours, type Slot } from './booking/index.js';

/** Options for registerApps: shared ones (storage, clock) plus per-app ones by name. */
export interface AppsOptions extends CommonAppOptions {
  booking?: BookingOptions;
  expense?: ExpenseOptions;
  survey?: SurveyOptions;
  preferences?: PreferencesOptions;
  schedule?: ScheduleOptions;
  budget?: BudgetOptions;
  kyc?: KycOptions;
}

type Register<O> = (app: FlowHost, options: O) => void;

function withShared<O extends CommonAppOptions>(register: Register<O>, pick: (o: AppsOptions) => O | undefined): Register<AppsOptions> {
  return (app, options) => {
    const own = pick(options);
    const shared: CommonAppOptions = {};
    if (options.storage !== undefined) shared.storage = options.storage;
    if (options.now !== undefined) shared.now = options.now;
    register(app, { ...shared, ...own } as O);
  };
}

export const APP_REGISTRY: Readonly<Record<AppName, Register<AppsOptions>>> = {
  booking: withShared(registerBooking, (o) => o.booking),
  expense: withShared(registerExpense, (o) => o.expense),
  survey: withShared(registerSurvey, (o) => o.survey),
  preferences: withShared(registerPreferences, (o) => o.preferences),
  schedule: withShared(registerSchedule, (o) => o.schedule),
  budget: withShared(registerBudget, (o) => o.budget),
  kyc: withShared(registerKyc, (o) => o.kyc),
};

/** Registers the named ready flows (each once, in the given order). Call before app.start(). */
export function registerApps(app: FlowHost, names: readonly AppName[], options: AppsOptions = {}): void {
  for (const name of new Set(names)) APP_REGISTRY[name](app, options);
}
