// Survey logic against a real SQLite database: each screen's answers are checked against the offered
// options, carried forward, summarised on THANKS and stored as one response.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Steps } from '../common/steps.js';
import { openTestStorage, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import { surveySteps } from './steps.js';

const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

beforeEach(async () => {
  db = await openTestStorage();
  steps = surveySteps({ business: 'Café Flow' }, () => db.storage);
});
afterEach(async () => {
  await db.close();
});

describe('survey steps', () => {
  it('walks four screens and stores the response', async () => {
    expect(await steps.init(stepInput('t', {}, NOW))).toEqual({ kind: 'next', screen: 'RATINGS', data: { business: 'Café Flow' } });
    expect(await steps.screens.RATINGS!(stepInput('t', { rating: '4', recommend: 'likely' }, NOW))).toMatchObject({ screen: 'CHOICES' });
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: ['staff', 'quality'], improve: ['price'] }, NOW))).toMatchObject({
      screen: 'COMMENTS',
    });
    const thanks = await steps.screens.COMMENTS!(stepInput('t', { comments: 'Lovely', contact_ok: true }, NOW));
    expect(thanks).toEqual({
      kind: 'next',
      screen: 'THANKS',
      data: { rating_label: '★★★★ Good', liked_label: 'You liked: Friendly staff, Quality' },
    });
    expect(await steps.screens.THANKS!(stepInput('t', { confirm: true }, NOW))).toMatchObject({ kind: 'complete', params: { rating: 4 } });
    expect((await db.storage.record('survey', 't'))?.data).toEqual({
      rating: 4,
      recommend: 'likely',
      liked: ['staff', 'quality'],
      improve: ['price'],
      comments: 'Lovely',
      contact_ok: true,
    });
  });

  it('refuses answers that were not offered', async () => {
    expect(await steps.screens.RATINGS!(stepInput('t', { rating: '6', recommend: 'likely' }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.RATINGS!(stepInput('t', { rating: '5', recommend: 'maybe' }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: [] }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: ['speed', 'staff', 'price', 'quality'] }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: ['free beer'] }, NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.THANKS!(stepInput('t', {}, NOW))).toMatchObject({ kind: 'error' });
    // The comments screen before the questions: no summary of answers never given.
    expect(await steps.screens.COMMENTS!(stepInput('t', { comments: 'Hi' }, NOW))).toEqual({
      kind: 'error',
      message: 'Please go back and answer the questions.',
    });
  });
});
