// Schedule logic against a real SQLite database: the range checks, the chosen days laid out one
// Dropdown each, a time of day required for every chosen day, the review and the stored schedule.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_FORM_MESSAGE } from '../common/revision.js';
import type { StepResult, Steps } from '../common/steps.js';
import { openTestStorage, stepInput, type TestStorage } from '../common/test-db.test-util.js';
import { scheduleSteps } from './steps.js';

const NOW = Date.parse('2026-01-05T08:00:00Z');
let db: TestStorage;
let steps: Steps;

beforeEach(async () => {
  db = await openTestStorage();
  steps = scheduleSteps({ timeZone: 'UTC', windowDays: 60, locale: 'en-GB' }, () => db.storage);
});
afterEach(async () => {
  await db.close();
});

const range = (start: string, end: string) => ({ range: { 'start-date': start, 'end-date': end } });
/** The revision a step's next screen is shown with (sent back by that screen's Footer). */
function rev(result: StepResult): string {
  const revision = result.kind === 'next' ? result.data.revision : undefined;
  if (typeof revision !== 'string') throw new Error(`no revision in ${JSON.stringify(result)}`);
  return revision;
}
const anyRevision = expect.stringMatching(/^[\w-]{12}(\.[\w-]{12})?$/) as unknown;

describe('schedule steps', () => {
  it('walks five screens and stores the schedule', async () => {
    expect(await steps.init(stepInput('t', {}, NOW))).toEqual({
      kind: 'next',
      screen: 'RANGE',
      data: { min_date: '2026-01-05', max_date: '2026-03-06' },
    });
    const days = await steps.screens.RANGE!(stepInput('t', range('2026-01-12', '2026-01-14'), NOW));
    expect(days).toEqual({
      kind: 'next',
      screen: 'DAYS',
      data: {
        range_label: 'Mon 12 Jan – Wed 14 Jan',
        days: [
          { id: '2026-01-12', title: 'Mon 12 Jan' },
          { id: '2026-01-13', title: 'Tue 13 Jan' },
          { id: '2026-01-14', title: 'Wed 14 Jan' },
        ],
        selected: ['2026-01-12', '2026-01-13', '2026-01-14'],
        revision: anyRevision,
      },
    });
    const perDay = await steps.screens.DAYS!(stepInput('t', { days: ['2026-01-14', '2026-01-12'], revision: rev(days) }, NOW));
    expect(perDay).toMatchObject({
      screen: 'PER_DAY',
      data: { day_1_label: 'Mon 12 Jan', day_1_visible: true, day_2_label: 'Wed 14 Jan', day_2_visible: true, day_3_visible: false, day_7_label: '' },
    });
    expect(await steps.screens.PER_DAY!(stepInput('t', { day_1: 'morning', revision: rev(perDay) }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Please pick a time for Wed 14 Jan.',
    });
    const notes = await steps.screens.PER_DAY!(stepInput('t', { day_1: 'morning', day_2: 'evening', revision: rev(perDay) }, NOW));
    expect(notes).toMatchObject({ screen: 'NOTES' });
    const review = await steps.screens.NOTES!(stepInput('t', { notes: 'Bring coffee', reminders: true, revision: rev(notes) }, NOW));
    expect(review).toEqual({
      kind: 'next',
      screen: 'REVIEW',
      data: { summary: 'Mon 12 Jan: Morning (8–12)\nWed 14 Jan: Evening (17–21)', notes: 'Bring coffee', revision: anyRevision },
    });
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true, revision: rev(review) }, NOW))).toMatchObject({ kind: 'complete' });
    expect((await db.storage.record('schedule', 't'))?.data).toEqual({
      start_date: '2026-01-12',
      end_date: '2026-01-14',
      days: [
        { date: '2026-01-12', period: 'morning' },
        { date: '2026-01-14', period: 'evening' },
      ],
      notes: 'Bring coffee',
      reminders: true,
    });
  });

  it('refuses ranges that are too long, in the past, reversed or malformed, and days outside the range', async () => {
    expect(await steps.screens.RANGE!(stepInput('t', range('2026-01-12', '2026-01-19'), NOW))).toMatchObject({
      message: 'Please pick at most 7 days.',
    });
    expect(await steps.screens.RANGE!(stepInput('t', range('2026-01-01', '2026-01-02'), NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.RANGE!(stepInput('t', range('2026-01-14', '2026-01-12'), NOW))).toMatchObject({ kind: 'error' });
    expect(await steps.screens.RANGE!(stepInput('t', { range: '2026-01-12' }, NOW))).toMatchObject({ kind: 'error' });
    const shown = await steps.screens.RANGE!(stepInput('t', range('2026-01-12', '2026-01-13'), NOW));
    expect(await steps.screens.DAYS!(stepInput('t', { days: ['2026-01-20'], revision: rev(shown) }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Please pick days from your range.',
    });
  });
  it('does not save days that passed while the flow stayed open, or a screen of a stale copy of the form', async () => {
    const walk = async (token: string) => {
      const days = await steps.screens.RANGE!(stepInput(token, range('2026-01-06', '2026-01-07'), NOW));
      const perDay = await steps.screens.DAYS!(stepInput(token, { days: ['2026-01-06', '2026-01-07'], revision: rev(days) }, NOW));
      const notes = await steps.screens.PER_DAY!(stepInput(token, { day_1: 'morning', day_2: 'morning', revision: rev(perDay) }, NOW));
      return { perDay, review: await steps.screens.NOTES!(stepInput(token, { revision: rev(notes) }, NOW)) };
    };
    const late = await walk('late');
    const twoDaysLater = NOW + 2 * 86_400_000;
    expect(await steps.screens.REVIEW!(stepInput('late', { confirm: true, revision: rev(late.review) }, twoDaysLater))).toEqual({
      kind: 'error',
      message: 'Some of those days have passed. Please go back and pick your dates again.',
    });
    expect((await db.storage.record('schedule', 'late'))?.status).toBe('draft');

    const first = await walk('twice');
    // The other copy picks another range: this copy's review and its earlier screens are stale now.
    await steps.screens.RANGE!(stepInput('twice', range('2026-01-20', '2026-01-21'), NOW));
    const stale = { kind: 'error', message: STALE_FORM_MESSAGE };
    expect(await steps.screens.REVIEW!(stepInput('twice', { confirm: true, revision: rev(first.review) }, NOW))).toEqual(stale);
    expect(await steps.screens.PER_DAY!(stepInput('twice', { day_1: 'evening', day_2: 'evening', revision: rev(first.perDay) }, NOW))).toEqual(stale);
    expect(await steps.screens.NOTES!(stepInput('twice', {}, NOW))).toEqual(stale);
    expect((await db.storage.record('schedule', 'twice'))?.status).toBe('draft');
  });
});
