// Deliberately broken Flow JSON: each case takes a real fixture, applies one small mutation that a
// documented rule forbids (SPEC E, B.1), and expects exactly that rule's code at that path.

import { describe, expect, it } from 'vitest';
import {
  type Doc,
  type MutationCase,
  children,
  expectMutationFindings,
  get,
  list,
  loadFixture,
  obj,
  screenAt,
} from './fixture-util.test-util.js';
import { validateFlowJson } from './validate.js';

const IF = 'pywa_v4_0__if.json';
const GLOBAL = 'pywa_v4_0__global_fields.json';
const PHOTO = 'pywa_v4_0__photo_picker.json';
const BOOK = 'pywa_v2_1__book_a_table.json';
const DATES = 'pywa_v5_0__date_picker_dates_obj.json';
const PURCHASE = 'meta_docs_example__purchase_intent_v7_2.json';
const SURVEY = 'meta_WhatsApp-Flows-Tools__articles_creating-surveys_survey.json';
const OPEN_URL = 'pywa_v6_0__open_url.json';
const OFFER = 'meta_docs_example__personalised_offer_v7_2_endpoint.json';
const LOAN = 'meta_docs_example__pre_approved_loan_v7_2_endpoint.json';
const ENGAGEMENT = 'pywa_v2_1__costumer_engagement.json';

const IF_KIDS = 'screens[0].layout.children';
const PHOTO_FORM = 'screens[0].layout.children[0].children';
const FOOTER_ACTION = `${PHOTO_FORM}[1]['on-click-action']`;
const PURCHASE_NAV = "screens[0].layout.children[0].children[5]['on-click-action']";
const MIB = 1024 * 1024;

const text = (value: string): Doc => ({ type: 'TextBody', text: value });
/** Puts the first screen's first component inside an If on a boolean `show` the screen declares. */
const firstInIf = (doc: Doc): void => {
  screenAt(doc, 0).data = { show: { type: 'boolean', __example__: true } };
  children(doc, 0)[0] = { type: 'If', condition: '${data.show}', then: [children(doc, 0)[0]] };
};
const footer = (action: Doc): Doc => ({ type: 'Footer', label: 'Done', 'on-click-action': action });
const complete = (payload: Doc = {}): Doc => ({ name: 'complete', payload });
const navigate = (next: string, payload: Doc = {}): Doc => ({
  name: 'navigate',
  next: { type: 'screen', name: next },
  payload,
});
const input = (name: string, label = 'Name'): Doc => ({ type: 'TextInput', name, label });
const photoPicker = (extra: Doc = {}): Doc => ({ type: 'PhotoPicker', name: 'photo', label: 'Photo', ...extra });
const routing = (doc: Doc): Doc => obj(doc, 'routing_model');
const bareScreen = (id: string, kids: Doc[] = [text('Hi')], extra: Doc = {}): Doc => ({
  id,
  title: id,
  ...extra,
  layout: { type: 'SingleColumnLayout', children: kids },
});

const purchasePayload = (doc: Doc): Doc => obj(children(doc, 0)[0], 'children', 5, 'on-click-action', 'payload');
/** Adds an unused string field whose example makes the document that long. */
const padded = (doc: Doc, example: string): Doc =>
  (obj(screenAt(doc, 0), 'data').padding = { type: 'string', __example__: example });

const CASES: Record<string, MutationCase> = {
  'duplicate screen id': {
    base: IF,
    mutate: (doc) => list(doc, 'screens').push(structuredClone(screenAt(doc, 0))),
    errors: [{ code: 'DUPLICATE_SCREEN_IDS', path: 'screens[1].id' }],
  },
  'screen named SUCCESS': {
    base: IF,
    mutate: (doc) => (screenAt(doc, 0).id = 'SUCCESS'),
    errors: [{ code: 'SCREEN_ID_IS_RESERVED_KEYWORD', path: 'screens[0].id' }],
  },
  'screen id with a digit': {
    base: IF,
    mutate: (doc) => (screenAt(doc, 0).id = 'FIRST_1'),
    errors: [{ code: 'PATTERN_MISMATCH', path: 'screens[0].id' }],
  },
  'no terminal screen': {
    base: DATES,
    mutate: (doc) => delete screenAt(doc, 0).terminal,
    errors: [{ code: 'MISSING_TERMINAL_SCREEN', path: 'screens' }],
  },
  'terminal screen without Footer': {
    base: IF,
    mutate: (doc) => children(doc, 0).pop(),
    errors: [{ code: 'MISSING_FOOTER_ON_TERMINAL_SCREEN', path: 'screens[0]' }],
  },
  'complete on a non-terminal screen': {
    base: PURCHASE,
    mutate: (doc) => children(doc, 2).push(footer(complete())),
    errors: [{ code: 'INVALID_COMPLETE_ACTION', path: "screens[2].layout.children[5]['on-click-action'].name" }],
  },
  'navigate on a terminal screen’s Footer': {
    base: BOOK,
    mutate: (doc) =>
      (obj(get(doc, 'screens', 2, 'layout', 'children', 0, 'children', 7))['on-click-action'] = {
        name: 'navigate',
        next: { type: 'screen', name: 'BOOK_TABLE' },
        payload: {},
      }),
    contains: true,
    errors: [{ code: 'INVALID_ENUM_VALUE', path: "screens[2].layout.children[0].children[7]['on-click-action'].name" }],
  },
  'complete on an EmbeddedLink': {
    base: OPEN_URL,
    mutate: (doc) => (obj(children(doc, 0)[0])['on-click-action'] = complete()),
    errors: [{ code: 'INVALID_ENUM_VALUE', path: `${IF_KIDS}[0]['on-click-action'].name` }],
  },
  'success on a non-terminal screen': {
    base: PURCHASE,
    mutate: (doc) => (screenAt(doc, 0).success = true),
    errors: [{ code: 'NOT_KEYWORD_SCHEMA_VALIDATION_FAILED', path: 'screens[0].success' }],
  },
  'refresh_on_back without an endpoint': {
    base: IF,
    mutate: (doc) => (screenAt(doc, 0).refresh_on_back = true),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].refresh_on_back' }],
  },
  'routing loop': {
    base: BOOK,
    mutate: (doc) => (routing(doc).TERMS_AND_CONDITIONS = ['BOOKING_DETAILS']),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model' }],
  },
  'more than 10 branches': {
    base: 'pywa_v4_0__date_picker_dates_str.json',
    mutate: (doc) => {
      const ids = 'ABCDEFGHIJK'.split('').map((letter) => `BRANCH_${letter}`);
      for (const id of ids) list(doc, 'screens').push(bareScreen(id));
      doc.routing_model = { DEMO_SCREEN: ids };
    },
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model.DEMO_SCREEN' }],
  },
  'backward route': {
    base: BOOK,
    mutate: (doc) => (routing(doc).TERMS_AND_CONDITIONS = ['BOOKING_CONFIRMATION']),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model.TERMS_AND_CONDITIONS' }],
  },
  'self route in the routing model': {
    base: BOOK,
    mutate: (doc) => (routing(doc).TERMS_AND_CONDITIONS = ['TERMS_AND_CONDITIONS']),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model.TERMS_AND_CONDITIONS[0]' }],
  },
  'screen missing from the routing model': {
    base: BOOK,
    mutate: (doc) => list(doc, 'screens').push(bareScreen('EXTRA')),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'screens[4]' }],
  },
  'screens not connected to the entry': {
    base: BOOK,
    mutate: (doc) => {
      list(doc, 'screens').push(bareScreen('ISLAND'), bareScreen('ISLAND_END'));
      routing(doc).ISLAND = ['ISLAND_END'];
    },
    errors: [
      { code: 'INVALID_ROUTING_MODEL', path: 'screens[4]' },
      { code: 'INVALID_ROUTING_MODEL', path: 'screens[5]' },
    ],
  },
  'a screen missing from the routing model, listed first': {
    base: BOOK,
    mutate: (doc) => list(doc, 'screens').unshift(bareScreen('EXTRA')),
    // The stray screen is blamed, not the connected ones after it.
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'screens[0]' }],
  },
  'endpoint-less screen no navigate action reaches': {
    base: PURCHASE,
    mutate: (doc) => list(doc, 'screens').push(bareScreen('ORPHAN')),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'screens[3]' }],
  },
  'no entry screen (navigate both ways)': {
    base: GLOBAL,
    mutate: (doc) =>
      children(doc, 1).unshift({ type: 'EmbeddedLink', text: 'Back', 'on-click-action': navigate('SCREEN_ONE') }),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'screens' }],
  },
  'routing to an unknown screen': {
    base: BOOK,
    mutate: (doc) => (routing(doc).TERMS_AND_CONDITIONS = ['NOPE']),
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model.TERMS_AND_CONDITIONS[0]' }],
  },
  'navigate missing from the routing model': {
    base: BOOK,
    mutate: (doc) => (routing(doc).BOOKING_CONFIRMATION = []),
    errors: [
      { code: 'INVALID_ROUTING_MODEL', path: 'screens[3]' },
      {
        code: 'INVALID_ROUTING_MODEL',
        path: "screens[2].layout.children[0].children[6]['on-click-action'].next",
      },
    ],
  },
  'route ending at a non-terminal screen with no routes': {
    base: OFFER,
    mutate: (doc) => {
      list(doc, 'screens').push(bareScreen('EXTRA'));
      routing(doc).OFFER = ['PRODUCT_DETAIL', 'EXTRA'];
      routing(doc).EXTRA = [];
    },
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model.EXTRA' }],
  },
  'route ending at a non-terminal screen not listed as a key': {
    base: OFFER,
    mutate: (doc) => {
      list(doc, 'screens').push(bareScreen('EXTRA'));
      routing(doc).OFFER = ['PRODUCT_DETAIL', 'EXTRA'];
    },
    errors: [{ code: 'INVALID_ROUTING_MODEL', path: 'routing_model.EXTRA' }],
  },
  'non-terminal screen after a terminal one (the terms-screen pattern of Meta templates)': {
    base: LOAN,
    mutate: (doc) => {
      list(doc, 'screens').push(bareScreen('TERMS'));
      routing(doc).COMPLETE = ['TERMS'];
      routing(doc).TERMS = [];
    },
    errors: [],
  },
  'endpoint-less non-terminal screen without a navigate (no routing model: not checked)': {
    base: GLOBAL,
    mutate: (doc) => {
      children(doc, 0).unshift({ type: 'EmbeddedLink', text: 'Side', 'on-click-action': navigate('SIDE') });
      list(doc, 'screens').push(bareScreen('SIDE'));
    },
    errors: [],
  },
  'navigate to an unknown screen': {
    base: GLOBAL,
    mutate: (doc) => (obj(children(doc, 0)[1], 'on-click-action', 'next').name = 'NOPE'),
    errors: [
      { code: 'INVALID_ROUTING_MODEL', path: 'screens[1]' },
      { code: 'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME', path: `${IF_KIDS}[1]['on-click-action'].next.name` },
    ],
  },
  'navigate to the same screen': {
    base: GLOBAL,
    mutate: (doc) =>
      children(doc, 0).unshift({ type: 'EmbeddedLink', text: 'Again', 'on-click-action': navigate('SCREEN_ONE') }),
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME', path: `${IF_KIDS}[0]['on-click-action'].next.name` }],
  },
  'routing_model missing with data_api_version': {
    base: DATES,
    mutate: (doc) => delete doc.routing_model,
    errors: [{ code: 'MISSING_REQUIRED_PROPERTY', path: 'routing_model' }],
  },
  'data_exchange without data_api_version': {
    base: DATES,
    mutate: (doc) => delete doc.data_api_version,
    errors: [
      { code: 'MISSING_REQUIRED_PROPERTY', path: `${IF_KIDS}[0]['on-select-action'].name` },
      { code: 'MISSING_REQUIRED_PROPERTY', path: `${IF_KIDS}[1]['on-click-action'].name` },
    ],
  },
  'navigate payload key not declared by the next screen': {
    base: PURCHASE,
    mutate: (doc) => (obj(children(doc, 0)[0], 'children', 5, 'on-click-action', 'payload').nope = 'x'),
    errors: [
      {
        code: 'INVALID_NAVIGATE_ACTION_PAYLOAD',
        path: "screens[0].layout.children[0].children[5]['on-click-action'].payload.nope",
      },
    ],
  },
  'navigate payload to a screen without data model': {
    base: GLOBAL,
    mutate: (doc) => {
      delete screenAt(doc, 1).data;
      obj(children(doc, 0)[1], 'on-click-action').payload = { name: 'x' };
    },
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_PAYLOAD', path: `${IF_KIDS}[1]['on-click-action'].payload` }],
  },
  'navigate payload literal of the wrong type': {
    base: PURCHASE,
    mutate: (doc) => (purchasePayload(doc).tos_optin = 'yes'),
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_PAYLOAD', path: `${PURCHASE_NAV}.payload.tos_optin` }],
  },
  'navigate payload number for a string field': {
    base: PURCHASE,
    mutate: (doc) => (purchasePayload(doc).name = 42),
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_PAYLOAD', path: `${PURCHASE_NAV}.payload.name` }],
  },
  'navigate payload null': {
    base: PURCHASE,
    mutate: (doc) => (purchasePayload(doc).email = null),
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_PAYLOAD', path: `${PURCHASE_NAV}.payload.email` }],
  },
  'navigate payload ${form.x} of the wrong type (OptIn is boolean)': {
    base: PURCHASE,
    mutate: (doc) => (purchasePayload(doc).name = '${form.tos_optin}'),
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_PAYLOAD', path: `${PURCHASE_NAV}.payload.name` }],
  },
  'navigate payload ${data.x} of the wrong type (2.1)': {
    base: ENGAGEMENT,
    mutate: (doc) =>
      (obj(children(doc, 1)[0], 'children', 2, 'on-click-action', 'payload').question2RadioButtons =
        '${data.question1Checkbox}'),
    errors: [
      {
        code: 'INVALID_NAVIGATE_ACTION_PAYLOAD',
        path: "screens[1].layout.children[0].children[2]['on-click-action'].payload.question2RadioButtons",
      },
    ],
  },
  'navigate payload array item of the wrong type': {
    base: PURCHASE,
    mutate: (doc) => {
      obj(screenAt(doc, 1), 'data').tags = { type: 'array', items: { type: 'string' }, __example__: ['a'] };
      purchasePayload(doc).tags = ['a', 2];
    },
    errors: [{ code: 'INVALID_NAVIGATE_ACTION_PAYLOAD', path: `${PURCHASE_NAV}.payload.tags[1]` }],
  },
  'navigate payload with matching literals, references and an expression': {
    base: PURCHASE,
    mutate: (doc) => {
      obj(screenAt(doc, 1), 'data').tags = { type: 'array', items: { type: 'string' }, __example__: ['a'] };
      Object.assign(purchasePayload(doc), { tos_optin: true, tags: ['a', 'b'], name: "`'Ms ' ${form.name}`" });
    },
    errors: [],
  },
  'duplicate component names across If branches': {
    base: IF,
    mutate: (doc) => {
      list(children(doc, 0)[1], 'then').push(input('pet'));
      list(children(doc, 0)[1], 'else').push(input('pet'));
    },
    errors: [{ code: 'DUPLICATE_FORM_COMPONENT_NAMES', path: `${IF_KIDS}[1].else[1].name` }],
  },
  'two Footers': {
    base: IF,
    mutate: (doc) => children(doc, 0).push(footer(complete())),
    errors: [{ code: 'MAX_FOOTER_PER_SCREEN', path: `${IF_KIDS}[3]` }],
  },
  'Footer in If branches and outside': {
    base: IF,
    mutate: (doc) => {
      list(children(doc, 0)[1], 'then').push(footer(complete()));
      list(children(doc, 0)[1], 'else').push(footer(complete()));
    },
    errors: [{ code: 'MORE_THAN_ONE_FOOTER', path: IF_KIDS }],
  },
  'Footer in only one If branch': {
    base: IF,
    mutate: (doc) => {
      children(doc, 0).pop();
      list(children(doc, 0)[1], 'then').push(footer(complete()));
    },
    errors: [{ code: 'MISSING_FOOTER_IN_IF_ELSE_BRANCHES', path: `${IF_KIDS}[1]` }],
  },
  'Footer in some Switch cases only': {
    base: 'pywa_v4_0__switch.json',
    mutate: (doc) => {
      children(doc, 0).pop();
      list(children(doc, 0)[1], 'cases', 'cat').push(footer(complete()));
    },
    errors: [{ code: 'MISSING_FOOTER_IN_SWITCH_BRANCHES', path: `${IF_KIDS}[1]` }],
  },
  'three EmbeddedLinks': {
    base: OPEN_URL,
    mutate: (doc) =>
      children(doc, 0).unshift(structuredClone(children(doc, 0)[0]), structuredClone(children(doc, 0)[0])),
    errors: [{ code: 'MAX_EMBEDDED_LINK_PER_SCREEN', path: `${IF_KIDS}[2]` }],
  },
  'four Images': {
    base: IF,
    mutate: (doc) => children(doc, 0).unshift(...[1, 2, 3, 4].map(() => ({ type: 'Image', src: 'iVBORw0KGgo=' }))),
    errors: [{ code: 'MAX_IMAGE_PER_SCREEN', path: `${IF_KIDS}[3]` }],
  },
  'six OptIns': {
    base: IF,
    mutate: (doc) =>
      children(doc, 0).unshift(...[1, 2, 3, 4, 5, 6].map((n) => ({ type: 'OptIn', name: `o${n}`, label: 'OK' }))),
    errors: [{ code: 'MAX_OPT_IN_PER_SCREEN', path: `${IF_KIDS}[5]` }],
  },
  'PhotoPicker in a 3.1 flow': {
    base: SURVEY,
    mutate: (doc) => list(children(doc, 0)[0], 'children').unshift(photoPicker()),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[0].children[0].type' }],
  },
  'RichText in a 5.0 flow': {
    base: 'pywa_v5_0__radio_buttons_with_pics.json',
    mutate: (doc) => list(doc, 'screens').push(bareScreen('TOC', [{ type: 'RichText', text: '# Terms' }])),
    errors: [
      { code: 'INVALID_ROUTING_MODEL', path: 'screens[1]' },
      { code: 'INVALID_PROPERTY_VALUE', path: 'screens[1].layout.children[0].type' },
    ],
  },
  'MediaUpload component': {
    base: IF,
    mutate: (doc) =>
      children(doc, 0).unshift({ type: 'MediaUpload', name: 'media', file_types: ['pdf'], max_size_mb: 5 }),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0].type` }],
  },
  'PhotoPicker and DocumentPicker on one screen': {
    base: PHOTO,
    mutate: (doc) =>
      list(children(doc, 0)[0], 'children').unshift({ type: 'DocumentPicker', name: 'doc', label: 'Doc' }),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${PHOTO_FORM}[1]` }],
  },
  'max-file-size-kb 30000': {
    base: PHOTO,
    mutate: (doc) => (obj(children(doc, 0)[0], 'children', 0)['max-file-size-kb'] = 30000),
    errors: [{ code: 'MAXIMUM_VALUE_REQUIRED', path: `${PHOTO_FORM}[0]['max-file-size-kb']` }],
  },
  'more than 30 photos': {
    base: PHOTO,
    mutate: (doc) => (obj(children(doc, 0)[0], 'children', 0)['max-uploaded-photos'] = 31),
    errors: [{ code: 'MAXIMUM_VALUE_REQUIRED', path: `${PHOTO_FORM}[0]['max-uploaded-photos']` }],
  },
  'min photos greater than max photos': {
    base: PHOTO,
    mutate: (doc) =>
      Object.assign(obj(children(doc, 0)[0], 'children', 0), { 'min-uploaded-photos': 5, 'max-uploaded-photos': 2 }),
    errors: [{ code: 'MIN_VALUE_GREATER_THAN_MAX', path: `${PHOTO_FORM}[0]['min-uploaded-photos']` }],
  },
  'unsupported DocumentPicker MIME type': {
    base: 'pywa_v4_0__doc_picker.json',
    mutate: (doc) => list(children(doc, 0)[0], 'children', 0, 'allowed-mime-types').push('application/x-msdownload'),
    errors: [{ code: 'INVALID_ENUM_VALUE', path: `${PHOTO_FORM}[0]['allowed-mime-types'][2]` }],
  },
  'picker in a navigate payload': {
    base: PHOTO,
    mutate: (doc) => {
      delete screenAt(doc, 0).terminal;
      obj(children(doc, 0)[0], 'children', 1)['on-click-action'] = navigate('SECOND', {
        images: '${form.photo_picker}',
      });
      const data = { images: { type: 'string', __example__: '' } };
      list(doc, 'screens').push(bareScreen('SECOND', [footer(complete())], { terminal: true, data }));
      routing(doc).FIRST = ['SECOND'];
      routing(doc).SECOND = [];
    },
    errors: [{ code: 'INVALID_ON_CLICK_ACTION_PAYLOAD', path: `${FOOTER_ACTION}.payload.images` }],
  },
  'picker nested in a payload object': {
    base: PHOTO,
    mutate: (doc) =>
      (obj(children(doc, 0)[0], 'children', 1, 'on-click-action').payload = {
        images: { photo: '${form.photo_picker}' },
      }),
    errors: [{ code: 'INVALID_ON_CLICK_ACTION_PAYLOAD', path: `${FOOTER_ACTION}.payload.images.photo` }],
  },
  'picker in Form init-values': {
    base: PHOTO,
    mutate: (doc) => (obj(children(doc, 0)[0])['init-values'] = { photo_picker: 'x' }),
    errors: [
      {
        code: 'NATIVE_COMPONENT_IN_FORM_INIT_VALUES',
        path: "screens[0].layout.children[0]['init-values'].photo_picker",
      },
    ],
  },
  'PhotoPicker allowing 10 photos in a complete payload': {
    base: PHOTO,
    mutate: (doc) => {
      delete doc.data_api_version;
      delete doc.routing_model;
      obj(children(doc, 0)[0], 'children', 1)['on-click-action'] = complete({ images: '${form.photo_picker}' });
    },
    errors: [],
    warnings: [
      { code: 'UNAVAILABLE_FLOW_JSON_VERSION', path: 'version' },
      { code: 'INVALID_ON_CLICK_ACTION_PAYLOAD', path: `${FOOTER_ACTION}.payload` },
    ],
  },
  '${data.nope}': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[1], 'then', 0).text = '${data.nope}'),
    errors: [{ code: 'INVALID_SCREEN_DYNAMIC_DATA', path: `${IF_KIDS}[1].then[0].text` }],
  },
  '${data.nope} in an action payload': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[2], 'on-click-action').payload = { x: '${data.nope}' }),
    errors: [{ code: 'INVALID_ON_CLICK_ACTION_PAYLOAD', path: `${IF_KIDS}[2]['on-click-action'].payload.x` }],
  },
  '${form.nope}': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[2], 'on-click-action').payload = { x: '${form.nope}' }),
    errors: [{ code: 'INVALID_ON_CLICK_ACTION_PAYLOAD', path: `${IF_KIDS}[2]['on-click-action'].payload.x` }],
  },
  '${form.nope} in a component property': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[1], 'then', 0).visible = '${form.nope}'),
    errors: [{ code: 'INVALID_SCREEN_DYNAMIC_DATA', path: `${IF_KIDS}[1].then[0].visible` }],
  },
  '${screen.NOPE.form.x}': {
    base: GLOBAL,
    mutate: (doc) => (obj(children(doc, 1)[0], 'on-click-action', 'payload').field1 = '${screen.NOPE.form.x}'),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: "screens[1].layout.children[0]['on-click-action'].payload.field1" }],
  },
  'global reference to an undeclared field': {
    base: GLOBAL,
    mutate: (doc) => (obj(children(doc, 1)[0], 'on-click-action', 'payload').field2 = '${screen.SCREEN_ONE.data.nope}'),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: "screens[1].layout.children[0]['on-click-action'].payload.field2" }],
  },
  'global reference to the current screen': {
    base: GLOBAL,
    mutate: (doc) => children(doc, 0).unshift(text('${screen.SCREEN_ONE.form.field1}')),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: `${IF_KIDS}[0].text` }],
  },
  'undeclared variable in a nested expression (7.2)': {
    base: PURCHASE,
    mutate: (doc) => children(doc, 1).unshift(text("`'Hi ' ${data.nope}`")),
    errors: [{ code: 'INVALID_SCREEN_DYNAMIC_DATA', path: 'screens[1].layout.children[0].text' }],
  },
  'undeclared variable in a nested expression (6.0, not validated by Meta)': {
    base: 'pywa_v6_0__string_concatenation.json',
    mutate: (doc) => children(doc, 0).unshift(text("`'Hi ' ${form.nope}`")),
    errors: [],
    warnings: [{ code: 'INVALID_SCREEN_DYNAMIC_DATA', path: `${IF_KIDS}[0].text` }],
  },
  'unknown version 9.9': {
    base: IF,
    mutate: (doc) => (doc.version = '9.9'),
    errors: [{ code: 'INVALID_FLOW_JSON_VERSION', path: 'version' }],
  },
  'version older than 2.1': {
    base: IF,
    mutate: (doc) => (doc.version = '1.0'),
    contains: true,
    errors: [{ code: 'UNSUPPORTED_FLOW_JSON_VERSION', path: 'version' }],
  },
  'unknown version 6.4 between known ones': {
    base: IF,
    mutate: (doc) => (doc.version = '6.4'),
    errors: [{ code: 'INVALID_FLOW_JSON_VERSION', path: 'version' }],
  },
  'frozen version 4.0 (warning: published flows still open)': {
    base: IF,
    mutate: () => undefined,
    errors: [],
    warnings: [{ code: 'UNAVAILABLE_FLOW_JSON_VERSION', path: 'version' }],
  },
  'frozen version 5.0': {
    base: DATES,
    mutate: () => undefined,
    errors: [],
    warnings: [{ code: 'UNAVAILABLE_FLOW_JSON_VERSION', path: 'version' }],
  },
  'version 5.1 is not frozen': {
    base: IF,
    mutate: (doc) => (doc.version = '5.1'),
    errors: [],
    warnings: [],
  },
  'missing version': {
    base: IF,
    mutate: (doc) => delete doc.version,
    errors: [{ code: 'MISSING_FLOW_JSON_VERSION', path: 'version' }],
  },
  'unknown data_api_version': {
    base: DATES,
    mutate: (doc) => (doc.data_api_version = '5.0'),
    errors: [{ code: 'NO_SUPPORTED_DATA_API_VERSION', path: 'data_api_version' }],
  },
  'data_channel_uri from 3.0': {
    base: SURVEY,
    mutate: (doc) => (doc.data_channel_uri = 'https://example.com'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: 'data_channel_uri' }],
  },
  'unknown top-level and screen properties': {
    base: IF,
    mutate: (doc) => {
      doc.myNewProp = 'hello';
      screenAt(doc, 0)['on-back'] = true;
    },
    errors: [
      { code: 'INVALID_PROPERTY_KEY', path: 'myNewProp' },
      { code: 'INVALID_PROPERTY_KEY', path: "screens[0]['on-back']" },
    ],
  },
  'more than 100 screens': {
    base: IF,
    mutate: (doc) => {
      for (let n = 0; n < 100; n++) list(doc, 'screens').push(bareScreen(`S_${'x'.repeat(n + 1)}`));
    },
    contains: true,
    errors: [{ code: 'MAX_SCREENS_NUMBER', path: 'screens' }],
  },
  'label too long': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[0]).label = 'What animal do you have?'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0].label` }],
  },
  'TextHeading longer than 80': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[1], 'then', 0).text = 'x'.repeat(81)),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[1].then[0].text` }],
  },
  'input outside a Form before 4.0': {
    base: SURVEY,
    mutate: (doc) => children(doc, 0).unshift(input('extra')),
    errors: [{ code: 'KEYWORD_ONE_OF', path: `${IF_KIDS}[0]` }],
  },
  'input outside an existing Form from 4.0': {
    base: PHOTO,
    mutate: (doc) => children(doc, 0).unshift(input('extra')),
    errors: [{ code: 'COMPONENTS_OUTSIDE_FORM', path: `${IF_KIDS}[0]` }],
  },
  'update_data before 6.0': {
    base: 'pywa_v5_1__rich_text.json',
    mutate: (doc) => (obj(children(doc, 0)[2])['on-click-action'] = { name: 'update_data', payload: {} }),
    errors: [
      { code: 'INVALID_ROUTING_MODEL', path: 'screens[1]' },
      { code: 'INVALID_ENUM_VALUE', path: `${IF_KIDS}[2]['on-click-action'].name` },
    ],
  },
  'pattern before 6.2': {
    base: 'pywa_v6_0__visible_condition.json',
    mutate: (doc) => Object.assign(obj(children(doc, 0)[0]), { pattern: '^4', 'helper-text': 'Starts with 4' }),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${IF_KIDS}[0].pattern` }],
  },
  'label-variant before 7.0': {
    base: 'pywa_v6_2__regex.json',
    mutate: (doc) => (obj(children(doc, 0)[0])['label-variant'] = 'large'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${IF_KIDS}[0]['label-variant']` }],
  },
  'pattern without helper-text': {
    base: 'pywa_v6_2__regex.json',
    mutate: (doc) => delete obj(children(doc, 0)[0])['helper-text'],
    errors: [{ code: 'INVALID_DEPENDENCIES', path: `${IF_KIDS}[0].pattern` }],
  },
  'CheckboxGroup without label from 4.0': {
    base: PURCHASE,
    mutate: (doc) => delete obj(children(doc, 1)[0], 'children', 1).label,
    errors: [{ code: 'MISSING_REQUIRED_TYPE_PROPERTY', path: 'screens[1].layout.children[0].children[1].label' }],
  },
  'CheckboxGroup min-selected-items above max': {
    base: PURCHASE,
    mutate: (doc) =>
      Object.assign(obj(children(doc, 1)[0], 'children', 1), { 'min-selected-items': 3, 'max-selected-items': 2 }),
    errors: [
      { code: 'MIN_VALUE_GREATER_THAN_MAX', path: "screens[1].layout.children[0].children[1]['min-selected-items']" },
    ],
  },
  'enabled given as a string': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[0]).enabled = 'yes'),
    errors: [{ code: 'INVALID_PROPERTY_TYPE', path: `${IF_KIDS}[0].enabled` }],
  },
  'max-chars given as a word': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[0])['max-chars'] = 'Hundred'),
    errors: [{ code: 'PATTERN_MISMATCH', path: `${IF_KIDS}[0]['max-chars']` }],
  },
  'unknown input-type': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[0])['input-type'] = 'url'),
    errors: [{ code: 'INVALID_ENUM_VALUE', path: `${IF_KIDS}[0]['input-type']` }],
  },
  'Footer with a left caption only': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[2])['left-caption'] = 'Left'),
    errors: [{ code: 'INVALID_DEPENDENCIES', path: `${IF_KIDS}[2]['left-caption']` }],
  },
  'If with an empty then': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[1]).then = []),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[1].then` }],
  },
  'If condition without a dynamic operand': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[1]).condition = '573 == 376'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[1].condition` }],
  },
  'PhotoPicker inside an If': {
    base: IF,
    mutate: (doc) => list(children(doc, 0)[1], 'then').push(photoPicker()),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[1].then[1].type` }],
  },
  'data field without __example__': {
    base: IF,
    mutate: (doc) => delete obj(screenAt(doc, 0), 'data', 'value').__example__,
    errors: [{ code: 'INVALID_SCREEN_DATA', path: 'screens[0].data.value' }],
  },
  'array data field without items': {
    base: BOOK,
    mutate: (doc) => delete obj(screenAt(doc, 0), 'data', 'time').items,
    errors: [{ code: 'INVALID_SCREEN_DATA', path: 'screens[0].data.time' }],
  },
  'update_data key not in the data model': {
    base: 'pywa_v6_0__update_data.json',
    mutate: (doc) =>
      (obj(children(doc, 0)[0])['data-source'] = [
        { id: 'a', title: 'A', 'on-select-action': { name: 'update_data', payload: { nope: true } } },
      ]),
    errors: [
      {
        code: 'INVALID_ACTION_PAYLOAD_PROPERTY',
        path: `${IF_KIDS}[0]['data-source'][0]['on-select-action'].payload.nope`,
      },
    ],
  },
  'DatePicker with a timestamp from 5.0': {
    base: DATES,
    mutate: (doc) => (obj(children(doc, 0)[0])['min-date'] = '1693569600000'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE_FORMAT', path: `${IF_KIDS}[0]['min-date']` }],
  },
  'NavigationList on a terminal screen': {
    base: 'pywa_v6_2__navigation_list_dynamic.json',
    mutate: (doc) => (screenAt(doc, 0).terminal = true),
    errors: [
      { code: 'MISSING_FOOTER_ON_TERMINAL_SCREEN', path: 'screens[0]' },
      { code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0]` },
    ],
  },
  'more than 50 components': {
    base: IF,
    mutate: (doc) => children(doc, 0).unshift(...Array.from({ length: 48 }, (_, n) => text(`Line ${n}`))),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: IF_KIDS }],
  },
  'components in If branches count once': {
    base: IF,
    mutate: (doc) => {
      list(children(doc, 0)[1], 'then').push(...Array.from({ length: 40 }, (_, n) => text(`Then ${n}`)));
      list(children(doc, 0)[1], 'else').push(...Array.from({ length: 40 }, (_, n) => text(`Else ${n}`)));
    },
    errors: [],
  },
  'min-uploaded-photos below 0': {
    base: PHOTO,
    mutate: (doc) => (obj(children(doc, 0)[0], 'children', 0)['min-uploaded-photos'] = -1),
    errors: [{ code: 'MINIMUM_VALUE_REQUIRED', path: `${PHOTO_FORM}[0]['min-uploaded-photos']` }],
  },
  'ImageCarousel with 4 images': {
    base: 'pywa_v7_1__image_carousel.json',
    mutate: (doc) => list(children(doc, 0)[0], 'images').push({ src: 'iVBORw0KGgo=', 'alt-text': 'More' }),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0].images` }],
  },
  'three ImageCarousels on a screen': {
    base: 'pywa_v7_1__image_carousel.json',
    mutate: (doc) =>
      children(doc, 0).unshift(structuredClone(children(doc, 0)[0]), structuredClone(children(doc, 0)[0])),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[2]` }],
  },
  'RichText next to other components before 6.3': {
    base: 'pywa_v5_1__rich_text.json',
    mutate: (doc) => children(doc, 1).push(text('More')),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: 'screens[1].layout.children[1]' }],
  },
  'NavigationList with 21 items': {
    base: 'pywa_v6_2__navigation_list.json',
    mutate: (doc) => {
      const items = list(children(doc, 0)[0], 'list-items');
      // Drop the base fixture's two known defects: a navigate to a missing screen, a boolean for a string.
      obj(items[4], 'on-click-action', 'payload').first_name = 'Bob';
      items.splice(2, 1);
      while (items.length < 21) items.push({ id: `i${items.length}`, 'main-content': { title: 'More' } });
    },
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0]['list-items']` }],
  },
  'CheckboxGroup with 21 options': {
    base: PURCHASE,
    mutate: (doc) => {
      const source = list(children(doc, 1)[0], 'children', 1, 'data-source');
      while (source.length < 21) source.push({ id: `o${source.length}`, title: 'Other' });
    },
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: "screens[1].layout.children[0].children[1]['data-source']" }],
  },
  'option title longer than 30': {
    base: PURCHASE,
    mutate: (doc) => (obj(children(doc, 1)[0], 'children', 1, 'data-source', 0).title = 'x'.repeat(31)),
    errors: [
      { code: 'INVALID_PROPERTY_VALUE', path: "screens[1].layout.children[0].children[1]['data-source'][0].title" },
    ],
  },
  'OptIn label longer than 120': {
    base: PURCHASE,
    mutate: (doc) => (obj(children(doc, 0)[0], 'children', 4).label = 'x'.repeat(121)),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.children[0].children[4].label' }],
  },
  'Footer label longer than 35': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[2]).label = 'x'.repeat(36)),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[2].label` }],
  },
  'EmbeddedLink text longer than 25 (warning: Meta exceeds it)': {
    base: OPEN_URL,
    mutate: (doc) => (obj(children(doc, 0)[0]).text = 'x'.repeat(26)),
    errors: [],
    warnings: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0].text` }],
  },
  'TextInput init-value inside a Form': {
    base: PURCHASE,
    mutate: (doc) => (obj(children(doc, 0)[0], 'children', 1)['init-value'] = 'Jane'),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: "screens[0].layout.children[0].children[1]['init-value']" }],
  },
  'data-source image before 5.0': {
    base: 'pywa_v4_0__forward_refs.json',
    mutate: (doc) => (obj(children(doc, 0)[0], 'data-source', 0).image = 'iVBORw0KGgo='),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: `${IF_KIDS}[0]['data-source'][0].image` }],
  },
  'open_url on a Footer': {
    base: OPEN_URL,
    mutate: (doc) => (obj(children(doc, 0)[2])['on-click-action'] = { name: 'open_url', url: 'https://example.com' }),
    errors: [{ code: 'INVALID_ENUM_VALUE', path: `${IF_KIDS}[2]['on-click-action'].name` }],
  },
  'navigate from a DatePicker selection': {
    base: DATES,
    mutate: (doc) => {
      obj(children(doc, 0)[0])['on-select-action'] = navigate('NEXT');
      list(doc, 'screens').push(bareScreen('NEXT'));
      routing(doc).DEMO_SCREEN = ['NEXT'];
    },
    errors: [{ code: 'INVALID_ENUM_VALUE', path: `${IF_KIDS}[0]['on-select-action'].name` }],
  },
  'Footer with center and left captions': {
    base: IF,
    mutate: (doc) =>
      Object.assign(obj(children(doc, 0)[2]), { 'left-caption': 'L', 'right-caption': 'R', 'center-caption': 'C' }),
    errors: [{ code: 'NOT_KEYWORD_SCHEMA_VALIDATION_FAILED', path: `${IF_KIDS}[2]['center-caption']` }],
  },
  'If nested four levels deep': {
    base: IF,
    mutate: (doc) => {
      const nest = (depth: number): Doc =>
        depth === 0 ? text('Deep') : { type: 'If', condition: '${data.value}', then: [nest(depth - 1)] };
      list(children(doc, 0)[1], 'then').push(nest(3));
    },
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[1].then[1].then[0].then[0]` }],
  },
  'ChipsSelector inside an If before 7.1': {
    base: 'pywa_v6_3__chips_selector.json',
    mutate: firstInIf,
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0].then[0].type` }],
  },
  'ImageCarousel inside an If (SPEC E.5 does not list it among the branch children)': {
    base: 'pywa_v7_1__image_carousel.json',
    mutate: firstInIf,
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[0].then[0].type` }],
  },
  'If inside a Switch case (allowed in an If, not in a Switch)': {
    base: 'pywa_v4_0__switch.json',
    mutate: (doc) => {
      const cases = obj(children(doc, 0)[1], 'cases');
      cases.cat = [{ type: 'If', condition: "${form.animal} == 'cat'", then: [text('Meow')] }];
    },
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: `${IF_KIDS}[1].cases.cat[0].type` }],
  },
  'If inside an If branch stays allowed': {
    base: 'pywa_v4_0__switch.json',
    mutate: (doc) => {
      const sw = children(doc, 0)[1];
      children(doc, 0)[1] = {
        type: 'If',
        condition: "${form.animal} == 'cat'",
        then: [{ type: 'If', condition: "${form.animal} != 'dog'", then: [text('Meow')] }],
        else: [sw],
      };
    },
    errors: [],
  },
  '__example__ of the wrong type': {
    base: IF,
    mutate: (doc) => (obj(screenAt(doc, 0), 'data', 'value').__example__ = 'yes'),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: 'screens[0].data.value.__example__' }],
  },
  'null inside an __example__': {
    base: BOOK,
    mutate: (doc) => (list(obj(screenAt(doc, 0), 'data', 'time'), '__example__')[1] = { id: '2', title: null }),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: 'screens[0].data.time.__example__[1].title' }],
  },
  'an __example__ item of the wrong type': {
    base: BOOK,
    mutate: (doc) => list(obj(screenAt(doc, 0), 'data', 'unavailable_dates'), '__example__').push(42),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: 'screens[0].data.unavailable_dates.__example__[1]' }],
  },
  '__example__ below the top level': {
    base: BOOK,
    mutate: (doc) => (obj(screenAt(doc, 0), 'data', 'time', 'items').__example__ = {}),
    errors: [{ code: 'INVALID_SCREEN_DATA', path: 'screens[0].data.time.items.__example__' }],
  },
  'sensitive before 5.1': {
    base: IF,
    mutate: (doc) => (screenAt(doc, 0).sensitive = ['animal']),
    errors: [{ code: 'INVALID_PROPERTY_KEY', path: 'screens[0].sensitive' }],
  },
  'data_channel_uri that is not a URI': {
    base: BOOK,
    mutate: (doc) => (doc.data_channel_uri = 'placeholder_uri'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE_FORMAT', path: 'data_channel_uri' }],
  },
  'Flow JSON over 10 MB': {
    base: IF,
    mutate: (doc) => padded(doc, 'x'.repeat(10 * MIB)),
    errors: [{ code: 'INVALID_FLOW_JSON', path: '' }],
  },
  'Flow JSON over 10 MB in UTF-8 bytes, not in characters': {
    base: IF,
    mutate: (doc) => padded(doc, 'é'.repeat(5.5 * MIB)),
    errors: [{ code: 'INVALID_FLOW_JSON', path: '' }],
  },
  'Flow JSON just under 10 MB': {
    base: IF,
    mutate: (doc) => padded(doc, 'x'.repeat(10 * MIB - 100_000)),
    errors: [],
  },
  'no screens': {
    base: IF,
    mutate: (doc) => (doc.screens = []),
    errors: [{ code: 'MIN_ITEMS_REQUIRED', path: 'screens' }],
  },
  'unknown layout type': {
    base: IF,
    mutate: (doc) => (obj(screenAt(doc, 0), 'layout').type = 'TwoColumnLayout'),
    errors: [{ code: 'INVALID_PROPERTY_VALUE', path: 'screens[0].layout.type' }],
  },
  'unknown action name': {
    base: IF,
    mutate: (doc) => (obj(children(doc, 0)[2], 'on-click-action').name = 'submit'),
    errors: [{ code: 'INVALID_ENUM_VALUE', path: `${IF_KIDS}[2]['on-click-action'].name` }],
  },
};

describe('validateFlowJson on broken variants of the fixtures', () => {
  it.each(Object.entries(CASES))('%s', (_name, test) => {
    expectMutationFindings(test);
  });

  it('measures JSON text as given, whitespace included', () => {
    const doc = loadFixture(IF);
    padded(doc, 'x'.repeat(9 * MIB));
    const text = `${JSON.stringify(doc)}${' '.repeat(2 * MIB)}`;
    expect(validateFlowJson(doc).filter((f) => f.severity === 'error')).toEqual([]);
    expect(validateFlowJson(text).filter((f) => f.severity === 'error')).toMatchObject([
      { code: 'INVALID_FLOW_JSON', path: '' },
    ]);
  });

  it('reaches the fixture paths it mutates', () => {
    expect(get(loadFixture(IF), 'screens', 0, 'layout', 'children', 1, 'type')).toBe('If');
  });
});
