// The `to` of a send request: a phone number in E.164 form, sent to Meta as digits only.

import { describe, fail } from './check.js';
import { LIMITS } from './limits.js';

// A country code never starts with 0. Separators, spaces and other ids are rejected rather than
// cleaned up: a number that needs repair is more likely a mistake than a formatting habit.
const E164 = new RegExp(`^\\+?[1-9][0-9]{${LIMITS.phoneDigitsMin - 1},${LIMITS.phoneDigitsMax - 1}}$`);

/** "+16505551234" or "16505551234" → "16505551234"; anything else throws MessageValidationError. */
export function normalizeRecipient(to: string): string {
  const value: unknown = to;
  if (typeof value !== 'string' || !E164.test(value)) {
    fail(
      'to',
      `must be a phone number in E.164 form, ${LIMITS.phoneDigitsMin}–${LIMITS.phoneDigitsMax} digits with an optional leading "+" (got ${describe(value)})`,
    );
  }
  return value.startsWith('+') ? value.slice(1) : value;
}
