// Expense logic against a real SQLite database: amount parsing and limits, category and description
// checks, the draft carried to RECEIPT, an optional receipt, and the stored expense.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredFlowMedia } from '../common/host.js';
import type { Steps } from '../common/steps.js';
import { STALE_FORM_MESSAGE } from '../common/revision.js';
import { openTestStorage, revisionOf, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import { DEFAULT_EXPENSE_CATEGORIES } from './flow-json.js';
import { expenseSteps } from './steps.js';

const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

beforeEach(async () => {
  db = await openTestStorage();
  steps = expenseSteps({ categories: DEFAULT_EXPENSE_CATEGORIES, currency: 'EUR', maxAmountMinor: 100_000, locale: 'en-GB' }, () => db.storage);
});
afterEach(async () => {
  await db.close();
});

const photo: StoredFlowMedia = {
  mediaId: 'm-1',
  fileName: 'receipt.jpg',
  blobKey: 'flow-media/receipt.jpg',
  mimeType: 'image/jpeg',
  size: 435,
  sha256: 'ab'.repeat(32),
};

describe('expense steps', () => {
  it.each([['abc'], ['0'], ['-5'], ['12.345'], ['']])('refuses the amount %j', async (amount) => {
    const result = await steps.screens.EXPENSE!(stepInput('t', { amount, category: 'meals', description: 'Lunch' }, NOW));
    expect(result).toMatchObject({ kind: 'error', message: 'Enter an amount like 12.50.' });
  });

  it('reads amounts in the currency’s own minor units: none for JPY, three decimals for KWD', async () => {
    const inCurrency = (currency: string) =>
      expenseSteps({ categories: DEFAULT_EXPENSE_CATEGORIES, currency, maxAmountMinor: 10_000_000, locale: 'en-GB' }, () => db.storage);
    const enter = (currency: string, amount: string) =>
      inCurrency(currency).screens.EXPENSE!(stepInput(`t-${currency}-${amount}`, { amount, category: 'meals', description: 'Lunch' }, NOW));
    expect(await enter('JPY', '1500')).toMatchObject({ kind: 'next', data: { summary: 'JP¥1,500 · Meals · Lunch' } });
    expect((await db.storage.draft('expense', 't-JPY-1500')).amount_minor).toBe(1500);
    expect(await enter('JPY', '15.5')).toMatchObject({ kind: 'error', message: 'Enter an amount like 1250.' });
    expect(await enter('KWD', '12.345')).toMatchObject({ kind: 'next' });
    expect((await db.storage.draft('expense', 't-KWD-12.345')).amount_minor).toBe(12_345);
    expect(await enter('KWD', '12.34')).toMatchObject({ kind: 'next' });
    expect((await db.storage.draft('expense', 't-KWD-12.34')).amount_minor).toBe(12_340);
    // Two decimals stay exact (0.29 × 100 is 28.999… in floating point).
    expect(await enter('EUR', '0.29')).toMatchObject({ kind: 'next' });
    expect((await db.storage.draft('expense', 't-EUR-0.29')).amount_minor).toBe(29);
  });

  it('refuses amounts over the limit, unknown categories and empty descriptions', async () => {
    const input = (data: Record<string, unknown>) => stepInput('t', { amount: '12.50', category: 'meals', description: 'Lunch', ...data }, NOW);
    expect(await steps.screens.EXPENSE!(input({ amount: '1000.01' }))).toMatchObject({ message: expect.stringContaining('€1,000.00') as string });
    // A long amount is over the limit, not malformed.
    expect(await steps.screens.EXPENSE!(input({ amount: '1234567890' }))).toMatchObject({ message: expect.stringContaining('€1,000.00') as string });
    expect(await steps.screens.EXPENSE!(input({ category: 'yacht' }))).toMatchObject({ message: 'Please choose a category.' });
    expect(await steps.screens.EXPENSE!(input({ description: '  ' }))).toMatchObject({ message: 'Please describe the expense.' });
  });

  it('stores the expense with its receipt', async () => {
    const first = await steps.screens.EXPENSE!(stepInput('t', { amount: '12,5', category: 'meals', description: 'Team lunch' }, NOW));
    expect(first).toMatchObject({ kind: 'next', screen: 'RECEIPT', data: { summary: '€12.50 · Meals · Team lunch' } });
    const done = await steps.screens.RECEIPT!(stepInput('t', { receipt: [], revision: revisionOf(first) }, NOW, { media: [photo] }));
    expect(done).toMatchObject({ kind: 'complete', params: { amount_minor: 1250, currency: 'EUR' }, keepOnlyMedia: [photo.mediaId] });
    const record = await db.storage.record('expense', 't');
    expect(record).toMatchObject({ status: 'submitted', data: { amount_minor: 1250, category: 'meals', description: 'Team lunch', receipt: photo } });
  });

  it('stores an expense without a receipt, and shows media errors', async () => {
    const revision = revisionOf(await steps.screens.EXPENSE!(stepInput('t', { amount: 99, category: 'travel', description: 'Taxi' }, NOW)));
    const failed = await steps.screens.RECEIPT!(stepInput('t', { revision }, NOW, { mediaErrors: { 'm-2': 'file is not an image' } }));
    expect(failed).toMatchObject({ kind: 'error' });
    expect(await steps.screens.RECEIPT!(stepInput('t', { revision }, NOW))).toMatchObject({ kind: 'complete', keepOnlyMedia: [] });
    expect((await db.storage.record('expense', 't'))?.data).toMatchObject({ amount_minor: 9900, receipt: null });
  });

  it("attaches a receipt only to the expense its screen showed: another open copy's is refused", async () => {
    const phone = await steps.screens.EXPENSE!(stepInput('t', { amount: '12.50', category: 'meals', description: 'Lunch' }, NOW));
    // The same token opened on the desktop enters another expense.
    await steps.screens.EXPENSE!(stepInput('t', { amount: '900', category: 'travel', description: 'Flight' }, NOW));
    expect(await steps.screens.RECEIPT!(stepInput('t', { revision: revisionOf(phone) }, NOW, { media: [photo] }))).toEqual({
      kind: 'error',
      message: STALE_FORM_MESSAGE,
    });
    expect((await db.storage.record('expense', 't'))?.status).toBe('draft');
  });

  it('needs the EXPENSE screen first', async () => {
    expect(await steps.screens.RECEIPT!(stepInput('fresh', {}, NOW))).toMatchObject({ kind: 'error' });
  });
});
