// Expense logic: EXPENSE checks the amount (a positive decimal with at most the currency's decimal places,
// below the limit), the category and the description and keeps them as a draft; RECEIPT takes the optional
// receipt photo (stored by the runtime before the step runs) and stores the expense: the one its screen
// showed (each EXPENSE starts a generation of the form, and RECEIPT carries a digest of what it shows, so
// another open copy of the form cannot attach its receipt to this copy's expense; common/revision.ts).
import type { StoredFlowMedia } from '../common/host.js';
import { newRevision, reviewRevision, reviewedDraft } from '../common/revision.js';
import { done, fail, next, type Steps } from '../common/steps.js';
import type { AppStorage } from '../common/storage.js';
import { amountExample, amountMinor, formatMoney, text } from '../common/values.js';
import type { ExpenseCategory } from './flow-json.js';

export const EXPENSE_APP = 'expense';

export interface ExpenseSettings {
  categories: readonly ExpenseCategory[];
  /** ISO 4217 code. */
  currency: string;
  /** Largest accepted amount, in minor units. */
  maxAmountMinor: number;
  locale: string;
}

export interface StoredExpense {
  amount_minor: number;
  currency: string;
  category: string;
  description: string;
  receipt: StoredFlowMedia | null;
}

/** What RECEIPT shows, from the draft: its revision carries a digest of this. */
const shown = (draft: Record<string, unknown>) => [draft.amount_minor, draft.category, draft.description];

export function expenseSteps(settings: ExpenseSettings, storage: () => AppStorage): Steps {
  return {
    init: () => Promise.resolve(next('EXPENSE', { currency: `Amount in ${settings.currency}` })),
    screens: {
      async EXPENSE(input) {
        const minor = amountMinor(input.data, 'amount', settings.currency);
        const category = settings.categories.find((c) => c.id === text(input.data, 'category'));
        const description = text(input.data, 'description');
        if (minor === null || minor <= 0) return fail(`Enter an amount like ${amountExample(settings.currency)}.`);
        if (minor > settings.maxAmountMinor) {
          return fail(`Amounts above ${formatMoney(settings.maxAmountMinor, settings.currency, settings.locale)} need approval.`);
        }
        if (category === undefined) return fail('Please choose a category.');
        if (description === '') return fail('Please describe the expense.');
        const draft = await storage().saveDraft(
          EXPENSE_APP,
          input.flowToken,
          input.waId,
          { amount_minor: minor, currency: settings.currency, category: category.id, description, revision: newRevision() },
          input.now,
        );
        return next('RECEIPT', {
          summary: `${formatMoney(minor, settings.currency, settings.locale)} · ${category.title} · ${description}`.slice(0, 300),
          revision: reviewRevision(draft.revision, shown(draft)),
        });
      },

      async RECEIPT(input) {
        const errors = Object.values(input.mediaErrors);
        if (errors.length > 0) return fail(`The receipt could not be stored: ${errors[0] ?? ''}`.slice(0, 80));
        if (input.media.length > 1) return fail('Please attach one receipt photo.');
        const draft = await reviewedDraft(storage(), EXPENSE_APP, input, shown);
        if (typeof draft === 'string') return fail(draft);
        if (typeof draft.amount_minor !== 'number' || typeof draft.category !== 'string' || typeof draft.description !== 'string') {
          return fail('Please go back and enter the expense.');
        }
        const expense: StoredExpense = {
          amount_minor: draft.amount_minor,
          currency: settings.currency,
          category: draft.category,
          description: draft.description,
          receipt: input.media[0] ?? null,
        };
        const record = await storage().submit(EXPENSE_APP, input.flowToken, input.waId, { ...expense }, 'submitted', input.now);
        // Only the receipt the expense points at stays: photos of refused attempts are deleted.
        return done(
          { expense_id: String(record.id), amount_minor: expense.amount_minor, currency: expense.currency },
          expense.receipt === null ? [] : [expense.receipt.mediaId],
        );
      },
    },
    async completed(flowToken, now) {
      await storage().markCompleted(EXPENSE_APP, flowToken, now);
    },
  };
}
