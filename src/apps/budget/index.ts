// The budget setup flow: register(app, options) serves it at /flows/budget.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { budgetFlowJson } from './flow-json.js';
import { budgetSteps } from './steps.js';

export { budgetFlowJson, BUDGET_CATEGORIES, THRESHOLD_OPTIONS } from './flow-json.js';
export { budgetSteps, BUDGET_APP, type StoredBudget } from './steps.js';

export interface BudgetOptions extends CommonAppOptions {
  locale?: string;
}

export function register(app: FlowHost, options: BudgetOptions = {}): void {
  const steps = budgetSteps({ locale: options.locale ?? 'en-GB' }, storageFor(app, options.storage));
  app.flow('budget', flowOptions(budgetFlowJson(), steps, options.now ?? Date.now));
}
