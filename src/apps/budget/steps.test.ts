// Budget logic against a real SQLite database: chosen categories drive which limits are shown and
// required, every limit must be a positive amount, thresholds are kept sorted, and the budget stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Steps } from '../common/steps.js';
import { openTestStorage, stepInput, type TestStorage } from '../common/test-db.test-util.js';
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

describe('budget steps', () => {
  it('sets up a budget', async () => {
    const limits = await steps.screens.CATEGORIES!(
      stepInput('t', { categories: ['groceries', 'housing'], currency: 'GBP', period: 'monthly' }, NOW),
    );
    expect(limits).toMatchObject({
      screen: 'LIMITS',
      data: { intro: 'Monthly limits in GBP', show_housing: true, show_groceries: true, show_dining: false, show_savings: false },
    });
    expect(await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1200' }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Enter a limit for Groceries.',
    });
    expect(await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1200', limit_groceries: '350.5' }, NOW))).toMatchObject({
      screen: 'ALERTS',
    });
    expect(await steps.screens.ALERTS!(stepInput('t', { thresholds: ['90', '50'], weekly_summary: true }, NOW))).toEqual({
      kind: 'next',
      screen: 'REVIEW',
      data: { summary: 'Housing: £1,200.00\nGroceries: £350.50', total: 'Total per month: £1,550.50' },
    });
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true }, NOW))).toMatchObject({
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

  it('does not save limits from before the categories were sent again (the form open twice)', async () => {
    const categories = { categories: ['housing'], currency: 'EUR', period: 'monthly' };
    await steps.screens.CATEGORIES!(stepInput('t', categories, NOW));
    await steps.screens.LIMITS!(stepInput('t', { limit_housing: '1500' }, NOW));
    expect(await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'] }, NOW))).toMatchObject({ screen: 'REVIEW' });
    // The other copy changes currency and period; the first copy's review is now out of date.
    await steps.screens.CATEGORIES!(stepInput('t', { categories: ['groceries'], currency: 'INR', period: 'weekly' }, NOW));
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true }, NOW))).toEqual({
      kind: 'error',
      message: 'Please go back and complete your budget.',
    });
    expect(await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'] }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Please go back and enter your limits.',
    });
    expect((await db.storage.record('budget', 't'))?.status).toBe('draft');
    // Once the limits are entered again for INR, the review is built again and can be saved.
    await steps.screens.LIMITS!(stepInput('t', { limit_groceries: '2000' }, NOW));
    await steps.screens.ALERTS!(stepInput('t', { thresholds: ['75'] }, NOW));
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true }, NOW))).toMatchObject({
      params: { currency: 'INR', total_minor: 200_000 },
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
});
