// The budget setup flow: register(app, options) serves it at /flows/budget.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { majorToMinor } from '../common/values.js';
import { budgetFlowJson, CURRENCY_OPTIONS } from './flow-json.js';
import { budgetSteps } from './steps.js';

export { budgetFlowJson, BUDGET_CATEGORIES, THRESHOLD_OPTIONS } from './flow-json.js';
export { budgetSteps, BUDGET_APP, type BudgetSettings, type StoredBudget } from './steps.js';

export interface BudgetOptions extends CommonAppOptions {
  locale?: string;
  /**
   * The largest limit a person may set per category, in major units: one number for every currency, or
   * by currency code (`{ EUR: 50_000, INR: 4_000_000 }`; a currency not listed has no maximum).
   */
  maxLimit?: number | Readonly<Record<string, number>>;
}

/** maxLimit in minor units by currency; a TypeError for a value that is not a positive amount or a currency the flow does not offer. */
function maxLimitMinor(maxLimit: BudgetOptions['maxLimit']): Record<string, number> | undefined {
  if (maxLimit === undefined) return undefined;
  const currencies = CURRENCY_OPTIONS.map((o) => o.id);
  const given = typeof maxLimit === 'number' ? Object.fromEntries(currencies.map((c) => [c, maxLimit])) : maxLimit;
  const out: Record<string, number> = {};
  for (const [currency, major] of Object.entries(given)) {
    if (!currencies.includes(currency))
      throw new TypeError(`budget maxLimit: ${currency} is not a currency the flow offers (${currencies.join(', ')})`);
    const minor = typeof major === 'number' && Number.isFinite(major) ? majorToMinor(major, currency) : 0;
    // At least one minor unit: 0.004 EUR would refuse every limit.
    if (minor < 1)
      throw new TypeError(`budget maxLimit for ${currency} must be a positive amount, got ${String(major)}`);
    out[currency] = minor;
  }
  return out;
}

export function register(app: FlowHost, options: BudgetOptions = {}): void {
  const max = maxLimitMinor(options.maxLimit);
  const steps = budgetSteps(
    { locale: options.locale ?? 'en-GB', ...(max === undefined ? {} : { maxLimitMinor: max }) },
    storageFor(app, options.storage),
  );
  app.flow('budget', flowOptions(budgetFlowJson(), steps, options.now ?? Date.now));
}
