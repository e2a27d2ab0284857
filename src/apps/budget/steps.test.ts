// Budget logic against a real SQLite database: chosen categories drive which limits are shown and
// required, every limit must be a positive amount, thresholds are kept sorted, and the budget stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepResult, Steps } from '../common/steps.js';
import { openTestStorage, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import { CHANGED_REVIEW_MESSAGE, STALE_FORM_MESSAGE } from '../common/revision.js';
import { budgetSteps } from './steps.js';

const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

beforeEach(async () => {
  db = await openTestStorage();
  steps = budgetSteps({ locale: 'en-GB' }, () => db.storage);
});
afterEach(async () => {
  await db.close();
});

/** The revision a step's next screen is shown with (sent back by that screen's Footer). */
function revisionOf(result: StepResult): string {
  const revision = result.kind === 'next' ? result.data.revision : undefined;
  if (typeof revision !== 'string') throw new Error(`no revision in ${JSON.stringify(result)}`);
  return revision;
}

describe('budget steps', () => {
  it('sets up a budget', async () => {
    const limits = await steps.screens.CATEGORIES!(
      stepInput('t', { categories: ['groceries', 'housing'], currency: 'GBP', period: 'monthly' }, NOW),
    );
    expect(limits).toMatchObject({
      screen: 'LIMITS',
      data: { intro: 'Monthly limits in GBP', show_housing: true, show_groceries: true, show_dining: false, show_savings: false },
    });
    const r1 = revisionOf(limits);
    expect(await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1200', revision: r1 }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Enter a limit for Groceries.',
    });
    const alerts = await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1200', limit_groceries: '350.5', revision: r1 }, NOW));
    expect(alerts).toMatchObject({ screen: 'ALERTS' });
    const review = await steps.screens.ALERTS!(stepInput('t', { thresholds: ['90', '50'], weekly_summary: true, revision: revisionOf(alerts) }, NOW));
    expect(review).toEqual({
      kind: 'next',
      screen: 'REVIEW',
      data: { summary: 'Housing: £1,200.00\nGroceries: £350.50', total: 'Total per month: £1,550.50', revision: revisionOf(review) },
    });
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true, revision: revisionOf(review) }, NOW))).toMatchObject({
      kind: 'complete',
      params: { total_minor: 155_050, currency: 'GBP' },
    });
    expect((await db.storage.record('budget', 't'))?.data).toEqual({
      currency: 'GBP',
      period: 'monthly',
      limits: [
        { category: 'housing', limit_minor: 120_000 },
        { category: 'groceries', limit_minor: 35_050 },
      ],
      total_minor: 155_050,
      thresholds: [50, 90],
      weekly_summary: true,
    });
  });

  it('refuses the screens of a stale copy of the form (open twice), so it never saves a mix of both', async () => {
    // Copy A walks to its review in EUR.
    const limitsA = await steps.screens.CATEGORIES!(stepInput('t', { categories: ['housing'], currency: 'EUR', period: 'monthly' }, NOW));
    const alertsA = await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1500', revision: revisionOf(limitsA) }, NOW));
    const reviewA = await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'], revision: revisionOf(alertsA) }, NOW));
    expect(reviewA).toMatchObject({ screen: 'REVIEW' });
    // Copy B sends the first screen again with the same category in another currency.
    const limitsB = await steps.screens.CATEGORIES!(stepInput('t', { categories: ['housing'], currency: 'INR', period: 'weekly' }, NOW));
    const stale = { kind: 'error', message: STALE_FORM_MESSAGE };
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true, revision: revisionOf(reviewA) }, NOW))).toEqual(stale);
    // A's limits screen, still showing "in EUR", cannot put 1500 into B's INR budget either.
    expect(await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1500', revision: revisionOf(limitsA) }, NOW))).toEqual(stale);
    expect(await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'] }, NOW))).toEqual(stale);
    expect((await db.storage.record('budget', 't'))?.status).toBe('draft');
    // B goes on and saves what B's review shows.
    const alertsB = await steps.screens.LIMITS!(stepInput('t', { limit_housing: '20000', revision: revisionOf(limitsB) }, NOW));
    const reviewB = await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'], revision: revisionOf(alertsB) }, NOW));
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true, revision: revisionOf(reviewB) }, NOW))).toMatchObject({
      params: { currency: 'INR', total_minor: 2_000_000 },
    });
  });

  it('refuses missing categories, unknown currencies and thresholds', async () => {
    expect(await steps.screens.CATEGORIES!(stepInput('t', { categories: [], currency: 'EUR', period: 'weekly' }, NOW))).toMatchObject({
      kind: 'error',
    });
    expect(await steps.screens.CATEGORIES!(stepInput('t', { categories: ['health'], currency: 'XYZ', period: 'weekly' }, NOW))).toMatchObject({
      kind: 'error',
    });
    expect(await steps.screens.ALERTS!(stepInput('t', { thresholds: ['33'] }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.REVIEW!(stepInput('t', {}, NOW))).toMatchObject({ kind: 'error' });
  });
  it('takes a screen sent again after going back, and saves a review only while it matches the answers', async () => {
    const limits = await steps.screens.CATEGORIES!(stepInput('t', { categories: ['housing'], currency: 'EUR', period: 'monthly' }, NOW));
    const alerts = await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1500', revision: revisionOf(limits) }, NOW));
    const review = await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'], revision: revisionOf(alerts) }, NOW));
    // Back on the phone: LIMITS still holds the revision it was shown with, and is accepted again.
    const alertsAgain = await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1800', revision: revisionOf(limits) }, NOW));
    expect(alertsAgain).toMatchObject({ screen: 'ALERTS' });
    // The first review no longer shows what is kept.
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true, revision: revisionOf(review) }, NOW))).toEqual({
      kind: 'error',
      message: CHANGED_REVIEW_MESSAGE,
    });
    const reviewAgain = await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'], revision: revisionOf(alertsAgain) }, NOW));
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true, revision: revisionOf(reviewAgain) }, NOW))).toMatchObject({
      params: { total_minor: 180_000 },
    });
  });

  it('refuses a limit over the configured maximum for the chosen currency', async () => {
    const capped = budgetSteps({ locale: 'en-GB', maxLimitMinor: { EUR: 500_000 } }, () => db.storage);
    const limits = await capped.screens.CATEGORIES!(stepInput('t', { categories: ['housing'], currency: 'EUR', period: 'monthly' }, NOW));
    const revision = revisionOf(limits);
    expect(await capped.screens.LIMITS!(stepInput('t', { limit_housing: '5000.01', revision }, NOW))).toEqual({
      kind: 'error',
      message: 'The limit for Housing can be at most €5,000.00.',
    });
    expect(await capped.screens.LIMITS!(stepInput('t', { limit_housing: '5000', revision }, NOW))).toMatchObject({ screen: 'ALERTS' });
    // Another currency has no maximum unless it is given one.
    const inr = await capped.screens.CATEGORIES!(stepInput('t2', { categories: ['housing'], currency: 'INR', period: 'monthly' }, NOW));
    expect(await capped.screens.LIMITS!(stepInput('t2', { limit_housing: '900000', revision: revisionOf(inr) }, NOW))).toMatchObject({
      screen: 'ALERTS',
    });
  });
});
