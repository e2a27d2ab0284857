// The multi-day schedule Flow JSON on five screens: RANGE (CalendarPicker in range mode) → DAYS
// (which days of the range) → PER_DAY (a time of day for each chosen day) → NOTES → REVIEW.
import {
  calendarPicker,
  checkboxGroup,
  dataExchange,
  dropdown,
  field,
  flow,
  footer,
  optIn,
  option,
  ref,
  screen,
  textArea,
  textBody,
  textHeading,
  textSubheading,
  type Component,
  type FlowJson,
} from '../../protocol/index.js';

/** At most this many days per schedule (one Dropdown each on PER_DAY). */
export const MAX_SCHEDULE_DAYS = 7;

export const PERIOD_OPTIONS = [
  option('morning', 'Morning (8–12)'),
  option('afternoon', 'Afternoon (12–17)'),
  option('evening', 'Evening (17–21)'),
  option('all_day', 'All day'),
];

const slotNumbers = Array.from({ length: MAX_SCHEDULE_DAYS }, (_, i) => i + 1);

function perDayInputs(): Component[] {
  return slotNumbers.map((n) =>
    dropdown({
      name: `day_${n}`,
      label: ref.data(`day_${n}_label`),
      dataSource: PERIOD_OPTIONS,
      required: ref.data(`day_${n}_visible`),
      visible: ref.data(`day_${n}_visible`),
    }),
  );
}

function perDayData(): Record<string, ReturnType<typeof field.string>> {
  return Object.fromEntries(
    slotNumbers.flatMap((n) => [
      [`day_${n}_label`, field.string(n === 1 ? 'Mon 5 Jan' : '')],
      [`day_${n}_visible`, field.boolean(n === 1)],
    ]),
  );
}

export function scheduleFlowJson(): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { RANGE: ['DAYS'], DAYS: ['PER_DAY'], PER_DAY: ['NOTES'], NOTES: ['REVIEW'], REVIEW: [] },
    screens: [
      screen('RANGE', {
        title: 'Plan your days',
        data: { min_date: field.string('2026-01-05'), max_date: field.string('2026-03-05') },
        children: [
          textHeading('When are you available?'),
          calendarPicker({
            name: 'range',
            mode: 'range',
            title: 'Choose your dates',
            description: `Pick up to ${MAX_SCHEDULE_DAYS} days`,
            label: { 'start-date': 'First day', 'end-date': 'Last day' },
            required: { 'start-date': true, 'end-date': true },
            minDate: ref.data('min_date'),
            maxDate: ref.data('max_date'),
            minDays: 1,
            maxDays: MAX_SCHEDULE_DAYS,
          }),
          footer('Continue', dataExchange({ range: ref.form('range') })),
        ],
      }),
      screen('DAYS', {
        title: 'Your days',
        data: {
          range_label: field.string('Mon 5 Jan – Wed 7 Jan'),
          days: field.options([{ id: '2026-01-05', title: 'Mon 5 Jan' }]),
          selected: field.array({ type: 'string' }, ['2026-01-05']),
          // Sent back with the answers: a stale copy of this form (open twice) is refused (common/revision.ts).
          revision: field.string('Jx2bD4'),
        },
        children: [
          textSubheading(ref.data('range_label')),
          checkboxGroup({
            name: 'days',
            label: 'Which days work for you?',
            required: true,
            minSelectedItems: 1,
            dataSource: ref.data('days'),
            initValue: ref.data('selected'),
          }),
          footer('Continue', dataExchange({ days: ref.form('days'), revision: ref.data('revision') })),
        ],
      }),
      screen('PER_DAY', {
        title: 'Time of day',
        data: { ...perDayData(), revision: field.string('Jx2bD4') },
        children: [
          textBody('Pick the best time on each day.'),
          ...perDayInputs(),
          footer(
            'Continue',
            dataExchange({
              ...Object.fromEntries(slotNumbers.map((n) => [`day_${n}`, ref.form(`day_${n}`)])),
              revision: ref.data('revision'),
            }),
          ),
        ],
      }),
      screen('NOTES', {
        title: 'Notes',
        data: { revision: field.string('Jx2bD4') },
        children: [
          textArea({ name: 'notes', label: 'Notes', required: false, maxLength: 500, helperText: 'Anything we should plan around' }),
          optIn({ name: 'reminders', label: 'Send me a reminder the day before', required: false }),
          footer(
            'Review',
            dataExchange({ notes: ref.form('notes'), reminders: ref.form('reminders'), revision: ref.data('revision') }),
          ),
        ],
      }),
      screen('REVIEW', {
        title: 'Review',
        terminal: true,
        data: { summary: field.string('Mon 5 Jan: Morning (8–12)'), notes: field.string('No notes'), revision: field.string('Jx2bD4') },
        children: [
          textHeading('Your schedule'),
          textBody(ref.data('summary')),
          textBody(ref.data('notes')),
          footer('Confirm schedule', dataExchange({ confirm: true, revision: ref.data('revision') })),
        ],
      }),
    ],
  });
}
