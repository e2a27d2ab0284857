// The builders produce exactly the Flow JSON one would write by hand (camelCase options become
// Meta's kebab-case and snake_case keys), and what they produce validates clean.

import { describe, expect, it } from 'vitest';
import { complete, dataExchange, field, flow, kebab, navigate, openUrl, ref, screen, updateData } from './builders.js';
import {
  calendarPicker,
  checkboxGroup,
  chipsSelector,
  datePicker,
  documentPicker,
  dropdown,
  embeddedLink,
  footer,
  form,
  ifElse,
  image,
  imageCarousel,
  navigationItem,
  navigationList,
  optIn,
  option,
  photoPicker,
  radioButtonsGroup,
  richText,
  switchOn,
  textArea,
  textBody,
  textCaption,
  textHeading,
  textInput,
  textSubheading,
  type FooterOptions,
} from './component-builders.js';
import { DOCUMENT_MIME_TYPES } from './components.js';
import { validateFlowJson } from './validate.js';

const built = flow({
  version: '7.3',
  screens: [
    screen('DETAILS', {
      title: 'Your details',
      children: [
        textHeading('Tell us about you'),
        textInput({ name: 'email', label: 'Email', inputType: 'email', required: true, helperText: 'We reply here' }),
        dropdown({
          name: 'topic',
          label: 'Topic',
          dataSource: [option('billing', 'Billing'), option('other', 'Something else', { description: 'Anything' })],
        }),
        ifElse("${form.topic} == 'other'", [textArea({ name: 'details', label: 'Details', maxLength: 300 })]),
        optIn({ name: 'terms', label: 'I accept the terms', required: true, onClickAction: navigate('TERMS') }),
        footer('Continue', navigate('CONFIRM', { email: ref.form('email'), topic: ref.form('topic') })),
      ],
    }),
    screen('TERMS', { title: 'Terms', children: [richText(['# Terms', 'Be nice.'])] }),
    screen('CONFIRM', {
      title: 'Confirm',
      terminal: true,
      data: { email: field.string('jane@example.com'), topic: field.string('billing') },
      children: [
        switchOn(ref.data('topic'), {
          billing: [textBody('Billing questions take a day.', { fontWeight: 'bold' })],
          default: [textCaption('We will get back to you.')],
        }),
        photoPicker({ name: 'photo', label: 'Add a photo', photoSource: 'camera', maxUploadedPhotos: 1 }),
        embeddedLink('Our help centre', openUrl('https://example.com/help')),
        footer(
          'Send',
          complete({ email: ref.data('email'), photo: ref.form('photo'), name: ref.screen('DETAILS').form('email') }),
          { centerCaption: 'No fees' },
        ),
      ],
    }),
  ],
});

const handWritten = {
  version: '7.3',
  screens: [
    {
      id: 'DETAILS',
      title: 'Your details',
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextHeading', text: 'Tell us about you' },
          {
            type: 'TextInput',
            name: 'email',
            label: 'Email',
            'input-type': 'email',
            required: true,
            'helper-text': 'We reply here',
          },
          {
            type: 'Dropdown',
            name: 'topic',
            label: 'Topic',
            'data-source': [
              { id: 'billing', title: 'Billing' },
              { id: 'other', title: 'Something else', description: 'Anything' },
            ],
          },
          {
            type: 'If',
            condition: "${form.topic} == 'other'",
            then: [{ type: 'TextArea', name: 'details', label: 'Details', 'max-length': 300 }],
          },
          {
            type: 'OptIn',
            name: 'terms',
            label: 'I accept the terms',
            required: true,
            'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'TERMS' } },
          },
          {
            type: 'Footer',
            label: 'Continue',
            'on-click-action': {
              name: 'navigate',
              next: { type: 'screen', name: 'CONFIRM' },
              payload: { email: '${form.email}', topic: '${form.topic}' },
            },
          },
        ],
      },
    },
    {
      id: 'TERMS',
      title: 'Terms',
      layout: { type: 'SingleColumnLayout', children: [{ type: 'RichText', text: ['# Terms', 'Be nice.'] }] },
    },
    {
      id: 'CONFIRM',
      title: 'Confirm',
      terminal: true,
      data: {
        email: { type: 'string', __example__: 'jane@example.com' },
        topic: { type: 'string', __example__: 'billing' },
      },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          {
            type: 'Switch',
            value: '${data.topic}',
            cases: {
              billing: [{ type: 'TextBody', text: 'Billing questions take a day.', 'font-weight': 'bold' }],
              default: [{ type: 'TextCaption', text: 'We will get back to you.' }],
            },
          },
          {
            type: 'PhotoPicker',
            name: 'photo',
            label: 'Add a photo',
            'photo-source': 'camera',
            'max-uploaded-photos': 1,
          },
          {
            type: 'EmbeddedLink',
            text: 'Our help centre',
            'on-click-action': { name: 'open_url', url: 'https://example.com/help' },
          },
          {
            type: 'Footer',
            label: 'Send',
            'on-click-action': {
              name: 'complete',
              payload: { email: '${data.email}', photo: '${form.photo}', name: '${screen.DETAILS.form.email}' },
            },
            'center-caption': 'No fees',
          },
        ],
      },
    },
  ],
};

describe('Flow JSON builders', () => {
  it('build the same document as the hand-written JSON', () => {
    expect(built).toStrictEqual(handWritten);
    expect(JSON.parse(JSON.stringify(built))).toStrictEqual(handWritten);
  });

  it('build a flow that validates with no findings', () => {
    expect(validateFlowJson(built)).toEqual([]);
  });

  it('build an endpoint flow with a routing model that validates clean', () => {
    const endpointFlow = flow({
      version: '7.3',
      dataApiVersion: '4.0',
      routingModel: { BOOK: ['DONE'], DONE: [] },
      screens: [
        screen('BOOK', {
          title: 'Book',
          refreshOnBack: true,
          data: { slots: field.options([{ id: '1', title: '10:00' }]), visible: field.boolean(true) },
          children: [
            form('book', [
              datePicker({ name: 'day', label: 'Day', minDate: '2025-01-01', maxDate: '2025-12-31' }),
              radioButtonsGroup({
                name: 'slot',
                label: 'Slot',
                dataSource: ref.data('slots'),
                visible: ref.data('visible'),
              }),
              checkboxGroup({
                name: 'extras',
                label: 'Extras',
                minSelectedItems: 0,
                maxSelectedItems: 1,
                dataSource: [option('tea', 'Tea', { onSelectAction: updateData({ visible: false }) })],
              }),
              chipsSelector({ name: 'tags', label: 'Tags', dataSource: [option('a', 'A'), option('b', 'B')] }),
              calendarPicker({ name: 'range', label: { 'start-date': 'From', 'end-date': 'To' }, mode: 'range' }),
              documentPicker({ name: 'doc', label: 'Document', allowedMimeTypes: ['application/pdf'] }),
              footer('Book', dataExchange({ day: ref.form('day'), slot: ref.form('slot'), doc: ref.form('doc') })),
            ]),
          ],
        }),
        screen('DONE', {
          title: 'Done',
          terminal: true,
          success: true,
          children: [
            textSubheading('Booked'),
            image('iVBORw0KGgo=', { height: 80, scaleType: 'cover' }),
            imageCarousel([{ src: 'iVBORw0KGgo=', 'alt-text': 'Room' }], { aspectRatio: '16:9' }),
            footer('Close', complete()),
          ],
        }),
      ],
    });
    expect(validateFlowJson(endpointFlow)).toEqual([]);
    expect(endpointFlow.data_api_version).toBe('4.0');
    expect(endpointFlow.screens[0]?.refresh_on_back).toBe(true);
  });

  it('nest field builders, type a Form’s init-values per input and a range error per end, all validating clean', () => {
    const doc = flow({
      version: '7.3',
      screens: [
        screen('PROFILE', {
          terminal: true,
          data: {
            // Built from field.string / field.object: only the top level keeps an __example__ (SPEC E.2).
            tags: field.array(field.string('vip'), ['vip']),
            user: field.object({ name: field.string('Jane') }, { name: 'Jane' }),
          },
          children: [
            form(
              'profile',
              [
                optIn({ name: 'tos', label: 'I accept the terms' }),
                calendarPicker({
                  name: 'stay',
                  label: { 'start-date': 'From', 'end-date': 'To' },
                  mode: 'range',
                  errorMessage: { 'start-date': 'Pick a start', 'end-date': 'Pick an end' },
                }),
                footer('Done', complete({ tos: ref.form('tos'), stay: ref.form('stay') })),
              ],
              { initValues: { tos: true, stay: { 'start-date': '2026-03-02', 'end-date': '2026-03-04' } } },
            ),
          ],
        }),
      ],
    });
    expect(doc.screens[0]?.data?.tags).toEqual({ type: 'array', items: { type: 'string' }, __example__: ['vip'] });
    expect(validateFlowJson(doc)).toEqual([]);
  });

  it('map camelCase options to kebab-case and leave out unset ones', () => {
    expect(kebab({ minChars: 1, maxChars: undefined, helperText: 'x', name: 'n' })).toEqual({
      'min-chars': 1,
      'helper-text': 'x',
      name: 'n',
    });
    expect(
      navigationList({
        name: 'menu',
        listItems: [navigationItem('a', { title: 'A' }, { onClickAction: navigate('NEXT'), badge: 'New' })],
        mediaSize: 'regular',
      }),
    ).toEqual({
      type: 'NavigationList',
      name: 'menu',
      'list-items': [{ id: 'a', 'main-content': { title: 'A' }, badge: 'New', 'on-click-action': navigate('NEXT') }],
      'media-size': 'regular',
    });
    expect(navigate('NEXT')).toEqual({ name: 'navigate', next: { type: 'screen', name: 'NEXT' } });
    expect(ref.screen('A').data('x')).toBe('${screen.A.data.x}');
  });
  it('take their own output as data: options with actions in update_data payloads and examples (fixture pywa_v6_0__update_data)', () => {
    const states = [
      option('new_york', 'New York', { description: 'NY', onSelectAction: updateData({ pincode_visibility: true }) }),
      option('california', 'California'),
    ];
    const usa = option('1', 'USA', { onSelectAction: updateData({ states, state_visibility: true }) });
    const doc = flow({
      version: '7.3',
      screens: [
        screen('ADDRESS', {
          terminal: true,
          data: {
            countries: field.options([usa]),
            states: field.options(states),
            state_visibility: field.boolean(false),
            pincode_visibility: field.boolean(false),
            menu: field.array({ type: 'object' }, [
              navigationItem('home', { title: 'Home' }, { onClickAction: dataExchange({ selection: 'home' }) }),
            ]),
          },
          children: [
            radioButtonsGroup({ name: 'country', label: 'Country', dataSource: ref.data('countries') }),
            radioButtonsGroup({
              name: 'state',
              label: 'State',
              dataSource: ref.data('states'),
              visible: ref.data('state_visibility'),
            }),
            documentPicker({ name: 'proof', label: 'Proof of address', allowedMimeTypes: DOCUMENT_MIME_TYPES }),
            calendarPicker({ name: 'when', label: 'When', includeDays: ['Mon', 'Tue'] as const }),
            footer('Done', complete()),
          ],
        }),
      ],
    });
    // The option schema follows what the example uses, beyond id and title.
    expect(doc.screens[0]?.data?.states).toMatchObject({
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          description: { type: 'string' },
          'on-select-action': { type: 'object' },
        },
      },
    });
    expect(validateFlowJson(doc)).toEqual([]);
  });
  it('write Footer captions as a left and right pair or one center caption, as SPEC E.5 allows', () => {
    expect(footer('Pay', complete(), { leftCaption: 'Total', rightCaption: '€12.00' })).toEqual({
      type: 'Footer',
      label: 'Pay',
      'on-click-action': { name: 'complete', payload: {} },
      'left-caption': 'Total',
      'right-caption': '€12.00',
    });
    expect(footer('Next', navigate('B'), { centerCaption: 'Step 1 of 3', enabled: false })).toMatchObject({
      'center-caption': 'Step 1 of 3',
      enabled: false,
    });
    // @ts-expect-error a left caption needs its right one
    footer('Go', complete(), { leftCaption: 'L' });
    // @ts-expect-error center-caption does not go with left and right
    footer('Go', complete(), { leftCaption: 'L', rightCaption: 'R', centerCaption: 'C' });
    // From JavaScript such a Footer is written as given, for the validator to report, not silently fixed.
    const lone = footer('Go', complete(), { rightCaption: 'R' } as unknown as FooterOptions);
    expect(lone).toMatchObject({ 'right-caption': 'R' });
    const doc = flow({ version: '7.3', screens: [screen('A', { terminal: true, children: [lone] })] });
    expect(validateFlowJson(doc).map((f) => f.code)).toContain('INVALID_DEPENDENCIES');
  });

  it('type a CalendarPicker by its mode: range-only properties and per-end values only in range mode', () => {
    const range = calendarPicker({
      name: 'stay',
      mode: 'range',
      label: { 'start-date': 'From', 'end-date': 'To' },
      title: 'Your stay',
      minDays: 1,
      maxDays: 7,
      required: { 'start-date': true, 'end-date': false },
    });
    expect(range).toMatchObject({ mode: 'range', 'min-days': 1, 'max-days': 7 });
    expect(calendarPicker({ name: 'day', label: 'Day', minDate: '2026-01-01' })).toEqual({
      type: 'CalendarPicker',
      name: 'day',
      label: 'Day',
      'min-date': '2026-01-01',
    });
    // @ts-expect-error min-days belongs to range mode (single is the default)
    calendarPicker({ name: 'day', label: 'Day', minDays: 2 });
    // @ts-expect-error a single-mode label is one string, not one per end
    calendarPicker({ name: 'day', mode: 'single', label: { 'start-date': 'From', 'end-date': 'To' } });
    const doc = flow({
      version: '7.3',
      screens: [screen('A', { terminal: true, children: [range, footer('Go', complete())] })],
    });
    expect(validateFlowJson(doc)).toEqual([]);
  });
});
