// Survey logic against a real SQLite database: each screen's answers are checked against the offered
// options, carried forward, summarised on THANKS and stored as one response.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_FORM_MESSAGE } from '../common/revision.js';
import type { Steps } from '../common/steps.js';
import { openTestStorage, revisionOf, stepInput, type TestStorage } from '../common/test-db.test-util.js';
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
    const choices = await steps.screens.RATINGS!(stepInput('t', { rating: '4', recommend: 'likely' }, NOW));
    expect(choices).toMatchObject({ screen: 'CHOICES' });
    const revision = revisionOf(choices);
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: ['staff', 'quality'], improve: ['price'], revision }, NOW))).toMatchObject({
      screen: 'COMMENTS',
      data: { revision },
    });
    const thanks = await steps.screens.COMMENTS!(stepInput('t', { comments: 'Lovely', contact_ok: true, revision }, NOW));
    expect(thanks).toEqual({
      kind: 'next',
      screen: 'THANKS',
      data: { rating_label: '★★★★ Good', liked_label: 'You liked: Friendly staff, Quality', revision: revisionOf(thanks) },
    });
    expect(await steps.screens.THANKS!(stepInput('t', { confirm: true, revision: revisionOf(thanks) }, NOW))).toMatchObject({
      kind: 'complete',
      params: { rating: 4 },
    });
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
    // The comments screen before the questions: no summary of answers never given.
    expect(await steps.screens.COMMENTS!(stepInput('t', { comments: 'Hi' }, NOW))).toEqual({
      kind: 'error',
      message: 'Please go back and answer the questions.',
    });
    const revision = revisionOf(await steps.screens.RATINGS!(stepInput('t', { rating: '5', recommend: 'likely' }, NOW)));
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: [], revision }, NOW))).toMatchObject({ kind: 'error' });
    expect(
      await steps.screens.CHOICES!(stepInput('t', { liked: ['speed', 'staff', 'price', 'quality'], revision }, NOW)),
    ).toMatchObject({ kind: 'error' });
    expect(await steps.screens.CHOICES!(stepInput('t', { liked: ['free beer'], revision }, NOW))).toMatchObject({
      message: 'Please pick from the list.',
    });
    expect(await steps.screens.THANKS!(stepInput('t', { revision }, NOW))).toMatchObject({ kind: 'error' });
  });

  it("refuses the screens of a stale copy of the form (open twice), so it never stores a mix of both", async () => {
    const phone = revisionOf(await steps.screens.RATINGS!(stepInput('t', { rating: '2', recommend: 'unlikely' }, NOW)));
    await steps.screens.CHOICES!(stepInput('t', { liked: ['price'], revision: phone }, NOW));
    const phoneThanks = await steps.screens.COMMENTS!(stepInput('t', { comments: 'Too slow', revision: phone }, NOW));
    // The same token opened on the desktop starts again with other ratings.
    const desktop = revisionOf(await steps.screens.RATINGS!(stepInput('t', { rating: '5', recommend: 'very_likely' }, NOW)));
    expect(await steps.screens.THANKS!(stepInput('t', { revision: revisionOf(phoneThanks) }, NOW))).toEqual({
      kind: 'error',
      message: STALE_FORM_MESSAGE,
    });
    expect(await steps.screens.COMMENTS!(stepInput('t', { comments: 'Too slow', revision: phone }, NOW))).toEqual({
      kind: 'error',
      message: STALE_FORM_MESSAGE,
    });
    await steps.screens.CHOICES!(stepInput('t', { liked: ['staff'], revision: desktop }, NOW));
    const thanks = await steps.screens.COMMENTS!(stepInput('t', { revision: desktop }, NOW));
    expect(await steps.screens.THANKS!(stepInput('t', { revision: revisionOf(thanks) }, NOW))).toMatchObject({ kind: 'complete' });
    expect((await db.storage.record('survey', 't'))?.data).toMatchObject({ rating: 5, liked: ['staff'], comments: null });
  });
});
