// The building blocks of Cloud API request validation: a failure type carrying Meta-style details
// ("Param text['body'] must be at most 4096 characters long.") and typed readers that throw it.

import { isRecord } from './graph-common.js';

export type Path = readonly (string | number)[];

const CAPTIONED = new Set(['document', 'image', 'video']);

/** A request Meta would refuse with (#100); `missing` names an absent required parameter. */
export class Invalid extends Error {
  override readonly name = 'InvalidParameter';
  constructor(
    readonly details: string,
    readonly missing?: string,
  ) {
    super(details);
  }
}

/** `text['body']` from ['text', 'body']. */
export function param(path: Path): string {
  const [head, ...rest] = path;
  return `${String(head)}${rest.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('')}`;
}

/** Length in characters (code points), as Meta counts. */
export function length(value: string): number {
  return value.length - (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

export function required(obj: Record<string, unknown>, key: string, path: Path): unknown {
  const value = obj[key];
  if (value === undefined || value === null)
    throw new Invalid(`The parameter ${param([...path, key])} is required.`, param([...path, key]));
  return value;
}

export function object(value: unknown, path: Path): Record<string, unknown> {
  if (!isRecord(value)) throw new Invalid(`Param ${param(path)} must be a JSON object.`);
  return value;
}

export function string(value: unknown, path: Path, min: number, max: number): string {
  if (typeof value !== 'string') throw new Invalid(`Param ${param(path)} must be a string.`);
  const n = length(value);
  if (n < min || (min > 0 && value.trim() === ''))
    throw new Invalid(`Param ${param(path)} must be at least ${min} character${min === 1 ? '' : 's'} long.`);
  if (n > max) throw new Invalid(`Param ${param(path)} must be at most ${max} characters long.`);
  return value;
}

export function requiredString(
  obj: Record<string, unknown>,
  key: string,
  path: Path,
  min: number,
  max: number,
): string {
  return string(required(obj, key, path), [...path, key], min, max);
}

export function optionalString(obj: Record<string, unknown>, key: string, path: Path, max: number): void {
  if (obj[key] !== undefined && obj[key] !== null) string(obj[key], [...path, key], 0, max);
}

export function array(value: unknown, path: Path, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) throw new Invalid(`Param ${param(path)} must be an array.`);
  if (value.length < min)
    throw new Invalid(`Param ${param(path)} must contain at least ${min} element${min === 1 ? '' : 's'}.`);
  if (value.length > max) throw new Invalid(`Param ${param(path)} must contain at most ${max} elements.`);
  return value;
}

export function oneOf(value: unknown, path: Path, allowed: readonly string[]): string {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new Invalid(
      `Param ${param(path)} must be one of {${allowed.map((a) => a.toUpperCase()).join(', ')}} - got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

export function media(type: string, value: unknown, mediaIds: string[]): void {
  const obj = object(value, [type]);
  const hasId = obj.id !== undefined && obj.id !== null;
  const hasLink = obj.link !== undefined && obj.link !== null;
  if (hasId === hasLink)
    throw new Invalid(`Param ${type} must contain exactly one of ${type}['id'] or ${type}['link'].`);
  if (hasId) mediaIds.push(string(typeof obj.id === 'number' ? String(obj.id) : obj.id, [type, 'id'], 1, 64));
  if (hasLink) {
    const link = string(obj.link, [type, 'link'], 1, 2048);
    if (!/^https?:\/\/[^\s]+$/i.test(link)) throw new Invalid(`Param ${type}['link'] must be a valid http(s) URL.`);
  }
  if (CAPTIONED.has(type)) optionalString(obj, 'caption', [type], 1024);
  else if (obj.caption !== undefined)
    throw new Invalid(`Param ${type}['caption'] is not supported for ${type} messages.`);
  if (type === 'document') optionalString(obj, 'filename', [type], 240);
}
