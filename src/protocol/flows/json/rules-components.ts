// Per-component property rules (SPEC E.5, B.1, E.9): known type and its first version, required
// properties, unknown keys (rules-keys.ts), version-gated properties, character limits,
// enumerations, numeric ranges, min ≤ max, property types, Footer captions, TextInput pattern, and
// date formats.

import {
  COMPONENTS,
  ENUMS,
  LENIENT_LIMITS,
  MIN_MAX_PAIRS,
  NUMERIC_RANGES,
  WEEKDAYS,
  isComponentType,
} from './catalog.js';
import { DOCUMENT_MIME_TYPES } from './components.js';
import type { Ctx } from './context.js';
import { checkComponentKeys } from './rules-keys.js';
import { type ComponentVisit, asString, charCount, isDynamic, isObject, joinPath } from './walk.js';

const BOOLEAN_PROPS = ['required', 'visible', 'enabled', 'strikethrough', 'markdown'];
const NUMBER_PROPS = [
  'min-chars',
  'max-chars',
  'max-length',
  'min-selected-items',
  'max-selected-items',
  'min-days',
  'max-days',
  'max-file-size-kb',
  'min-uploaded-photos',
  'max-uploaded-photos',
  'min-uploaded-documents',
  'max-uploaded-documents',
  'width',
  'height',
];
const TEXT_COMPONENTS = new Set(['TextHeading', 'TextSubheading', 'TextBody', 'TextCaption']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function label(visit: ComponentVisit): string {
  const name = asString(visit.node.name);
  return name === undefined ? (visit.type ?? 'component') : `${visit.type ?? 'component'} '${name}'`;
}

/** The type is present, known and available in this version. False when nothing more can be checked. */
function checkType(ctx: Ctx, visit: ComponentVisit): boolean {
  const type = visit.node.type;
  const path = joinPath(visit.path, 'type');
  if (type === undefined) {
    ctx.report('MISSING_REQUIRED_TYPE_PROPERTY', path, "Required property 'type' is missing.");
    return false;
  }
  if (typeof type !== 'string') {
    ctx.report('INVALID_PROPERTY_TYPE', path, "Expected property 'type' to be of type string.");
    return false;
  }
  if (!isComponentType(type)) {
    const hint = /^media[-_ ]?upload$/i.test(type)
      ? ' There is no MediaUpload component: use PhotoPicker or DocumentPicker.'
      : '';
    ctx.report('INVALID_PROPERTY_VALUE', path, `Unknown component type "${type}".${hint}`);
    return false;
  }
  const since = COMPONENTS[type].since;
  if (!ctx.atLeast(since)) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      path,
      `Component ${type} requires Flow JSON ${since} or later (flow uses ${ctx.version}).`,
    );
  }
  return true;
}

function checkRequiredAndGated(ctx: Ctx, visit: ComponentVisit, type: keyof typeof COMPONENTS): void {
  const spec = COMPONENTS[type];
  const required = [...spec.required];
  for (const [prop, since] of Object.entries(spec.requiredSince ?? {})) if (ctx.atLeast(since)) required.push(prop);
  for (const prop of required) {
    if (visit.node[prop] === undefined) {
      ctx.report(
        'MISSING_REQUIRED_TYPE_PROPERTY',
        joinPath(visit.path, prop),
        `Required property '${prop}' is missing on ${label(visit)}.`,
      );
    }
  }
  for (const [prop, since] of Object.entries(spec.propsSince ?? {})) {
    if (visit.node[prop] !== undefined && !ctx.atLeast(since)) {
      ctx.report(
        'INVALID_PROPERTY_KEY',
        joinPath(visit.path, prop),
        `Property '${prop}' cannot be specified at ${type} before Flow JSON ${since} (flow uses ${ctx.version}).`,
      );
    }
  }
}

/** The static text of a property: strings, string arrays (joined by lines), per-range objects. */
function staticTexts(value: unknown, path: string): { text: string; path: string }[] {
  if (typeof value === 'string') return isDynamic(value) ? [] : [{ text: value, path }];
  if (Array.isArray(value)) {
    if (value.some((line) => typeof line !== 'string' || isDynamic(line))) return [];
    return [{ text: value.join('\n'), path }];
  }
  if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => staticTexts(item, joinPath(path, key)));
  return [];
}

function checkLimits(ctx: Ctx, visit: ComponentVisit, type: keyof typeof COMPONENTS): void {
  for (const [prop, max] of Object.entries(COMPONENTS[type].maxChars ?? {})) {
    for (const { text, path } of staticTexts(visit.node[prop], joinPath(visit.path, prop))) {
      const count = charCount(text);
      if (count <= max) continue;
      const severity = LENIENT_LIMITS.has(`${type}.${prop}`) ? 'warning' : 'error';
      ctx.report(
        'INVALID_PROPERTY_VALUE',
        path,
        `${type} '${prop}' is ${count} characters; the limit is ${max}.`,
        severity,
      );
    }
  }
  if (TEXT_COMPONENTS.has(type)) {
    const text = visit.node.text;
    const blank = typeof text === 'string' ? text.trim() === '' : Array.isArray(text) && text.length === 0;
    if (blank)
      ctx.report('MIN_CHARS_REQUIRED', joinPath(visit.path, 'text'), `${type} 'text' should not be blank or empty.`);
  }
}

function checkEnums(ctx: Ctx, visit: ComponentVisit, type: keyof typeof COMPONENTS): void {
  for (const [prop, allowed] of Object.entries(ENUMS[type] ?? {})) {
    const value = visit.node[prop];
    if (value === undefined || isDynamic(value)) continue;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      ctx.report(
        'INVALID_ENUM_VALUE',
        joinPath(visit.path, prop),
        `Value should be one of: [${allowed.join(', ')}]; found ${JSON.stringify(value)}.`,
      );
    }
  }
}

function checkTypes(ctx: Ctx, visit: ComponentVisit): void {
  for (const prop of BOOLEAN_PROPS) {
    const value = visit.node[prop];
    if (value === undefined || typeof value === 'boolean' || isDynamic(value)) continue;
    if (visit.type === 'CalendarPicker' && prop === 'required' && isObject(value)) continue;
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(visit.path, prop),
      `Expected property '${prop}' to be of type boolean, but found ${JSON.stringify(value)}.`,
    );
  }
  for (const prop of NUMBER_PROPS) {
    const value = visit.node[prop];
    if (value === undefined || typeof value === 'number' || isDynamic(value)) continue;
    if (typeof value === 'string') {
      ctx.report(
        'PATTERN_MISMATCH',
        joinPath(visit.path, prop),
        `Property '${prop}' must be a number or a string of the form \${data.___}.`,
      );
    } else {
      ctx.report(
        'INVALID_PROPERTY_TYPE',
        joinPath(visit.path, prop),
        `Expected property '${prop}' to be of type number, but found ${JSON.stringify(value)}.`,
      );
    }
  }
}

function checkNumbers(ctx: Ctx, visit: ComponentVisit, type: keyof typeof COMPONENTS): void {
  for (const [prop, [min, max]] of Object.entries(NUMERIC_RANGES[type] ?? {})) {
    const value = visit.node[prop];
    if (typeof value !== 'number') continue;
    const path = joinPath(visit.path, prop);
    if (!Number.isInteger(value)) ctx.report('INVALID_PROPERTY_VALUE', path, `Property '${prop}' must be an integer.`);
    if (value < min)
      ctx.report('MINIMUM_VALUE_REQUIRED', path, `The minimum value allowed for property '${prop}' is ${min}.`);
    if (value > max)
      ctx.report('MAXIMUM_VALUE_REQUIRED', path, `The maximum value allowed for property '${prop}' is ${max}.`);
  }
  for (const [minProp, maxProp] of MIN_MAX_PAIRS[type] ?? []) {
    const low = visit.node[minProp];
    const high = visit.node[maxProp];
    if (typeof low === 'number' && typeof high === 'number' && low > high) {
      ctx.report(
        'MIN_VALUE_GREATER_THAN_MAX',
        joinPath(visit.path, minProp),
        `${minProp} cannot be greater than ${maxProp} for ${label(visit)} (${low} > ${high}).`,
      );
    }
  }
}

function checkMimeTypes(ctx: Ctx, visit: ComponentVisit): void {
  const value = visit.node['allowed-mime-types'];
  if (value === undefined || isDynamic(value)) return;
  const path = joinPath(visit.path, 'allowed-mime-types');
  if (!Array.isArray(value)) {
    ctx.report('INVALID_PROPERTY_TYPE', path, "Expected property 'allowed-mime-types' to be an array of strings.");
    return;
  }
  value.forEach((mime, index) => {
    if (typeof mime !== 'string' || !(DOCUMENT_MIME_TYPES as readonly string[]).includes(mime)) {
      ctx.report(
        'INVALID_ENUM_VALUE',
        joinPath(path, index),
        `MIME type ${JSON.stringify(mime)} is not supported by DocumentPicker.`,
      );
    }
  });
}

function checkFooter(ctx: Ctx, visit: ComponentVisit): void {
  const node = visit.node;
  const left = node['left-caption'] !== undefined;
  const right = node['right-caption'] !== undefined;
  if (left !== right) {
    const [has, needs] = left ? ['left-caption', 'right-caption'] : ['right-caption', 'left-caption'];
    ctx.report(
      'INVALID_DEPENDENCIES',
      joinPath(visit.path, has),
      `Footer should have property ${needs} when property ${has} is present.`,
    );
  }
  if (node['center-caption'] !== undefined && (left || right)) {
    ctx.report(
      'NOT_KEYWORD_SCHEMA_VALIDATION_FAILED',
      joinPath(visit.path, 'center-caption'),
      "Only one of 'center-caption' and ['left-caption', 'right-caption'] can be specified at Footer.",
    );
  }
}

function checkTextInput(ctx: Ctx, visit: ComponentVisit): void {
  if (visit.node.pattern !== undefined && visit.node['helper-text'] === undefined) {
    ctx.report(
      'INVALID_DEPENDENCIES',
      joinPath(visit.path, 'pattern'),
      "TextInput with a 'pattern' needs a 'helper-text' explaining it.",
    );
  }
  if (visit.form !== undefined) {
    for (const prop of ['init-value', 'error-message']) {
      if (visit.node[prop] !== undefined) {
        ctx.report(
          'INVALID_PROPERTY_KEY',
          joinPath(visit.path, prop),
          `Property '${prop}' of ${label(visit)} is only allowed outside a Form; use the Form's ${prop}s instead.`,
        );
      }
    }
  }
}

/** Date properties: `YYYY-MM-DD` for CalendarPicker and for DatePicker from 5.0; min ≤ max. */
function checkDates(ctx: Ctx, visit: ComponentVisit): void {
  const iso = visit.type === 'CalendarPicker' || ctx.atLeast('5.0');
  const check = (value: unknown, path: string): void => {
    if (typeof value === 'string' && !isDynamic(value) && iso && !ISO_DATE.test(value)) {
      ctx.report(
        'INVALID_PROPERTY_VALUE_FORMAT',
        path,
        `Date ${JSON.stringify(value)} should be in 'YYYY-MM-DD' format.`,
      );
    }
  };
  for (const prop of ['min-date', 'max-date', 'init-value']) {
    const value = visit.node[prop];
    const path = joinPath(visit.path, prop);
    if (isObject(value)) for (const [key, item] of Object.entries(value)) check(item, joinPath(path, key));
    else check(value, path);
  }
  const unavailable = visit.node['unavailable-dates'];
  if (Array.isArray(unavailable))
    unavailable.forEach((date, index) => {
      check(date, joinPath(joinPath(visit.path, 'unavailable-dates'), index));
    });
  const low = visit.node['min-date'];
  const high = visit.node['max-date'];
  if (typeof low === 'string' && typeof high === 'string' && !isDynamic(low) && !isDynamic(high)) {
    const bothIso = ISO_DATE.test(low) && ISO_DATE.test(high);
    const bothMs = /^\d+$/.test(low) && /^\d+$/.test(high);
    const greater = bothIso ? low > high : bothMs && Number(low) > Number(high);
    if (greater) {
      ctx.report(
        'MIN_VALUE_GREATER_THAN_MAX',
        joinPath(visit.path, 'min-date'),
        `min-date cannot be greater than max-date for ${label(visit)}.`,
      );
    }
  }
  const days = visit.node['include-days'];
  if (Array.isArray(days)) {
    days.forEach((day, index) => {
      if (typeof day !== 'string' || !WEEKDAYS.includes(day)) {
        ctx.report(
          'INVALID_ENUM_VALUE',
          joinPath(joinPath(visit.path, 'include-days'), index),
          `Value should be one of: [${WEEKDAYS.join(', ')}].`,
        );
      }
    });
  }
}

/** SPEC E.7: expressions are not allowed in `name` (nor in `type`, which an unknown type catches). */
function checkStaticName(ctx: Ctx, visit: ComponentVisit): void {
  const name = visit.node.name;
  if (typeof name !== 'string' || !(name.includes('${') || name.includes('`'))) return;
  ctx.report(
    'INVALID_PROPERTY_VALUE',
    joinPath(visit.path, 'name'),
    `A component name must be a plain string, not an expression (found ${JSON.stringify(name.slice(0, 60))}).`,
  );
}

export function checkComponent(ctx: Ctx, visit: ComponentVisit): void {
  if (!checkType(ctx, visit)) return;
  const type = visit.type;
  if (!isComponentType(type)) return;
  checkStaticName(ctx, visit);
  checkRequiredAndGated(ctx, visit, type);
  checkComponentKeys(ctx, visit, type);
  checkLimits(ctx, visit, type);
  checkEnums(ctx, visit, type);
  checkTypes(ctx, visit);
  checkNumbers(ctx, visit, type);
  if (type === 'DocumentPicker') checkMimeTypes(ctx, visit);
  if (type === 'Footer') checkFooter(ctx, visit);
  if (type === 'TextInput') checkTextInput(ctx, visit);
  if (type === 'DatePicker' || type === 'CalendarPicker') checkDates(ctx, visit);
}
