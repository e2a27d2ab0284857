// Unknown property keys below the screen level (SPEC E.1: "Unknown properties are rejected",
// INVALID_PROPERTY_KEY): on components, data-source options, NavigationList items, carousel images
// and actions, plus CalendarPicker's range-only properties in single mode. The allowed keys are in
// catalog-props.ts; keys that exist only from a later version are rules-components.ts' concern.

import {
  ACTION_PROPS,
  CALENDAR_RANGE_ONLY_PROPS,
  CAROUSEL_IMAGE_PROPS,
  CHIPS_ITEM_PROPS,
  COMPONENT_PROPS,
  DATA_SOURCE_ITEM_PROPS,
  NAVIGATION_ITEM_PROPS,
  NAVIGATION_PART_PROPS,
} from './catalog-props.js';
import { isComponentType } from './catalog.js';
import type { ComponentType } from './components.js';
import type { Ctx } from './context.js';
import { type ActionVisit, type ComponentVisit, type Json, asArray, asString, isObject, joinPath } from './walk.js';

/** Why a key people reach for does not exist, where SPEC says so. */
const HINTS: Readonly<Record<string, string>> = {
  file_types: " There is no MediaUpload: DocumentPicker restricts files with 'allowed-mime-types' (SPEC F.1).",
  max_size_mb: " There is no MediaUpload: pickers limit size with 'max-file-size-kb', in KiB (SPEC F.1).",
  'DocumentPicker.photo-source': " Only PhotoPicker has 'photo-source'.",
  'RadioButtonsGroup.min-selected-items': ' A RadioButtonsGroup selects exactly one option; use a CheckboxGroup.',
  'RadioButtonsGroup.max-selected-items': ' A RadioButtonsGroup selects exactly one option; use a CheckboxGroup.',
};

/** HINTS' own entry for `key` ('constructor', 'toString' and the like are keys too, not Object's). */
function hintFor(key: string): string | undefined {
  return Object.hasOwn(HINTS, key) ? HINTS[key] : undefined;
}

/** Reports every key of `node` not in `allowed`; `owner` names the object in the message. */
export function checkKeys(
  ctx: Ctx,
  node: Json,
  allowed: ReadonlySet<string>,
  path: string,
  owner: string,
  hintPrefix = '',
): void {
  for (const key of Object.keys(node)) {
    if (allowed.has(key)) continue;
    const hint = hintFor(`${hintPrefix}.${key}`) ?? hintFor(key) ?? '';
    ctx.report(
      'INVALID_PROPERTY_KEY',
      joinPath(path, key),
      `Property '${key}' cannot be specified at ${owner}.${hint}`,
    );
  }
}

function describe(visit: ComponentVisit, type: string): string {
  const name = asString(visit.node.name);
  return name === undefined ? type : `${type} '${name}'`;
}

function checkItems(ctx: Ctx, visit: ComponentVisit, key: string, allowed: ReadonlySet<string>, owner: string): void {
  const path = joinPath(visit.path, key);
  asArray(visit.node[key]).forEach((item, index) => {
    if (isObject(item)) checkKeys(ctx, item, allowed, joinPath(path, index), owner);
  });
}

function checkNavigationItems(ctx: Ctx, visit: ComponentVisit): void {
  const path = joinPath(visit.path, 'list-items');
  asArray(visit.node['list-items']).forEach((item, index) => {
    if (!isObject(item)) return;
    const itemPath = joinPath(path, index);
    checkKeys(ctx, item, NAVIGATION_ITEM_PROPS, itemPath, 'a NavigationList item');
    for (const [part, allowed] of Object.entries(NAVIGATION_PART_PROPS)) {
      const value = item[part];
      if (isObject(value)) checkKeys(ctx, value, allowed, joinPath(itemPath, part), `a NavigationList item's ${part}`);
    }
  });
}

/** Properties a range CalendarPicker may give per range end ({"start-date", "end-date"}); single mode has one. */
const CALENDAR_PER_END_PROPS = ['label', 'helper-text', 'required'] as const;

/**
 * `title`, `description`, `min-days` and `max-days` belong to range mode (SPEC E.5), and so do per-end
 * values of label, helper-text and required; single is the default.
 */
function checkCalendarMode(ctx: Ctx, visit: ComponentVisit): void {
  const mode = visit.node.mode;
  if (mode !== undefined && mode !== 'single') return;
  const modeNote = `(mode is ${mode === undefined ? 'single by default' : 'single'})`;
  for (const key of CALENDAR_RANGE_ONLY_PROPS) {
    if (visit.node[key] === undefined) continue;
    ctx.report(
      'INVALID_PROPERTY_KEY',
      joinPath(visit.path, key),
      `Property '${key}' of ${describe(visit, 'CalendarPicker')} is only allowed with mode "range" ${modeNote}.`,
    );
  }
  for (const key of CALENDAR_PER_END_PROPS) {
    if (!isObject(visit.node[key])) continue;
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(visit.path, key),
      `Property '${key}' of ${describe(visit, 'CalendarPicker')} takes a value per range end only with mode "range" ${modeNote}.`,
    );
  }
}

export function checkComponentKeys(ctx: Ctx, visit: ComponentVisit, type: ComponentType): void {
  checkKeys(ctx, visit.node, COMPONENT_PROPS[type], visit.path, describe(visit, type), type);
  if (type === 'CalendarPicker') checkCalendarMode(ctx, visit);
  if (type === 'ChipsSelector') checkItems(ctx, visit, 'data-source', CHIPS_ITEM_PROPS, 'a ChipsSelector option');
  if (type === 'CheckboxGroup' || type === 'RadioButtonsGroup' || type === 'Dropdown')
    checkItems(ctx, visit, 'data-source', DATA_SOURCE_ITEM_PROPS, 'a data-source item');
  if (type === 'NavigationList') checkNavigationItems(ctx, visit);
  if (type === 'ImageCarousel') checkItems(ctx, visit, 'images', CAROUSEL_IMAGE_PROPS, 'a carousel image');
}

/**
 * Whether the object holding the action may have that event at all; when it may not, the key itself
 * is the finding (checkComponentKeys) and the action is not checked further.
 */
export function eventAllowed(visit: ActionVisit): boolean {
  if (visit.owner === 'NavigationList.item') return NAVIGATION_ITEM_PROPS.has(visit.event);
  const type = visit.component.type;
  if (!isComponentType(type)) return true;
  if (visit.owner === 'component') return COMPONENT_PROPS[type].has(visit.event);
  if (!COMPONENT_PROPS[type].has('data-source')) return false;
  return (type === 'ChipsSelector' ? CHIPS_ITEM_PROPS : DATA_SOURCE_ITEM_PROPS).has(visit.event);
}

/** The keys an action with this (known) name may have. */
export function actionProps(name: string): ReadonlySet<string> | undefined {
  return Object.hasOwn(ACTION_PROPS, name) ? ACTION_PROPS[name as keyof typeof ACTION_PROPS] : undefined;
}
