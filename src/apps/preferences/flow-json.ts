// The calendar preferences Flow JSON: NOTIFICATIONS (channels CheckboxGroup, reminder and digest
// OptIns) → TIMEZONE (time zone Dropdown, reminder lead time), pre-filled with the saved choices.
import {
  checkboxGroup,
  dataExchange,
  dropdown,
  field,
  flow,
  footer,
  optIn,
  option,
  radioButtonsGroup,
  ref,
  screen,
  textBody,
  textHeading,
  type FlowJson,
} from '../../protocol/index.js';

export const CHANNEL_OPTIONS = [
  option('whatsapp', 'WhatsApp'),
  option('email', 'Email'),
  option('sms', 'SMS'),
  option('push', 'App notification'),
];

export const LEAD_OPTIONS = [
  option('10m', '10 minutes before'),
  option('1h', '1 hour before'),
  option('1d', '1 day before'),
];

export const DEFAULT_TIME_ZONES: readonly string[] = [
  'UTC',
  'Europe/London',
  'Europe/Lisbon',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Athens',
  'Europe/Istanbul',
  'Africa/Lagos',
  'Africa/Johannesburg',
  'Africa/Nairobi',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Jakarta',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'America/Sao_Paulo',
  'America/Mexico_City',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
];

export function preferencesFlowJson(timeZones: readonly string[] = DEFAULT_TIME_ZONES): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { NOTIFICATIONS: ['TIMEZONE'], TIMEZONE: [] },
    screens: [
      screen('NOTIFICATIONS', {
        title: 'Calendar notifications',
        data: {
          channels: field.array({ type: 'string' }, ['whatsapp']),
          reminders: field.boolean(true),
          digest: field.boolean(false),
        },
        children: [
          textHeading('How should we remind you?'),
          checkboxGroup({
            name: 'channels',
            label: 'Notify me by',
            required: false,
            dataSource: CHANNEL_OPTIONS,
            initValue: ref.data('channels'),
          }),
          optIn({ name: 'reminders', label: 'Remind me before each event', initValue: ref.data('reminders') }),
          optIn({ name: 'digest', label: 'Send me a daily agenda every morning', initValue: ref.data('digest') }),
          footer(
            'Continue',
            dataExchange({ channels: ref.form('channels'), reminders: ref.form('reminders'), digest: ref.form('digest') }),
          ),
        ],
      }),
      screen('TIMEZONE', {
        title: 'Time zone',
        terminal: true,
        data: { timezone: field.string('Europe/London'), lead: field.string('1h'), revision: field.string('Jx2bD4') },
        children: [
          textBody('Events and reminders are shown in this time zone.'),
          dropdown({
            name: 'timezone',
            label: 'Time zone',
            required: true,
            dataSource: timeZones.map((zone) => option(zone, zone.replace(/_/g, ' ').slice(0, 30))),
            initValue: ref.data('timezone'),
          }),
          radioButtonsGroup({
            name: 'lead',
            label: 'Remind me',
            required: true,
            dataSource: LEAD_OPTIONS,
            initValue: ref.data('lead'),
          }),
          footer(
            'Save preferences',
            dataExchange({ timezone: ref.form('timezone'), lead: ref.form('lead'), revision: ref.data('revision') }),
          ),
        ],
      }),
    ],
  });
}
