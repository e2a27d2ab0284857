// Unknown property keys below the screen level (SPEC E.1 "Unknown properties are rejected", E.5,
// E.6, B.1, F.1), CalendarPicker's range-only properties, navigate's `next.type` and open_url's URL:
// each case takes a real fixture, applies one mutation and expects exactly that code at that path.

import { describe, expect, it } from 'vitest';
import { COMPONENT_PROPS } from './catalog-props.js';
import { ACTION_RULES, COMPONENTS, ENUMS, MIN_MAX_PAIRS, NUMERIC_RANGES } from './catalog.js';
import {
  type Doc,
  type MutationCase,
  children,
  expectMutationFindings,
  list,
  loadFixture,
  obj,
} from './fixture-util.test-util.js';
import { validateFlowJson } from './validate.js';

const IF = 'pywa_v4_0__if.json';
const PHOTO = 'pywa_v4_0__photo_picker.json';
const DOC = 'pywa_v4_0__doc_picker.json';
const RADIO = 'pywa_v5_0__radio_buttons_with_pics.json';
const OPEN_URL = 'pywa_v6_0__open_url.json';
const GLOBAL = 'pywa_v4_0__global_fields.json';
const SINGLE = 'pywa_v6_1__calendar_picker_single_mode.json';
const RANGE = 'pywa_v6_1__calendar_picker_range_mode.json';
const CHIPS = 'pywa_v6_3__chips_selector.json';
const NAV = 'pywa_v6_2__navigation_list.json';
const CAROUSEL = 'pywa_v7_1__image_carousel.json';

const KIDS = 'screens[0].layout.children';
const PICKER = `${KIDS}[0].children[0]`;
const LINK_ACTION = `${KIDS}[0]['on-click-action']`;
const GLOBAL_NEXT = `${KIDS}[1]['on-click-action'].next`;
const ITEM = `${KIDS}[0]['list-items'][0]`;

const text = (value: string, extra: Doc = {}): Doc => ({ type: 'TextBody', text: value, ...extra });
const picker = (doc: Doc): Doc => obj(children(doc, 0)[0], 'children', 0);
const first = (doc: Doc): Doc => obj(children(doc, 0)[0]);
const linkAction = (doc: Doc): Doc => obj(first(doc), 'on-click-action');
const globalNext = (doc: Doc): Doc => obj(children(doc, 0)[1], 'on-click-action', 'next');
/** The NavigationList fixture without its two known defects (see validate-fixtures.test.ts). */
const navItems = (doc: Doc): unknown[] => {
  const items = list(first(doc), 'list-items');
  obj(items[4], 'on-click-action', 'payload').first_name = 'Bob';
  items.splice(2, 1);
  return items;
};

const CASES: Record<string, MutationCase> = {
  'PhotoPicker with MediaUpload keys file_types and max_size_mb (SPEC F.1)': {
    base: PHOTO,
    mutate: (doc) => Object.assign(picker(doc), { file_types: ['jpg'], max_size_mb: 5 }),
    errors: [
      { code: 'INVALID_PROPERTY_KEY', path: `${PICKER}.file_types` },
      { code: 'INVALID_PROPERTY_KEY', path: `${PICKER}.max_size_mb` },
    ],
  },
  'DocumentPicker with photo-source (PhotoPicker only)': {
    base: DOC,
    mutate: (doc) => (picker(doc)['photo-source'] = 'camera'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${PICKER}['photo-source']` }],
  },
  'DocumentPicker with PhotoPicker counts': {
    base: DOC,
    mutate: (doc) => (picker(doc)['max-uploaded-photos'] = 1),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${PICKER}['max-uploaded-photos']` }],
  },
  'RadioButtonsGroup with min/max-selected-items': {
    base: RADIO,
    mutate: (doc) => Object.assign(first(doc), { 'min-selected-items': 1, 'max-selected-items': 1 }),
    errors: [
      { code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['min-selected-items']` },
      { code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['max-selected-items']` },
    ],
  },
  'TextBody with an on-click-action (reported as a key, the action not checked)': {
    base: IF,
    mutate: (doc) => children(doc, 0).unshift(text('Tap me', { 'on-click-action': { name: 'complete', payload: {} } })),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['on-click-action']` }],
  },
  'TextInput with a placeholder': {
    base: IF,
    mutate: (doc) => (first(doc).placeholder = 'Cat'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0].placeholder` }],
  },
  'markdown before 5.1 is reported once (version gate, not unknown)': {
    base: IF,
    mutate: (doc) => children(doc, 0).unshift(text('**Hi**', { markdown: true })),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0].markdown` }],
  },
  'data-source option with an unknown key': {
    base: RADIO,
    mutate: (doc) => (obj(first(doc), 'data-source', 0).price = 100),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['data-source'][0].price` }],
  },
  'data-source option with an on-click-action': {
    base: RADIO,
    mutate: (doc) => (obj(first(doc), 'data-source', 0)['on-click-action'] = { name: 'complete', payload: {} }),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['data-source'][0]['on-click-action']` }],
  },
  'ChipsSelector option with a description (chips take id, title, enabled, actions)': {
    base: CHIPS,
    mutate: (doc) => (obj(first(doc), 'data-source', 0).description = 'Walls and doors'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['data-source'][0].description` }],
  },
  'NavigationList item and its main-content with unknown keys': {
    base: NAV,
    mutate: (doc) => {
      const item = obj(navItems(doc)[0]);
      item.subtitle = 'x';
      obj(item, 'main-content').image = 'iVBORw0KGgo=';
    },
    errors: [
      { code: 'INVALID_PROPERTY_KEY', path: `${ITEM}.subtitle` },
      { code: 'INVALID_PROPERTY_KEY', path: `${ITEM}['main-content'].image` },
    ],
  },
  'carousel image with a caption': {
    base: CAROUSEL,
    mutate: (doc) => (obj(first(doc), 'images', 0).caption = 'Beach'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0].images[0].caption` }],
  },
  'open_url with a payload (SPEC E.6: no payload)': {
    base: OPEN_URL,
    mutate: (doc) => (linkAction(doc).payload = { source: 'link' }),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${LINK_ACTION}.payload` }],
  },
  'complete with an unknown key': {
    base: OPEN_URL,
    mutate: (doc) => (obj(children(doc, 0)[2], 'on-click-action').url = 'https://example.com'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[2]['on-click-action'].url` }],
  },
  'open_url to javascript:': {
    base: OPEN_URL,
    mutate: (doc) => (linkAction(doc).url = 'javascript:alert(1)'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE_FORMAT', path: `${LINK_ACTION}.url` }],
  },
  'open_url to a relative URL': {
    base: OPEN_URL,
    mutate: (doc) => (linkAction(doc).url = '/terms'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE_FORMAT', path: `${LINK_ACTION}.url` }],
  },
  'open_url to plain http is accepted': {
    base: OPEN_URL,
    mutate: (doc) => (linkAction(doc).url = 'http://example.com/terms?lang=en'),
    errors: [],
  },
  'navigate next without type': {
    base: GLOBAL,
    mutate: (doc) => delete globalNext(doc).type,
    errors: [{ code: 'MISSING_REQUIRED_TYPE_PROPERTY', path: `${GLOBAL_NEXT}.type` }],
  },
  'navigate next with an unknown key': {
    base: GLOBAL,
    mutate: (doc) => (globalNext(doc).payload = {}),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${GLOBAL_NEXT}.payload` }],
  },
  'CalendarPicker title and max-days without mode (single by default)': {
    base: SINGLE,
    mutate: (doc) => {
      delete first(doc).mode;
      Object.assign(first(doc), { title: 'When?', 'max-days': 3 });
    },
    errors: [
      { code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0].title` },
      { code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['max-days']` },
    ],
  },
  'CalendarPicker description and min-days in single mode': {
    base: SINGLE,
    mutate: (doc) => Object.assign(first(doc), { description: 'Pick a day', 'min-days': 1 }),
    errors: [
      { code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0].description` },
      { code: 'INVALID_PROPERTY_KEY', path: `${KIDS}[0]['min-days']` },
    ],
  },
  'CalendarPicker per-end label, helper-text and required in single mode': {
    base: SINGLE,
    mutate: (doc) =>
      Object.assign(first(doc), {
        label: { 'start-date': 'From', 'end-date': 'To' },
        'helper-text': { 'start-date': 'First day', 'end-date': 'Last day' },
        required: { 'start-date': true, 'end-date': false },
      }),
    errors: [
      { code: 'INVALID_PROPERTY_TYPE', path: `${KIDS}[0].label` },
      { code: 'INVALID_PROPERTY_TYPE', path: `${KIDS}[0]['helper-text']` },
      { code: 'INVALID_PROPERTY_TYPE', path: `${KIDS}[0].required` },
    ],
  },
  'CalendarPicker per-end values in range mode are accepted': {
    base: RANGE,
    mutate: (doc) =>
      Object.assign(first(doc), {
        label: { 'start-date': 'From', 'end-date': 'To' },
        required: { 'start-date': true, 'end-date': false },
      }),
    errors: [],
  },
  'CalendarPicker range-only properties in range mode are accepted': {
    base: RANGE,
    mutate: (doc) => (first(doc)['min-days'] = 2),
    errors: [],
  },
};

describe('validateFlowJson on unknown and misplaced property keys', () => {
  it.each(Object.entries(CASES))('%s', (_name, test) => {
    expectMutationFindings(test);
  });

  it('names the real picker properties when a MediaUpload key is used', () => {
    const doc = loadFixture(PHOTO);
    picker(doc).max_size_mb = 5;
    const finding = validateFlowJson(doc).find((f) => f.code === 'INVALID_PROPERTY_KEY');
    expect(finding?.message).toContain('max-file-size-kb');
  });

  it('names keys like constructor, toString and __proto__ without a hint taken from Object', () => {
    const doc = loadFixture(PHOTO);
    const text = JSON.stringify(doc).replace(
      '"type":"PhotoPicker"',
      '"type":"PhotoPicker","constructor":1,"toString":2,"__proto__":3',
    );
    const messages = validateFlowJson(text)
      .filter((f) => f.code === 'INVALID_PROPERTY_KEY')
      .map((f) => f.message);
    expect(messages).toEqual([
      "Property 'constructor' cannot be specified at PhotoPicker 'photo_picker'.",
      "Property 'toString' cannot be specified at PhotoPicker 'photo_picker'.",
      "Property '__proto__' cannot be specified at PhotoPicker 'photo_picker'.",
    ]);
  });
});

describe('COMPONENT_PROPS', () => {
  it('holds every property the other catalog tables name', () => {
    for (const [type, spec] of Object.entries(COMPONENTS)) {
      const allowed = COMPONENT_PROPS[type as keyof typeof COMPONENTS];
      const named = [
        ...spec.required,
        ...Object.keys(spec.requiredSince ?? {}),
        ...Object.keys(spec.propsSince ?? {}),
        ...Object.keys(spec.maxChars ?? {}),
        ...Object.keys(ENUMS[type] ?? {}),
        ...Object.keys(NUMERIC_RANGES[type] ?? {}),
        ...(MIN_MAX_PAIRS[type] ?? []).flat(),
        ...Object.keys(ACTION_RULES[type] ?? {}),
      ];
      for (const prop of named) expect(allowed.has(prop), `${type}.${prop}`).toBe(true);
      expect(allowed.has('type')).toBe(true);
    }
  });
});
