// The expense entry flow: register(app, options) serves it at /flows/expense.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { isCurrency, majorToMinor } from '../common/values.js';
import { DEFAULT_EXPENSE_CATEGORIES, expenseFlowJson, type ExpenseCategory } from './flow-json.js';
import { expenseSteps } from './steps.js';

export { expenseFlowJson, DEFAULT_EXPENSE_CATEGORIES, type ExpenseCategory } from './flow-json.js';
export { expenseSteps, EXPENSE_APP, type ExpenseSettings, type StoredExpense } from './steps.js';

export interface ExpenseOptions extends CommonAppOptions {
  categories?: readonly ExpenseCategory[];
  currency?: string;
  /** Largest accepted amount in major units (default 10 000). */
  maxAmount?: number;
  /** PhotoPicker max-file-size-kb for the receipt (default 10 240). */
  maxFileSizeKb?: number;
  locale?: string;
}

export function register(app: FlowHost, options: ExpenseOptions = {}): void {
  const categories = options.categories ?? DEFAULT_EXPENSE_CATEGORIES;
  const currency = options.currency ?? 'EUR';
  if (!isCurrency(currency)) throw new TypeError(`expense: currency ${JSON.stringify(currency)} is no ISO 4217 code`);
  const steps = expenseSteps(
    {
      categories,
      currency,
      maxAmountMinor: majorToMinor(options.maxAmount ?? 10_000, currency),
      locale: options.locale ?? 'en-GB',
    },
    storageFor(app, options.storage),
  );
  app.flow(
    'expense',
    // The runtime accepts what a PhotoPicker can send (its photo MIME types), sniffed, not declared.
    flowOptions(expenseFlowJson(categories, options.maxFileSizeKb), steps, options.now ?? Date.now, { awaitMedia: true }),
  );
}
