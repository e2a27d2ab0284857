// validateSubmission against the shared Flow JSON fixtures (and variants built from them): payload
// keys are mapped to components through the data_exchange action that sent them, then required,
// text, choice, date, range, opt-in and picker rules are applied with person-readable messages.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateFlowJson, type FlowJson } from '../protocol/index.js';
import { validateSubmission, type ValidateSubmissionOptions } from './validate-input.js';

const DIR = new URL('../../../shared/protocol/fixtures/flow_json/', import.meta.url);

function fixture(name: string): FlowJson {
  const doc = JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as FlowJson;
  expect(validateFlowJson(doc).filter((finding) => finding.severity === 'error')).toEqual([]);
  return doc;
}

/** A fixture whose terminal Footer's complete action becomes a data_exchange with `payload`. */
function withDataExchange(name: string, payload: Record<string, string>): FlowJson {
  const doc = JSON.parse(JSON.stringify(fixture(name))) as Record<string, unknown> & FlowJson;
  doc.data_api_version = '3.0';
  doc.routing_model = Object.fromEntries(doc.screens.map((screen) => [screen.id, []]));
  const children = doc.screens[0]!.layout.children as unknown as Record<string, unknown>[];
  const footer = children.find((child) => child.type === 'Footer')!;
  footer['on-click-action'] = { name: 'data_exchange', payload };
  return doc;
}

type Case = [
  description: string,
  flow: () => FlowJson,
  screen: string,
  payload: Record<string, unknown>,
  expected: { field: string; message: string; code?: string; key?: string }[],
  options?: ValidateSubmissionOptions,
];

const register = () => fixture('pywa_v2_1__register');
const fullRegister = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  password: 'secret',
  confirm_password: 'secret',
  terms_agreement: true,
  offers_acceptance: false,
};
const photo = () => fixture('pywa_v4_0__photo_picker');
const item = (n: number) => ({
  media_id: `m-${n}`,
  cdn_url: 'https://cdn.example/x',
  file_name: `IMG_${n}.jpg`,
  encryption_metadata: { encrypted_hash: 'x', iv: 'x', encryption_key: 'x', hmac_key: 'x', plaintext_hash: 'x' },
});
const items = (count: number) => Array.from({ length: count }, (_, n) => item(n));
const single = () => fixture('pywa_v6_1__calendar_picker_single_mode');
const range = () => fixture('pywa_v6_1__calendar_picker_range_mode');
const epochDates = () => fixture('pywa_v4_0__date_picker_dates_str');
const isoDates = () => fixture('pywa_v5_0__date_picker_dates_obj');
const chips = () => withDataExchange('pywa_v6_3__chips_selector', { chips: '${form.chips}' });
const regex = () => withDataExchange('pywa_v6_2__regex', { date: '${form.regex input}', code: '${form.passcode_oo7}' });
const quote = () => fixture('pywa_v2_1__get_a_quote');
const loan = () => fixture('meta_docs_example__pre_approved_loan_v7_2_endpoint');

const cases: Case[] = [
  ['register: a complete form passes', register, 'REGISTER', fullRegister, []],
  [
    'register: extra keys that are not form references pass through',
    register,
    'REGISTER',
    { ...fullRegister, campaign: 'spring', nested: { any: 1 } },
    [],
  ],
  [
    'register: required text left empty',
    register,
    'REGISTER',
    { ...fullRegister, first_name: '  ', last_name: undefined },
    [
      { field: 'first_name', message: 'Fill in this field', code: 'required', key: 'first_name' },
      { field: 'last_name', message: 'Fill in this field', code: 'required' },
    ],
  ],
  [
    'register: default max-chars of TextInput is 80',
    register,
    'REGISTER',
    { ...fullRegister, first_name: 'a'.repeat(81), last_name: '😀'.repeat(80) },
    [{ field: 'first_name', message: 'Enter at most 80 characters', code: 'too_long' }],
  ],
  [
    'register: email input-type',
    register,
    'REGISTER',
    { ...fullRegister, email: 'ada at example' },
    [{ field: 'email', message: 'Enter a valid email address', code: 'invalid_email' }],
  ],
  [
    'register: required OptIn must be true, optional OptIn may be false',
    register,
    'REGISTER',
    { ...fullRegister, terms_agreement: false },
    [{ field: 'terms_agreement', message: 'Tick this box to continue', code: 'required' }],
  ],
  [
    'register: OptIn values must be booleans',
    register,
    'REGISTER',
    { ...fullRegister, offers_acceptance: 'yes' },
    [{ field: 'offers_acceptance', message: 'Tick or untick this box', code: 'invalid_value' }],
  ],
  ['unknown screen: nothing to check', register, 'NOPE', { first_name: '' }, []],
  ['photo picker: one photo', photo, 'FIRST', { images: items(1) }, []],
  [
    'photo picker: min-uploaded-photos 1',
    photo,
    'FIRST',
    { images: [] },
    [{ field: 'photo_picker', message: 'Add at least 1 photo', code: 'required', key: 'images' }],
  ],
  [
    'photo picker: max-uploaded-photos 10',
    photo,
    'FIRST',
    { images: items(11) },
    [{ field: 'photo_picker', message: 'Add at most 10 photos', code: 'too_many_files' }],
  ],
  [
    'photo picker: items must be media descriptors',
    photo,
    'FIRST',
    { images: [{ media_id: 'x' }] },
    [{ field: 'photo_picker', message: 'Upload the photos again', code: 'invalid_value' }],
  ],
  ['calendar single: a weekday in range', single, 'DEMO_SCREEN', { calendar: '2024-10-23' }, []],
  [
    'calendar single: before min-date',
    single,
    'DEMO_SCREEN',
    { calendar: '2024-10-18' },
    [{ field: 'calendar', message: 'Choose a date on or after 2024-10-21', code: 'date_too_early' }],
  ],
  [
    'calendar single: after max-date',
    single,
    'DEMO_SCREEN',
    { calendar: '2025-12-15' },
    [{ field: 'calendar', message: 'Choose a date on or before 2025-12-12', code: 'date_too_late' }],
  ],
  [
    'calendar single: unavailable date',
    single,
    'DEMO_SCREEN',
    { calendar: '2024-11-28' },
    [{ field: 'calendar', message: 'This date is not available', code: 'date_unavailable' }],
  ],
  [
    'calendar single: Saturday is not in include-days',
    single,
    'DEMO_SCREEN',
    { calendar: '2024-10-26' },
    [{ field: 'calendar', message: 'Choose a date on Mon, Tue, Wed, Thu, Fri', code: 'day_not_included' }],
  ],
  [
    'calendar single: not a date',
    single,
    'DEMO_SCREEN',
    { calendar: '2024-02-30' },
    [{ field: 'calendar', message: 'Choose a valid date', code: 'invalid_date' }],
  ],
  [
    'calendar single: required',
    single,
    'DEMO_SCREEN',
    { calendar: '' },
    [{ field: 'calendar', message: 'Choose a date', code: 'required' }],
  ],
  [
    'calendar range: four days',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-22', 'end-date': '2024-10-25' } },
    [],
  ],
  [
    'calendar range: the end date is optional in this fixture',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-22' } },
    [],
  ],
  [
    'calendar range: the start date is required',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'end-date': '2024-10-25' } },
    [{ field: 'calendar_range', message: 'Choose a start date', code: 'required' }],
  ],
  [
    'calendar range: reversed',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-25', 'end-date': '2024-10-22' } },
    [{ field: 'calendar_range', message: 'The end date must not be before the start date', code: 'range_reversed' }],
  ],
  [
    'calendar range: shorter than min-days 3',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-22', 'end-date': '2024-10-23' } },
    [{ field: 'calendar_range', message: 'Choose at least 3 days', code: 'range_too_short' }],
  ],
  [
    'calendar range: longer than max-days 10',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-21', 'end-date': '2024-10-31' } },
    [{ field: 'calendar_range', message: 'Choose at most 10 days', code: 'range_too_long' }],
  ],
  [
    'calendar range: an end on an unavailable date',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-29', 'end-date': '2024-11-01' } },
    [{ field: 'calendar_range', message: 'This date is not available', code: 'date_unavailable' }],
  ],
  [
    'calendar range: not an object',
    range,
    'DEMO_SCREEN',
    { calendar_range: '2024-10-22' },
    [{ field: 'calendar_range', message: 'Choose a start and an end date', code: 'invalid_date' }],
  ],
  ['date picker (4.0 epoch ms): the min date itself', epochDates, 'DEMO_SCREEN', { date: '1693569600000' }, []],
  ['date picker (4.0 epoch ms): an ISO value', epochDates, 'DEMO_SCREEN', { date: '2023-09-05' }, []],
  [
    'date picker (4.0 epoch ms): unavailable',
    epochDates,
    'DEMO_SCREEN',
    { date: '1694779200000' },
    [{ field: 'date', message: 'This date is not available', code: 'date_unavailable' }],
  ],
  [
    'date picker (4.0 epoch ms): before min-date',
    epochDates,
    'DEMO_SCREEN',
    { date: '1693483200000' },
    [{ field: 'date', message: 'Choose a date on or after 2023-09-01', code: 'date_too_early' }],
  ],
  [
    'date picker (4.0 epoch ms): after max-date',
    epochDates,
    'DEMO_SCREEN',
    { date: '2026-01-01' },
    [{ field: 'date', message: 'Choose a date on or before 2025-12-31', code: 'date_too_late' }],
  ],
  ['date picker (5.0): optional and empty', isoDates, 'DEMO_SCREEN', { date: '' }, []],
  ['date picker (5.0): a day in range', isoDates, 'DEMO_SCREEN', { date: '2024-10-21' }, []],
  [
    // From 5.0 the client sends "YYYY-MM-DD" only (SPEC E.5): a timestamp is no client's value.
    'date picker (5.0): an epoch-ms value of a day in range',
    isoDates,
    'DEMO_SCREEN',
    { date: String(Date.UTC(2024, 9, 21, 12)) },
    [{ field: 'date', message: 'Choose a valid date', code: 'invalid_date' }],
  ],
  [
    'date picker (5.0): a number',
    isoDates,
    'DEMO_SCREEN',
    { date: Date.UTC(2024, 9, 21, 12) },
    [{ field: 'date', message: 'Choose a valid date', code: 'invalid_date' }],
  ],
  [
    'calendar range (6.1): an epoch-ms end',
    range,
    'DEMO_SCREEN',
    { calendar_range: { 'start-date': '2024-10-22', 'end-date': String(Date.UTC(2024, 9, 25, 12)) } },
    [{ field: 'calendar_range', message: 'Choose a valid date', code: 'invalid_date' }],
  ],
  [
    'date picker (5.0): unavailable',
    isoDates,
    'DEMO_SCREEN',
    { date: '2024-10-28' },
    [{ field: 'date', message: 'This date is not available', code: 'date_unavailable' }],
  ],
  ['chips: two of the options', chips, 'DEMO_SCREEN', { chips: ['lighting', 'renovation'] }, []],
  [
    'chips: more than max-selected-items 2',
    chips,
    'DEMO_SCREEN',
    { chips: ['lighting', 'renovation', 'room_layout'] },
    [{ field: 'chips', message: 'Choose at most 2 options', code: 'too_many_selected' }],
  ],
  [
    'chips: an id that is not in the data-source',
    chips,
    'DEMO_SCREEN',
    { chips: ['lighting', 'gardening'] },
    [{ field: 'chips', message: 'Choose options from the list', code: 'not_an_option' }],
  ],
  [
    'chips: the same option twice',
    chips,
    'DEMO_SCREEN',
    { chips: ['lighting', 'lighting'] },
    [{ field: 'chips', message: 'Choose each option only once', code: 'invalid_value' }],
  ],
  ['regex: matching values', regex, 'DEMO_SCREEN', { date: '1993-08-04', code: '1007' }, []],
  [
    'regex: the pattern must match, passcodes are digits',
    regex,
    'DEMO_SCREEN',
    { date: '1993-13-04', code: '12a' },
    [
      { field: 'regex input', message: 'Enter a value in the format shown', code: 'pattern_mismatch' },
      { field: 'passcode_oo7', message: 'Enter digits only', code: 'invalid_passcode' },
    ],
  ],
  [
    'regex: a passcode without the required 007',
    regex,
    'DEMO_SCREEN',
    { date: '2001-01-01', code: '1234' },
    [{ field: 'passcode_oo7', message: 'Enter a value in the format shown', code: 'pattern_mismatch', key: 'code' }],
  ],
  [
    'quote: a dynamic dropdown is not checked without its options',
    quote,
    'DETAILS',
    { name: 'A', address: 'B', city: 'anything', zip_code: '1', country_region: 'C' },
    [],
  ],
  [
    'quote: a dynamic dropdown is checked against the options given',
    quote,
    'DETAILS',
    { name: 'A', address: 'B', city: 'Atlantis', zip_code: '1', country_region: 'C' },
    [{ field: 'city', message: 'Choose an option from the list', code: 'not_an_option' }],
    { dataSources: { city: [{ id: 'Paris' }, 'Berlin'] } },
  ],
  [
    'quote: a dynamic dropdown value among the options given',
    quote,
    'DETAILS',
    { name: 'A', address: 'B', city: 'Berlin', zip_code: '1', country_region: 'C' },
    [],
    { dataSources: { city: [{ id: 'Paris' }, 'Berlin'] } },
  ],
  [
    'quote: a required dynamic checkbox group left empty',
    quote,
    'COVER',
    { options: [] },
    [{ field: 'options', message: 'Choose at least 1 option', code: 'required' }],
  ],
  [
    'quote: a radio on-select-action only checks its own field',
    quote,
    'QUOTE',
    { payment_options: '3' },
    [{ field: 'payment_options', message: 'Choose an option from the list', code: 'not_an_option' }],
  ],
  ['quote: a valid radio selection', quote, 'QUOTE', { payment_options: '2' }, []],
  [
    'quote: the Footer sends the required privacy OptIn',
    quote,
    'QUOTE',
    { privacy_policy: false },
    [{ field: 'privacy_policy', message: 'Tick this box to continue', code: 'required' }],
  ],
  [
    'loan: dynamically required, dynamically visible fields may be empty',
    loan,
    'DETAILS',
    { amount: '1000', tenure: '12', emi: '90', upi_id: '', ifsc_code: '', account_number: '' },
    [],
  ],
  [
    'loan: but a value given is still checked (number input-type)',
    loan,
    'DETAILS',
    { amount: '1000', tenure: '12', emi: '90', upi_id: '', ifsc_code: 'X', account_number: '12ab' },
    [{ field: 'account_number', message: 'Enter a number', code: 'not_a_number' }],
  ],
];

describe('validateSubmission on the Flow JSON fixtures', () => {
  it.each(cases)('%s', (_description, flow, screen, payload, expected, options) => {
    const errors = validateSubmission(flow(), screen, payload, options);
    expect(errors).toEqual(expected.map((error): unknown => expect.objectContaining(error)));
  });
});
