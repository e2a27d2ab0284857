// Types of navigate payload values against the next screen's data model (SPEC E.6: the payload
// becomes the next screen's `${data.*}` and must match its declared types, else
// INVALID_NAVIGATE_ACTION_PAYLOAD; E.2: types are string/number/boolean/object/array, no null).
// Literals are checked all the way down where the schema declares `items`/`properties`; a value
// that is exactly one reference is checked when the referenced type is known for certain, and
// nested expressions are left alone (their type depends on the operators).

import type { Ctx, ScreenInfo } from './context.js';
import { isExpression, isSingleReference } from './references.js';
import type { DataSchemaType } from './types.js';
import { type ComponentVisit, type Json, isObject, joinPath } from './walk.js';

const TYPES: ReadonlySet<string> = new Set<DataSchemaType>(['string', 'number', 'boolean', 'object', 'array']);

/** TextInput types whose value is text; number and passcode are left out, SPEC E.5 does not say. */
const TEXT_INPUT_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'password', 'phone']);

function schemaType(schema: unknown): DataSchemaType | undefined {
  if (!isObject(schema) || typeof schema.type !== 'string' || !TYPES.has(schema.type)) return undefined;
  return schema.type as DataSchemaType;
}

function literalType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The type of the value an input component puts into `${form.<name>}`, when it is fixed. */
function componentValueType(visit: ComponentVisit): DataSchemaType | undefined {
  switch (visit.type) {
    case 'CheckboxGroup':
    case 'ChipsSelector':
      return 'array';
    case 'RadioButtonsGroup':
    case 'Dropdown':
    case 'TextArea':
    case 'DatePicker':
      return 'string';
    case 'OptIn':
      return 'boolean';
    case 'CalendarPicker': {
      const mode = visit.node.mode ?? 'single';
      if (mode === 'single') return 'string';
      return mode === 'range' ? 'object' : undefined;
    }
    case 'TextInput': {
      const inputType = visit.node['input-type'] ?? 'text';
      return typeof inputType === 'string' && TEXT_INPUT_TYPES.has(inputType) ? 'string' : undefined;
    }
    default:
      return undefined;
  }
}

/** Declared type behind `a.b.c` in a screen's data model, following object `properties`. */
function dataPathType(owner: ScreenInfo, segments: readonly string[]): DataSchemaType | undefined {
  let holder: unknown = owner.node.data;
  let schema: unknown;
  for (const segment of segments) {
    if (!isObject(holder) || !Object.hasOwn(holder, segment)) return undefined;
    schema = holder[segment];
    holder = isObject(schema) && schema.type === 'object' ? schema.properties : undefined;
  }
  return schemaType(schema);
}

/** Type of a single `${data.x}`, `${form.x}` or `${screen.ID.(data|form).x}` reference, if certain. */
function referenceType(ctx: Ctx, screen: ScreenInfo, text: string): DataSchemaType | undefined {
  const body = /^\s*\$\{\s*([^}]*?)\s*\}\s*$/.exec(text)?.[1];
  if (body === undefined || !/^[\w.]+$/.test(body)) return undefined;
  const parts = body.split('.');
  let owner: ScreenInfo | undefined = screen;
  if (parts[0] === 'screen') {
    owner = ctx.byId.get(parts[1] ?? '');
    parts.splice(0, 2);
  }
  if (owner === undefined || parts.length < 2) return undefined;
  const [scope, ...segments] = parts;
  if (scope === 'data') return dataPathType(owner, segments);
  if (scope !== 'form' || segments.length !== 1) return undefined;
  const component = owner.named.get(segments[0] ?? '');
  return component === undefined ? undefined : componentValueType(component);
}

interface Target {
  readonly screen: ScreenInfo;
  readonly next: ScreenInfo;
  readonly field: string;
}

function checkValue(ctx: Ctx, target: Target, value: unknown, schema: unknown, path: string): void {
  const expected = schemaType(schema);
  if (expected === undefined || !isObject(schema)) return;
  const nextId = target.next.id ?? '';
  if (typeof value === 'string' && (isExpression(value) || value.includes('${'))) {
    if (!isSingleReference(value)) return;
    const found = referenceType(ctx, target.screen, value);
    if (found === undefined || found === expected) return;
    ctx.report(
      'INVALID_NAVIGATE_ACTION_PAYLOAD',
      path,
      `Schema of dynamic data '${value.trim()}' is not matching schema of data model field '${target.field}' on screen '${nextId}'. Property is expecting '${expected}' but got '${found}'.`,
    );
    return;
  }
  const found = literalType(value);
  if (found !== expected) {
    const hint = found === 'null' ? ' null is not supported; omit the property or send an empty value.' : '';
    ctx.report(
      'INVALID_NAVIGATE_ACTION_PAYLOAD',
      path,
      `Schema of payload data at '${path}' on screen '${target.screen.id ?? ''}' is not matching with schema of data model field '${target.field}' on screen '${nextId}'. Property is expecting '${expected}' but got ${found}.${hint}`,
    );
    return;
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items;
    value.forEach((item, index) => {
      checkValue(ctx, target, item, items, joinPath(path, index));
    });
  } else if (isObject(value) && isObject(schema.properties)) {
    const properties = schema.properties;
    for (const [key, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) checkValue(ctx, target, item, properties[key], joinPath(path, key));
    }
  }
}

/** Checks each payload key the next screen declares against that declaration's type. */
export function checkNavigatePayloadTypes(
  ctx: Ctx,
  screen: ScreenInfo,
  next: ScreenInfo,
  payload: Json,
  payloadPath: string,
): void {
  const data = next.node.data;
  if (!isObject(data)) return;
  for (const [field, value] of Object.entries(payload)) {
    if (!Object.hasOwn(data, field)) continue;
    checkValue(ctx, { screen, next, field }, value, data[field], joinPath(payloadPath, field));
  }
}
