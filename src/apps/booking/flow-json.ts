// The appointment booking Flow JSON: DATE → SLOTS → DETAILS → CONFIRM, every step through the
// endpoint (the slots come from the availability source, the slot is held atomically on SLOTS).
import {
  dataExchange,
  datePicker,
  dropdown,
  field,
  flow,
  footer,
  ref,
  screen,
  textArea,
  textBody,
  textHeading,
  textInput,
  textSubheading,
  type FlowJson,
} from '../../protocol/index.js';

export const BOOKING_SCREENS = ['DATE', 'SLOTS', 'DETAILS', 'CONFIRM'] as const;

export function bookingFlowJson(): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { DATE: ['SLOTS'], SLOTS: ['DETAILS'], DETAILS: ['CONFIRM'], CONFIRM: [] },
    screens: [
      screen('DATE', {
        title: 'Book an appointment',
        data: {
          min_date: field.string('2026-01-05'),
          max_date: field.string('2026-02-05'),
          unavailable_dates: field.array({ type: 'string' }, ['2026-01-10']),
          intro: field.string('Pick a day for your appointment.'),
        },
        children: [
          textHeading('Choose a date'),
          textBody(ref.data('intro')),
          datePicker({
            name: 'date',
            label: 'Date',
            required: true,
            minDate: ref.data('min_date'),
            maxDate: ref.data('max_date'),
            unavailableDates: ref.data('unavailable_dates'),
          }),
          footer('Show times', dataExchange({ date: ref.form('date') })),
        ],
      }),
      screen('SLOTS', {
        title: 'Pick a time',
        data: {
          date: field.string('2026-01-05'),
          date_label: field.string('Monday, 5 January 2026'),
          slots: field.options([{ id: '2026-01-05T09:00:00.000Z', title: '09:00' }]),
          revision: field.string('Jx2bD4'),
        },
        children: [
          textSubheading(ref.data('date_label')),
          dropdown({ name: 'slot', label: 'Available times', required: true, dataSource: ref.data('slots') }),
          footer(
            'Continue',
            dataExchange({ date: ref.data('date'), slot: ref.form('slot'), revision: ref.data('revision') }),
          ),
        ],
      }),
      screen('DETAILS', {
        title: 'Your details',
        data: { slot_label: field.string('Monday, 5 January 2026 at 09:00'), revision: field.string('Jx2bD4') },
        children: [
          textSubheading(ref.data('slot_label')),
          textInput({ name: 'name', label: 'Full name', required: true, minChars: 2, maxChars: 80 }),
          textInput({ name: 'email', label: 'Email', inputType: 'email', required: true }),
          textArea({ name: 'notes', label: 'Notes', required: false, maxLength: 500, helperText: 'Anything we should know' }),
          footer(
            'Review',
            dataExchange({
              name: ref.form('name'),
              email: ref.form('email'),
              notes: ref.form('notes'),
              revision: ref.data('revision'),
            }),
          ),
        ],
      }),
      screen('CONFIRM', {
        title: 'Confirm booking',
        terminal: true,
        data: {
          slot_label: field.string('Monday, 5 January 2026 at 09:00'),
          name: field.string('Jane Doe'),
          email: field.string('jane@example.com'),
          notes: field.string(''),
          revision: field.string('Jx2bD4.x'),
        },
        children: [
          textHeading('Please confirm'),
          textBody(ref.data('slot_label')),
          textBody(ref.data('name')),
          textBody(ref.data('email')),
          textBody(ref.data('notes')),
          footer('Confirm booking', dataExchange({ confirm: true, revision: ref.data('revision') })),
        ],
      }),
    ],
  });
}
