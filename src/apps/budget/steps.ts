// Budget setup logic: CATEGORIES keeps the chosen categories, currency and period and shows one
// limit input per chosen category; LIMITS checks every limit (positive amounts); ALERTS keeps the
// thresholds and builds the review; REVIEW stores the budget.
import { STALE_FORM_MESSAGE, currentDraft, newRevision, reviewRevision, reviewedDraft } from '../common/revision.js';
import { done, fail, next, type StepInput, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { amountMinor, flag, formatMoney, list, text } from '../common/values.js';
import { BUDGET_CATEGORIES, CURRENCY_OPTIONS, PERIOD_OPTIONS, THRESHOLD_OPTIONS } from './flow-json.js';

export const BUDGET_APP = 'budget';

export interface StoredBudget {
  currency: string;
  period: string;
  limits: { category: string; limit_minor: number }[];
  total_minor: number;
  thresholds: number[];
  weekly_summary: boolean;
}

const TITLES = new Map(BUDGET_CATEGORIES.map((c) => [c.id, c.title]));
const CURRENCIES = new Set(CURRENCY_OPTIONS.map((o) => o.id));
const PERIODS = new Set(PERIOD_OPTIONS.map((o) => o.id));
const THRESHOLDS = new Set(THRESHOLD_OPTIONS.map((o) => o.id));

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : []);

export interface BudgetSettings {
  locale: string;
  /** The largest limit per category, in minor units, by currency code; a currency not listed has none. */
  maxLimitMinor?: Readonly<Record<string, number>>;
}

export function budgetSteps(settings: BudgetSettings, storage: () => AppStorage): Steps {
  const current = (input: StepInput): Promise<Record<string, unknown> | null> => currentDraft(storage(), BUDGET_APP, input);
  /** What the review shows, from the draft: its revision carries a digest of this. */
  const shown = (draft: Record<string, unknown>): unknown =>
    [draft.currency, draft.period, draft.limits, draft.thresholds, draft.weekly_summary];
  return {
    init: () => Promise.resolve(next('CATEGORIES')),
    screens: {
      async CATEGORIES(input) {
        const categories = BUDGET_CATEGORIES.map((c) => c.id).filter((id) => list(input.data, 'categories').includes(id));
        const currency = text(input.data, 'currency');
        const period = text(input.data, 'period');
        if (categories.length === 0) return fail('Pick at least one category.');
        if (!CURRENCIES.has(currency)) return fail('Please choose a currency.');
        if (!PERIODS.has(period)) return fail('Please choose a budget period.');
        // Every later answer depends on these (limits are in this currency's minor units): a new generation
        // makes the later screens of another open copy of this form stale (common/revision.ts), and earlier
        // limits are dropped.
        const revision = newRevision();
        await storage().saveDraft(
          BUDGET_APP,
          input.flowToken,
          input.waId,
          { categories, currency, period, limits: null, thresholds: null, revision },
          input.now,
        );
        return next('LIMITS', {
          intro: `${period === 'weekly' ? 'Weekly' : 'Monthly'} limits in ${currency}`,
          ...Object.fromEntries(BUDGET_CATEGORIES.map((c) => [`show_${c.id}`, categories.includes(c.id)])),
          revision,
        });
      },
      async LIMITS(input) {
        const draft = await current(input);
        if (draft === null) return fail(STALE_FORM_MESSAGE);
        const categories = strings(draft.categories);
        if (categories.length === 0) return fail('Please go back and pick your categories.');
        const limits: StoredBudget['limits'] = [];
        const currency = typeof draft.currency === 'string' ? draft.currency : 'EUR';
        for (const category of categories) {
          const minor = amountMinor(input.data, `limit_${category}`, currency);
          const title = TITLES.get(category) ?? category;
          if (minor === null || minor <= 0) return fail(`Enter a limit for ${title}.`);
          const max = settings.maxLimitMinor?.[currency];
          if (max !== undefined && minor > max)
            return fail(`The limit for ${title} can be at most ${formatMoney(max, currency, settings.locale)}.`);
          limits.push({ category, limit_minor: minor });
        }
        await storage().saveDraft(BUDGET_APP, input.flowToken, input.waId, { limits }, input.now);
        return next('ALERTS', { revision: draft.revision });
      },
      async ALERTS(input) {
        const thresholds = list(input.data, 'thresholds');
        if (thresholds.length === 0 || !thresholds.every((t) => THRESHOLDS.has(t))) return fail('Pick when to be alerted.');
        if ((await current(input)) === null) return fail(STALE_FORM_MESSAGE);
        const draft = await storage().saveDraft(
          BUDGET_APP,
          input.flowToken,
          input.waId,
          { thresholds: thresholds.map(Number).sort((a, b) => a - b), weekly_summary: flag(input.data, 'weekly_summary') },
          input.now,
        );
        const currency = typeof draft.currency === 'string' ? draft.currency : 'EUR';
        const limits = Array.isArray(draft.limits) ? (draft.limits as StoredBudget['limits']) : [];
        const money = (minor: number): string => formatMoney(minor, currency, settings.locale);
        const total = limits.reduce((sum, l) => sum + l.limit_minor, 0);
        return next('REVIEW', {
          summary: limits.map((l) => `${TITLES.get(l.category) ?? l.category}: ${money(l.limit_minor)}`).join('\n'),
          total: `Total per ${draft.period === 'weekly' ? 'week' : 'month'}: ${money(total)}`,
          revision: reviewRevision(draft.revision, shown(draft)),
        });
      },
      async REVIEW(input) {
        // What is stored is what this review showed, to the answer.
        const draft = await reviewedDraft(storage(), BUDGET_APP, input, shown);
        if (typeof draft === 'string') return fail(draft);
        if (!Array.isArray(draft.limits) || !Array.isArray(draft.thresholds) || typeof draft.currency !== 'string') {
          return fail('Please go back and complete your budget.');
        }
        const limits = draft.limits as StoredBudget['limits'];
        const budget: StoredBudget = {
          currency: draft.currency,
          period: typeof draft.period === 'string' ? draft.period : 'monthly',
          limits,
          total_minor: limits.reduce((sum, l) => sum + l.limit_minor, 0),
          thresholds: draft.thresholds.filter((t): t is number => typeof t === 'number'),
          weekly_summary: draft.weekly_summary === true,
        };
        const record = await storage().submit(BUDGET_APP, input.flowToken, input.waId, { ...budget }, 'submitted', input.now);
        return done({ budget_id: String(record.id), total_minor: budget.total_minor, currency: budget.currency });
      },
    },
    async completed(flowToken, now) {
      await storage().markCompleted(BUDGET_APP, flowToken, now);
    },
  };
}
