// What SPEC E.5 / B.1 say about each component, as data: the first Flow JSON version, required
// properties, character limits, version-gated properties and where it may appear. The validator
// and the runtime helpers read this table; nothing here inspects a document.

import type { ComponentType, InputComponentType } from './components.js';

export interface ComponentSpec {
  /** First Flow JSON version that knows the component. */
  readonly since: string;
  /** Properties that must be present (besides `type`). */
  readonly required: readonly string[];
  /** Properties that become required from a version on. */
  readonly requiredSince?: Readonly<Record<string, string>>;
  /** Maximum characters per property (static strings only; dynamic values are not counted). */
  readonly maxChars?: Readonly<Record<string, number>>;
  /** Properties that exist only from a version on. */
  readonly propsSince?: Readonly<Record<string, string>>;
  /** Takes user input (must live in a Form before 4.0; COMPONENTS_OUTSIDE_FORM from 4.0). */
  readonly input: boolean;
  /**
   * Allowed as a child of If/Switch: from this version, or never (undefined). SPEC E.5's list for If;
   * a Switch takes the same except If (`notInSwitch`).
   */
  readonly inBranchSince?: string;
  /** Allowed in an If's branches but not in a Switch's cases (SPEC E.5 lists no If under Switch). */
  readonly notInSwitch?: true;
}

const INPUT_4_0_PROPS = { 'init-value': '4.0', 'error-message': '4.0' } as const;

export const COMPONENTS: Readonly<Record<ComponentType, ComponentSpec>> = {
  TextHeading: { since: '2.1', required: ['text'], maxChars: { text: 80 }, input: false, inBranchSince: '4.0' },
  TextSubheading: { since: '2.1', required: ['text'], maxChars: { text: 80 }, input: false, inBranchSince: '4.0' },
  // Meta's table prints "409" for TextCaption; SPEC E.5 reads it as 4096 truncated, so 4096 it is.
  TextBody: {
    since: '2.1',
    required: ['text'],
    maxChars: { text: 4096 },
    propsSince: { markdown: '5.1' },
    input: false,
    inBranchSince: '4.0',
  },
  TextCaption: {
    since: '2.1',
    required: ['text'],
    maxChars: { text: 4096 },
    propsSince: { markdown: '5.1' },
    input: false,
    inBranchSince: '4.0',
  },
  RichText: { since: '5.1', required: ['text'], input: false, inBranchSince: '5.1' },
  TextInput: {
    since: '2.1',
    required: ['name', 'label'],
    maxChars: { label: 20, 'helper-text': 80, 'error-message': 30 },
    propsSince: { ...INPUT_4_0_PROPS, pattern: '6.2', 'label-variant': '7.0' },
    input: true,
    inBranchSince: '4.0',
  },
  TextArea: {
    since: '2.1',
    required: ['name', 'label'],
    maxChars: { label: 20, 'helper-text': 80 },
    propsSince: { ...INPUT_4_0_PROPS, 'label-variant': '7.0' },
    input: true,
    inBranchSince: '4.0',
  },
  CheckboxGroup: {
    since: '2.1',
    required: ['name', 'data-source'],
    requiredSince: { label: '4.0' },
    maxChars: { label: 30, description: 300 },
    propsSince: { ...INPUT_4_0_PROPS, description: '4.0', 'media-size': '5.0' },
    input: true,
    inBranchSince: '4.0',
  },
  RadioButtonsGroup: {
    since: '2.1',
    required: ['name', 'data-source'],
    requiredSince: { label: '4.0' },
    maxChars: { label: 30, description: 300 },
    propsSince: { ...INPUT_4_0_PROPS, description: '4.0', 'media-size': '5.0' },
    input: true,
    inBranchSince: '4.0',
  },
  Dropdown: {
    since: '2.1',
    required: ['name', 'label', 'data-source'],
    maxChars: { label: 20 },
    propsSince: INPUT_4_0_PROPS,
    input: true,
    inBranchSince: '4.0',
  },
  ChipsSelector: {
    since: '6.3',
    required: ['name', 'label', 'data-source'],
    maxChars: { label: 80, description: 300 },
    input: true,
    inBranchSince: '7.1',
  },
  DatePicker: {
    since: '2.1',
    required: ['name', 'label'],
    maxChars: { label: 40, 'helper-text': 80, 'error-message': 80 },
    propsSince: INPUT_4_0_PROPS,
    input: true,
    inBranchSince: '4.0',
  },
  CalendarPicker: {
    since: '6.1',
    required: ['name', 'label'],
    maxChars: { title: 80, description: 300, label: 40, 'helper-text': 80, 'error-message': 80 },
    input: true,
  },
  OptIn: {
    since: '2.1',
    required: ['name', 'label'],
    maxChars: { label: 120 },
    propsSince: { 'init-value': '4.0' },
    input: true,
    inBranchSince: '4.0',
  },
  // Meta's own Sign-in template uses a 30-character link text, so the 25-character limit is only
  // reported as a warning (see LENIENT_LIMITS).
  EmbeddedLink: {
    since: '2.1',
    required: ['text', 'on-click-action'],
    maxChars: { text: 25 },
    input: false,
    inBranchSince: '4.0',
  },
  Footer: {
    since: '2.1',
    required: ['label', 'on-click-action'],
    maxChars: { label: 35, 'left-caption': 15, 'right-caption': 15, 'center-caption': 15 },
    input: false,
    inBranchSince: '4.0',
  },
  Image: { since: '2.1', required: ['src'], input: false, inBranchSince: '4.0' },
  ImageCarousel: { since: '7.1', required: ['images'], input: false },
  If: { since: '4.0', required: ['condition', 'then'], input: false, inBranchSince: '4.0', notInSwitch: true },
  Switch: { since: '4.0', required: ['value', 'cases'], input: false, inBranchSince: '4.0' },
  NavigationList: {
    since: '6.2',
    required: ['name', 'list-items'],
    maxChars: { label: 80, description: 300 },
    input: false,
  },
  PhotoPicker: {
    since: '4.0',
    required: ['name', 'label'],
    maxChars: { label: 80, description: 300 },
    input: true,
  },
  DocumentPicker: {
    since: '4.0',
    required: ['name', 'label'],
    maxChars: { label: 80, description: 300 },
    input: true,
  },
  Form: { since: '2.1', required: ['name', 'children'], input: false },
};

/** Limits Meta's own examples exceed: reported as warnings, not errors. */
export const LENIENT_LIMITS: ReadonlySet<string> = new Set(['EmbeddedLink.text']);

export function isComponentType(value: unknown): value is ComponentType {
  return typeof value === 'string' && Object.hasOwn(COMPONENTS, value);
}

export function isInputType(value: unknown): value is InputComponentType {
  return isComponentType(value) && COMPONENTS[value].input;
}

export const PICKER_TYPES: ReadonlySet<string> = new Set(['PhotoPicker', 'DocumentPicker']);

/** Limits of data-source items (SPEC E.5). */
export const DATA_SOURCE_LIMITS: Readonly<
  Record<string, { min: number; max: number; title?: number; description?: number; metadata?: number }>
> = {
  CheckboxGroup: { min: 1, max: 20, title: 30, description: 300, metadata: 20 },
  RadioButtonsGroup: { min: 1, max: 20, title: 30, description: 300, metadata: 20 },
  Dropdown: { min: 1, max: 200, title: 30, description: 300, metadata: 20 },
  ChipsSelector: { min: 2, max: 20 },
};

/** Dropdown allows 200 options, but only 100 once any option has an image. */
export const DROPDOWN_MAX_WITH_IMAGES = 100;

/** Per-screen and per-flow counts (SPEC E.3, E.5, B.1). */
export const SCREEN_LIMITS = {
  components: 50,
  footer: 1,
  embeddedLink: 2,
  image: 3,
  optIn: 5,
  navigationList: 2,
  imageCarousel: 2,
  imageCarouselPerFlow: 3,
  pickers: 1,
  ifNesting: 3,
} as const;

export const MAX_SCREENS = 100;
export const MAX_ROUTING_BRANCHES = 10;
/** Whole Flow JSON ≤ 10 MB (SPEC E.1, D.6), in UTF-8 bytes; MB read as MiB, as Meta's web client counts it. */
export const MAX_FLOW_JSON_BYTES = 10 * 1024 * 1024;

/** Enumerations checked when the value is static. */
export const ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  TextBody: { 'font-weight': ['bold', 'italic', 'bold_italic', 'normal'] },
  TextCaption: { 'font-weight': ['bold', 'italic', 'bold_italic', 'normal'] },
  TextInput: { 'input-type': ['text', 'number', 'email', 'password', 'passcode', 'phone'], 'label-variant': ['large'] },
  TextArea: { 'label-variant': ['large'] },
  CheckboxGroup: { 'media-size': ['regular', 'large'] },
  RadioButtonsGroup: { 'media-size': ['regular', 'large'] },
  CalendarPicker: { mode: ['single', 'range'] },
  Image: { 'scale-type': ['cover', 'contain'] },
  ImageCarousel: { 'scale-type': ['cover', 'contain'], 'aspect-ratio': ['4:3', '16:9'] },
  NavigationList: { 'media-size': ['regular', 'large'] },
  PhotoPicker: { 'photo-source': ['camera_gallery', 'camera', 'gallery'] },
};

export const WEEKDAYS: readonly string[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Numeric ranges (SPEC B.1): property → [min, max]. */
export const NUMERIC_RANGES: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {
  PhotoPicker: {
    'max-file-size-kb': [1, 25600],
    'min-uploaded-photos': [0, 30],
    'max-uploaded-photos': [1, 30],
  },
  DocumentPicker: {
    'max-file-size-kb': [1, 25600],
    'min-uploaded-documents': [0, 30],
    'max-uploaded-documents': [1, 30],
  },
};

/** Pairs that must satisfy min ≤ max (MIN_VALUE_GREATER_THAN_MAX). */
export const MIN_MAX_PAIRS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  TextInput: [['min-chars', 'max-chars']],
  CheckboxGroup: [['min-selected-items', 'max-selected-items']],
  ChipsSelector: [['min-selected-items', 'max-selected-items']],
  CalendarPicker: [['min-days', 'max-days']],
  PhotoPicker: [['min-uploaded-photos', 'max-uploaded-photos']],
  DocumentPicker: [['min-uploaded-documents', 'max-uploaded-documents']],
};

/**
 * Which actions each event accepts (SPEC E.5, E.6). Events not listed accept anything except
 * `complete` (Footer only) and `open_url` (EmbeddedLink and OptIn only).
 */
export const ACTION_RULES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // SPEC names no action list for Footer; only open_url (EmbeddedLink/OptIn only) is ruled out.
  Footer: { 'on-click-action': ['navigate', 'complete', 'data_exchange', 'update_data'] },
  EmbeddedLink: { 'on-click-action': ['navigate', 'data_exchange', 'open_url'] },
  OptIn: { 'on-click-action': ['navigate', 'data_exchange', 'open_url'] },
  CheckboxGroup: { 'on-select-action': ['data_exchange', 'update_data'] },
  RadioButtonsGroup: { 'on-select-action': ['data_exchange', 'update_data'] },
  Dropdown: { 'on-select-action': ['data_exchange', 'update_data'] },
  DatePicker: { 'on-select-action': ['data_exchange'] },
  CalendarPicker: { 'on-select-action': ['data_exchange'] },
  NavigationList: { 'on-click-action': ['navigate', 'data_exchange'] },
  'NavigationList.item': { 'on-click-action': ['navigate', 'data_exchange'] },
  'data-source.item': { 'on-select-action': ['update_data'], 'on-unselect-action': ['update_data'] },
};

export const ACTION_NAMES: readonly string[] = ['navigate', 'complete', 'data_exchange', 'update_data', 'open_url'];
export const ACTIONS_SINCE: Readonly<Record<string, string>> = { update_data: '6.0', open_url: '6.0' };
