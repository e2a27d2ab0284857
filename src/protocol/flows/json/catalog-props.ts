// Which property keys each component, data-source option, NavigationList item, carousel image and
// action may carry (SPEC E.1 "unknown properties are rejected", E.5, E.6, B.1). The lists are the
// keys of the wire types in components.ts and types.ts — the build fails when a component's list
// and its interface disagree — and each was read against SPEC's tables. Which of these keys exist
// only from a later Flow JSON version is said by `propsSince` in catalog.ts, not here.

import type { Component, ComponentType, DataSourceItem, ImageCarousel, NavigationItem } from './components.js';
import type { Action, ActionName } from './types.js';

/** Every key a component of type T may have: of any member, for a union (CalendarPicker's two modes). */
type KeysOfAny<U> = U extends unknown ? keyof U : never;
type PropOf<T extends ComponentType> = Exclude<KeysOfAny<Extract<Component, { type: T }>>, 'type'> & string;

// Beyond SPEC E.5's "key properties" column the interfaces also allow, and so do these lists:
// `enabled` on TextInput, `required` on DatePicker (used by pywa_v4_0__date_picker_dates_str.json and
// the other DatePicker fixtures), `visible` on Image, ImageCarousel and NavigationList, and a
// component-level `on-select-action`/`on-unselect-action` on ChipsSelector (SPEC E.9, 6.3 / 7.1).
const LISTS = {
  TextHeading: ['text', 'visible'],
  TextSubheading: ['text', 'visible'],
  TextBody: ['text', 'font-weight', 'strikethrough', 'visible', 'markdown'],
  TextCaption: ['text', 'font-weight', 'strikethrough', 'visible', 'markdown'],
  RichText: ['text', 'visible'],
  TextInput: [
    'name',
    'label',
    'label-variant',
    'input-type',
    'pattern',
    'required',
    'min-chars',
    'max-chars',
    'helper-text',
    'enabled',
    'visible',
    'init-value',
    'error-message',
  ],
  TextArea: [
    'name',
    'label',
    'label-variant',
    'required',
    'max-length',
    'helper-text',
    'enabled',
    'visible',
    'init-value',
    'error-message',
  ],
  CheckboxGroup: [
    'name',
    'data-source',
    'label',
    'description',
    'min-selected-items',
    'max-selected-items',
    'required',
    'enabled',
    'visible',
    'on-select-action',
    'init-value',
    'error-message',
    'media-size',
  ],
  // "as CheckboxGroup minus min/max selected" (SPEC E.5).
  RadioButtonsGroup: [
    'name',
    'data-source',
    'label',
    'description',
    'required',
    'enabled',
    'visible',
    'on-select-action',
    'init-value',
    'error-message',
    'media-size',
  ],
  Dropdown: [
    'name',
    'label',
    'data-source',
    'required',
    'enabled',
    'visible',
    'on-select-action',
    'init-value',
    'error-message',
  ],
  ChipsSelector: [
    'name',
    'label',
    'data-source',
    'description',
    'min-selected-items',
    'max-selected-items',
    'required',
    'enabled',
    'visible',
    'on-select-action',
    'on-unselect-action',
    'init-value',
    'error-message',
  ],
  DatePicker: [
    'name',
    'label',
    'min-date',
    'max-date',
    'unavailable-dates',
    'helper-text',
    'required',
    'enabled',
    'visible',
    'on-select-action',
    'init-value',
    'error-message',
  ],
  CalendarPicker: [
    'name',
    'label',
    'mode',
    'title',
    'description',
    'min-date',
    'max-date',
    'unavailable-dates',
    'include-days',
    'min-days',
    'max-days',
    'helper-text',
    'required',
    'enabled',
    'visible',
    'on-select-action',
    'init-value',
    'error-message',
  ],
  OptIn: ['name', 'label', 'required', 'visible', 'on-click-action', 'init-value'],
  EmbeddedLink: ['text', 'on-click-action', 'visible'],
  Footer: ['label', 'on-click-action', 'left-caption', 'right-caption', 'center-caption', 'enabled'],
  Image: ['src', 'width', 'height', 'scale-type', 'aspect-ratio', 'alt-text', 'visible'],
  ImageCarousel: ['images', 'aspect-ratio', 'scale-type', 'visible'],
  If: ['condition', 'then', 'else'],
  Switch: ['value', 'cases'],
  NavigationList: ['name', 'list-items', 'label', 'description', 'media-size', 'on-click-action', 'visible'],
  // SPEC B.1. There are no `file_types` / `max_size_mb` (SPEC F.1).
  PhotoPicker: [
    'name',
    'label',
    'description',
    'photo-source',
    'max-file-size-kb',
    'min-uploaded-photos',
    'max-uploaded-photos',
    'enabled',
    'visible',
    'error-message',
  ],
  // "same as PhotoPicker minus photo-source" (SPEC B.1).
  DocumentPicker: [
    'name',
    'label',
    'description',
    'max-file-size-kb',
    'min-uploaded-documents',
    'max-uploaded-documents',
    'allowed-mime-types',
    'enabled',
    'visible',
    'error-message',
  ],
  Form: ['name', 'children', 'init-values', 'error-messages'],
} as const satisfies { readonly [T in ComponentType]: readonly PropOf<T>[] };

/** A property an interface in components.ts declares but its list above leaves out; must be never. */
type Unlisted = { [T in ComponentType]: Exclude<PropOf<T>, (typeof LISTS)[T][number]> }[ComponentType];
const _everyPropListed: [Unlisted] extends [never] ? true : Unlisted = true;

const toSet = (keys: readonly string[]): ReadonlySet<string> => new Set(keys);

/** The keys a component of each type may have, `type` included. */
export const COMPONENT_PROPS: Readonly<Record<ComponentType, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(LISTS).map(([type, keys]) => [type, toSet(['type', ...keys])]),
) as Record<ComponentType, ReadonlySet<string>>;

/** Options of CheckboxGroup, RadioButtonsGroup and Dropdown (SPEC E.5; image/alt-text/color 5.0, actions 6.0). */
export const DATA_SOURCE_ITEM_PROPS = toSet([
  'id',
  'title',
  'description',
  'metadata',
  'enabled',
  'image',
  'alt-text',
  'color',
  'on-select-action',
  'on-unselect-action',
] satisfies (keyof DataSourceItem)[]);

/** ChipsSelector options are narrower: `id,title,enabled,on-select-action,on-unselect-action` (SPEC E.5). */
export const CHIPS_ITEM_PROPS = toSet([
  'id',
  'title',
  'enabled',
  'on-select-action',
  'on-unselect-action',
] satisfies (keyof DataSourceItem)[]);

/** NavigationList items and their parts (SPEC E.5). */
export const NAVIGATION_ITEM_PROPS = toSet([
  'id',
  'main-content',
  'start',
  'end',
  'badge',
  'tags',
  'on-click-action',
] satisfies (keyof NavigationItem)[]);

export const NAVIGATION_PART_PROPS: Readonly<Record<string, ReadonlySet<string>>> = {
  'main-content': toSet(['title', 'description', 'metadata'] satisfies (keyof NavigationItem['main-content'])[]),
  start: toSet(['image', 'alt-text'] satisfies (keyof NonNullable<NavigationItem['start']>)[]),
  end: toSet(['title', 'description', 'metadata'] satisfies (keyof NonNullable<NavigationItem['end']>)[]),
};

type CarouselImage = Extract<ImageCarousel['images'], readonly unknown[]>[number];
export const CAROUSEL_IMAGE_PROPS = toSet(['src', 'alt-text'] satisfies (keyof CarouselImage)[]);

type ActionPropLists = { readonly [N in ActionName]: readonly (keyof Extract<Action, { name: N }> & string)[] };

/** The shapes of SPEC E.6: every action has a name and a payload, except open_url ("no payload"). */
export const ACTION_PROPS: Readonly<Record<ActionName, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries({
    navigate: ['name', 'next', 'payload'],
    complete: ['name', 'payload'],
    data_exchange: ['name', 'payload'],
    update_data: ['name', 'payload'],
    open_url: ['name', 'url'],
  } satisfies ActionPropLists).map(([name, keys]) => [name, toSet(keys)]),
) as Record<ActionName, ReadonlySet<string>>;

/** `next` of a navigate action: `{"type": "screen", "name": "NEXT"}` (SPEC E.6). */
export const NAVIGATE_NEXT_PROPS = toSet(['type', 'name']);

/** CalendarPicker properties that exist in range mode only (SPEC E.5). */
export const CALENDAR_RANGE_ONLY_PROPS: readonly string[] = ['title', 'description', 'min-days', 'max-days'];
