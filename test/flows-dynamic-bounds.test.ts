// Date bounds a ready flow's pickers take from the screen's data ("min-date": "${data.min_date}"), and any
// other constraint written that way (character limits, a CalendarPicker's mode), are checked on the server
// with the values the screen was shown with, as the person's phone enforced them.
import { describe, expect, it } from 'vitest';
import { validateFlowJson, type FlowJson } from '../src/protocol/index.js';
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

describe('other constraints taken from the data', () => {
  const json = {
    version: '7.3',
    data_api_version: '3.0',
    routing_model: { NOTE: [] },
    screens: [
      {
        id: 'NOTE',
        terminal: true,
        data: {
          limit: { type: 'number', __example__: 200 },
          max: { type: 'number', __example__: 1000 },
          mode: { type: 'string', __example__: 'range' },
        },
        layout: {
          type: 'SingleColumnLayout',
          children: [
            { type: 'TextInput', name: 'title', label: 'Title', 'max-chars': '${data.limit}' },
            { type: 'TextArea', name: 'body', label: 'Body', 'max-length': '${data.max}' },
            { type: 'CalendarPicker', name: 'when', label: 'When', mode: '${data.mode}' },
            {
              type: 'Footer',
              label: 'Send',
              'on-click-action': {
                name: 'data_exchange',
                payload: { title: '${form.title}', body: '${form.body}', when: '${form.when}' },
              },
            },
          ],
        },
      },
    ],
  } as unknown as FlowJson;

  it('uses the limits and the mode the screen was shown with, and no static default when there are none', () => {
    expect(validateFlowJson(json).filter((f) => f.severity === 'error')).toEqual([]);
    const submit = {
      title: 't'.repeat(150),
      body: 'b'.repeat(800),
      when: { 'start-date': '2026-03-02', 'end-date': '2026-03-05' },
    };
    const check = (data: Record<string, unknown>) =>
      codes(validateSubmission(json, 'NOTE', submit, { constraints: dynamicConstraints(json, 'NOTE', data) }));
    expect(check({ limit: 200, max: 1000, mode: 'range' })).toEqual([]);
    expect(check({ limit: 100, max: 500, mode: 'range' }).sort()).toEqual(['too_long', 'too_long']);
    expect(check({ limit: 200, max: 1000, mode: 'single' })).toEqual(['invalid_date']);
    // Data that could not say (an update_data screen, a value of the wrong type): unchecked, not 80 / 600.
    expect(check({ mode: 'range' })).toEqual([]);
    expect(check({ limit: 'lots', max: null, mode: 'range' })).toEqual([]);
  });
});
