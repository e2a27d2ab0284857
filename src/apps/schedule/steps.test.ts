// Schedule logic against a real SQLite database: the range checks, the chosen days laid out one
// Dropdown each, a time of day required for every chosen day, the review and the stored schedule.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Steps } from '../common/steps.js';
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
      },
    });
    const perDay = await steps.screens.DAYS!(stepInput('t', { days: ['2026-01-14', '2026-01-12'] }, NOW));
    expect(perDay).toMatchObject({
      screen: 'PER_DAY',
      data: { day_1_label: 'Mon 12 Jan', day_1_visible: true, day_2_label: 'Wed 14 Jan', day_2_visible: true, day_3_visible: false, day_7_label: '' },
    });
    expect(await steps.screens.PER_DAY!(stepInput('t', { day_1: 'morning' }, NOW))).toMatchObject({
      kind: 'error',
      message: 'Please pick a time for Wed 14 Jan.',
    });
    expect(await steps.screens.PER_DAY!(stepInput('t', { day_1: 'morning', day_2: 'evening' }, NOW))).toMatchObject({ screen: 'NOTES' });
    expect(await steps.screens.NOTES!(stepInput('t', { notes: 'Bring coffee', reminders: true }, NOW))).toEqual({
      kind: 'next',
      screen: 'REVIEW',
      data: { summary: 'Mon 12 Jan: Morning (8–12)\nWed 14 Jan: Evening (17–21)', notes: 'Bring coffee' },
    });
    expect(await steps.screens.REVIEW!(stepInput('t', { confirm: true }, NOW))).toMatchObject({ kind: 'complete' });
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
    await steps.screens.RANGE!(stepInput('t', range('2026-01-12', '2026-01-13'), NOW));
    expect(await steps.screens.DAYS!(stepInput('t', { days: ['2026-01-20'] }, NOW))).toMatchObject({ kind: 'error' });
  });
  it('does not save days that passed while the flow stayed open, or a review built for an older range', async () => {
    const walk = async (token: string) => {
      await steps.screens.RANGE!(stepInput(token, range('2026-01-06', '2026-01-07'), NOW));
      await steps.screens.DAYS!(stepInput(token, { days: ['2026-01-06', '2026-01-07'] }, NOW));
      await steps.screens.PER_DAY!(stepInput(token, { day_1: 'morning', day_2: 'morning' }, NOW));
      await steps.screens.NOTES!(stepInput(token, {}, NOW));
    };
    await walk('late');
    const twoDaysLater = NOW + 2 * 86_400_000;
    expect(await steps.screens.REVIEW!(stepInput('late', { confirm: true }, twoDaysLater))).toEqual({
      kind: 'error',
      message: 'Some of those days have passed. Please go back and pick your dates again.',
    });
    expect((await db.storage.record('schedule', 'late'))?.status).toBe('draft');

    await walk('twice');
    // The other copy picks another range; this copy's review no longer matches what is kept.
    await steps.screens.RANGE!(stepInput('twice', range('2026-01-20', '2026-01-21'), NOW));
    expect(await steps.screens.REVIEW!(stepInput('twice', { confirm: true }, NOW))).toEqual({
      kind: 'error',
      message: 'Please go back and complete your schedule.',
    });
    expect((await db.storage.record('schedule', 'twice'))?.status).toBe('draft');
  });
});
