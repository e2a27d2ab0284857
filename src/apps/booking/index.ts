// The appointment booking flow: register(app, options) serves it at /flows/booking.
import { flowOptions } from '../common/steps.js';
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { businessHoursAvailability, type AvailabilitySource, type BusinessHours } from './availability.js';
import { bookingFlowJson } from './flow-json.js';
import { bookingSteps } from './steps.js';

export { bookingFlowJson } from './flow-json.js';
export { bookingSteps, BOOKING_APP, type BookingSettings } from './steps.js';
export {
  businessHoursAvailability,
  DEFAULT_BUSINESS_HOURS,
  type AvailabilitySource,
  type BusinessHours,
  type Slot,
} from './availability.js';

export interface BookingOptions extends CommonAppOptions {
  /** Send the customer a confirmation message once the flow completed (default true). */
  confirmationMessage?: boolean;
  /** Where slots come from; default: business hours (`hours`). */
  availability?: AvailabilitySource;
  hours?: Partial<BusinessHours>;
  resource?: string;
  windowDays?: number;
  holdMinutes?: number;
  minNoticeMinutes?: number;
  locale?: string;
}

export function register(app: FlowHost, options: BookingOptions = {}): void {
  const now = options.now ?? Date.now;
  const steps = bookingSteps(
    {
      availability: options.availability ?? businessHoursAvailability(options.hours),
      resource: options.resource ?? 'default',
      timeZone: options.hours?.timeZone ?? 'UTC',
      windowDays: options.windowDays ?? 30,
      holdMinutes: options.holdMinutes ?? 10,
      minNoticeMinutes: options.minNoticeMinutes ?? 60,
      locale: options.locale ?? 'en-GB',
    },
    storageFor(app, options.storage),
  );
  app.flow('booking', flowOptions(bookingFlowJson(), steps, now, { confirm: options.confirmationMessage ?? true }));
}
