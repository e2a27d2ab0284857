// registerApps maps every AppName to its flow: with a real FlowgateApp each named flow is
// registered once at its name, with its Flow JSON and a handler for every non-terminal step.
import { describe, expect, it } from 'vitest';
import { APP_NAMES } from '../config/schema.js';
import { createApp } from '../index.js';
import { registerApps } from './index.js';
import { register as registerBudget } from './budget/index.js';
import { register as registerExpense } from './expense/index.js';
import { register as registerPreferences } from './preferences/index.js';

describe('registerApps', () => {
  it('registers exactly the named flows', () => {
    const app = createApp({ config: { logLevel: 'silent' } });
    registerApps(app, ['booking', 'kyc', 'booking']);
    expect(app.flow('booking').json.screens.map((s) => s.id)).toEqual(['DATE', 'SLOTS', 'DETAILS', 'CONFIRM']);
    expect(app.flow('kyc').awaitMedia).toBe(true);
    expect(() => app.flow('survey')).toThrow();
  });

  it('refuses an expense currency that is no ISO 4217 code', () => {
    const app = createApp({ config: { logLevel: 'silent' } });
    expect(() => { registerExpense(app, { currency: 'EURO' }); }).toThrow(/"EURO" is no ISO 4217 code/);
    expect(() => { registerExpense(app, { currency: 'XQZ' }); }).toThrow(/no ISO 4217 code/);
    registerExpense(app, { currency: 'JPY' });
  });

  it('refuses a default time zone the preferences list does not offer', () => {
    const app = createApp({ config: { logLevel: 'silent' } });
    expect(() => {
      registerPreferences(app, { timeZones: ['UTC', 'Europe/Paris'], defaults: { timezone: 'Asia/Kolkata' } });
    }).toThrow(/"Asia\/Kolkata" is not among timeZones/);
    registerPreferences(app, { timeZones: ['UTC', 'Europe/Paris'], defaults: { timezone: 'Europe/Paris' } });
  });

  it('refuses a budget maxLimit that is not a positive amount or names a currency the flow does not offer', () => {
    const app = createApp({ config: { logLevel: 'silent' } });
    expect(() => { registerBudget(app, { maxLimit: 0 }); }).toThrow(/must be a positive amount/);
    expect(() => { registerBudget(app, { maxLimit: { JPY: 100_000 } }); }).toThrow(/JPY is not a currency the flow offers/);
    expect(() => { registerBudget(app, { maxLimit: { EUR: Number.NaN } }); }).toThrow(/positive amount/);
    expect(() => { registerBudget(app, { maxLimit: { EUR: 0.004 } }); }).toThrow(/positive amount/);
    registerBudget(app, { maxLimit: { EUR: 50_000, INR: 4_000_000 } });
  });

  it('registers all seven with a handler for every screen', () => {
    const app = createApp({ config: { logLevel: 'silent' } });
    registerApps(app, APP_NAMES);
    for (const name of APP_NAMES) {
      const definition = app.flow(name);
      expect(definition.init).toBeTypeOf('function');
      expect(Object.keys(definition.screens).sort()).toEqual(definition.json.screens.map((s) => s.id).sort());
    }
  });
});
