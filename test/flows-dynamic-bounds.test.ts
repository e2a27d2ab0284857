// Date bounds a ready flow's pickers take from the screen's data ("min-date": "${data.min_date}") are
// checked on the server with the values the screen was shown with, as the person's picker enforced them.
import { describe, expect, it } from 'vitest';
import { bookingFlowJson } from '../src/apps/booking/flow-json.js';
import { scheduleFlowJson } from '../src/apps/schedule/flow-json.js';
import { dynamicConstraints } from '../src/flows/data-sources.js';
import { validateSubmission } from '../src/flows/validate-input.js';

const codes = (errors: { code: string }[]) => errors.map((e) => e.code);

describe('dynamic date bounds', () => {
  const booking = bookingFlowJson();
  const shown = { min_date: '2026-03-02', max_date: '2026-03-31', unavailable_dates: ['2026-03-05'], intro: 'Pick' };

  it('reads the DatePicker bounds from the data the screen was shown with', () => {
    expect(dynamicConstraints(booking, 'DATE', shown)).toEqual({
      date: { minDate: '2026-03-02', maxDate: '2026-03-31', unavailableDates: ['2026-03-05'] },
    });
    // Nothing usable shown: no bound (the picker showed none either).
    expect(dynamicConstraints(booking, 'DATE', { min_date: 7, unavailable_dates: [1] })).toEqual({ date: {} });
    expect(dynamicConstraints(booking, 'NOWHERE', shown)).toEqual({});
  });

  it('refuses days outside them, and only with them', () => {
    const constraints = dynamicConstraints(booking, 'DATE', shown);
    const check = (date: string) => codes(validateSubmission(booking, 'DATE', { date }, { constraints }));
    expect(check('2026-03-01')).toEqual(['date_too_early']);
    expect(check('2026-04-01')).toEqual(['date_too_late']);
    expect(check('2026-03-05')).toEqual(['date_unavailable']);
    expect(check('2026-03-06')).toEqual([]);
    // The static JSON alone knows no bound: this is what the server used to check.
    expect(codes(validateSubmission(booking, 'DATE', { date: '2026-03-01' }))).toEqual([]);
  });

  it('bounds a CalendarPicker range the same way', () => {
    const schedule = scheduleFlowJson();
    const entry = schedule.screens[0];
    if (entry === undefined) throw new Error('schedule has no screens');
    const data = { min_date: '2026-03-02', max_date: '2026-03-31' };
    const constraints = dynamicConstraints(schedule, entry.id, data);
    expect(Object.values(constraints)).toEqual([{ minDate: '2026-03-02', maxDate: '2026-03-31' }]);
    const [name] = Object.keys(constraints);
    if (name === undefined) throw new Error('no bounded picker');
    const range = (start: string, end: string) =>
      codes(
        validateSubmission(schedule, entry.id, { [name]: { 'start-date': start, 'end-date': end } }, { constraints }),
      );
    expect(range('2026-03-01', '2026-03-03')).toEqual(['date_too_early']);
    expect(range('2026-03-30', '2026-04-02')).toEqual(['date_too_late']);
    expect(range('2026-03-03', '2026-03-04')).toEqual([]);
  });
});
