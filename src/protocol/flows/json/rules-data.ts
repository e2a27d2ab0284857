// Rules on each screen's declared `data` model (SPEC E.2): every field has a `type` among string,
// number, boolean, object, array; arrays have `items`; `__example__` is mandatory at the top
// level only, matches the type, and is never null.

import type { Ctx } from './context.js';
import { type Json, isObject, joinPath } from './walk.js';

const TYPES = new Set(['string', 'number', 'boolean', 'object', 'array']);

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Checks one schema node; `top` is true for the fields directly under `data`. */
function checkSchema(ctx: Ctx, schema: unknown, path: string, top: boolean): void {
  if (!isObject(schema)) {
    ctx.report('INVALID_SCREEN_DATA', path, `Expected the data model entry at ${path} to be an object.`);
    return;
  }
  const type = schema.type;
  if (type === undefined) {
    ctx.report('INVALID_SCREEN_DATA', path, "Missing the definition of property 'type'.");
  } else if (typeof type !== 'string') {
    ctx.report('INVALID_SCREEN_DATA', joinPath(path, 'type'), "Expected the property 'type' to be of type string.");
  } else if (!TYPES.has(type)) {
    ctx.report(
      'INVALID_SCREEN_DATA',
      joinPath(path, 'type'),
      `Data type "${type}" is not one of string, number, boolean, object, array.`,
    );
  }
  if (!top && '__example__' in schema) {
    ctx.report(
      'INVALID_SCREEN_DATA',
      joinPath(path, '__example__'),
      `Property '__example__' is allowed only as a top level property of data model. Invalid entry: '${path}'.`,
    );
  }
  if (top) checkExample(ctx, schema, path, typeof type === 'string' ? type : undefined);
  if (type === 'array') {
    if (schema.items === undefined) {
      ctx.report('INVALID_SCREEN_DATA', path, "Missing the schema for property 'items' in array.");
    } else if (isObject(schema.items)) {
      checkSchema(ctx, schema.items, joinPath(path, 'items'), false);
    } else if (typeof schema.items !== 'boolean') {
      ctx.report(
        'INVALID_SCREEN_DATA',
        joinPath(path, 'items'),
        "Expected the property 'items' to be of type boolean or object.",
      );
    }
  }
  if (isObject(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties)) {
      const childPath = joinPath(joinPath(path, 'properties'), key);
      if (key === '__example__') {
        ctx.report(
          'INVALID_SCREEN_DATA',
          childPath,
          `Property '__example__' is allowed only as a top level property of data model. Invalid entry: '${childPath}'.`,
        );
        continue;
      }
      checkSchema(ctx, child, childPath, false);
    }
  }
}

function checkExample(ctx: Ctx, schema: Json, path: string, type: string | undefined): void {
  if (!('__example__' in schema)) {
    ctx.report('INVALID_SCREEN_DATA', path, `Data model field ${path} is missing its mandatory '__example__'.`);
    return;
  }
  const found = jsonType(schema.__example__);
  if (found === 'null') {
    ctx.report(
      'INVALID_SCREEN_DATA',
      joinPath(path, '__example__'),
      'null is not supported in the data model; omit the property or use an empty value instead.',
    );
    return;
  }
  if (type !== undefined && TYPES.has(type) && found !== type) {
    ctx.report(
      'INVALID_SCREEN_DATA',
      joinPath(path, '__example__'),
      `Invalid data model schema. Expected property '__example__' to be of type ${type}, but found ${found}.`,
    );
    return;
  }
  // Inside, the example follows the schema too, and holds no null (SPEC E.2: Flows type-check data).
  const inner = exampleMismatch(schema, schema.__example__, joinPath(path, '__example__'));
  if (inner !== null) ctx.report('INVALID_SCREEN_DATA', inner.path, inner.message);
}

/** Where an example's items or properties break their schema (or hold null), or null when none does. */
function exampleMismatch(schema: Json, value: unknown, path: string): { path: string; message: string } | null {
  const found = jsonType(value);
  if (found === 'null')
    return { path, message: 'null is not supported in the data model; omit the property or use an empty value instead.' };
  const type = schema.type;
  if (typeof type === 'string' && TYPES.has(type) && found !== type)
    return { path, message: `Invalid data model example: expected ${path} to be of type ${type}, but found ${found}.` };
  if (Array.isArray(value)) {
    const items = isObject(schema.items) ? schema.items : null;
    for (const [i, item] of value.entries()) {
      const problem = items === null ? nullInside(item, `${path}[${i}]`) : exampleMismatch(items, item, `${path}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const [key, child] of Object.entries(value)) {
      const sub = properties[key];
      const childPath = joinPath(path, key);
      const problem = isObject(sub) ? exampleMismatch(sub, child, childPath) : nullInside(child, childPath);
      if (problem !== null) return problem;
    }
  }
  return null;
}

/** A value with no schema of its own may be anything but null. */
function nullInside(value: unknown, path: string): { path: string; message: string } | null {
  return exampleMismatch({}, value, path);
}

export function checkScreenData(ctx: Ctx): void {
  for (const screen of ctx.screens) {
    const data = screen.node.data;
    if (data === undefined) continue;
    const dataPath = joinPath(screen.path, 'data');
    if (!isObject(data)) {
      ctx.report('INVALID_PROPERTY_TYPE', dataPath, "Expected property 'data' to be an object.");
      continue;
    }
    for (const [key, schema] of Object.entries(data)) checkSchema(ctx, schema, joinPath(dataPath, key), true);
  }
}
