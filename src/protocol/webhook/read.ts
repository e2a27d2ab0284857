// Defensive readers for untrusted JSON. The parser reads every value through these instead of
// trusting the Wire* types, which is what lets parseWebhook promise it never throws.

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Own properties only: a message whose `type` is "constructor" or "__proto__" must not reach
 * Object.prototype members through a computed key.
 */
export function prop(obj: JsonRecord, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A string value (empty strings kept), else null. */
export function str(obj: JsonRecord, key: string): string | null {
  const value = prop(obj, key);
  return typeof value === 'string' ? value : null;
}

/** A non-empty string, else null. */
export function text(obj: JsonRecord, key: string): string | null {
  const value = prop(obj, key);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * An identifier: a non-empty string, or an integer sent as a JSON number (Meta's placeholder
 * samples and some SDKs emit numeric ids), rendered as its decimal string.
 */
export function idText(obj: JsonRecord, key: string): string | null {
  const value = prop(obj, key);
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

/** A finite number, or a string holding one ("12.5"); else null. */
export function num(obj: JsonRecord, key: string): number | null {
  const value = prop(obj, key);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

export function bool(obj: JsonRecord, key: string): boolean | null {
  const value = prop(obj, key);
  return typeof value === 'boolean' ? value : null;
}

export function rec(obj: JsonRecord, key: string): JsonRecord | null {
  const value = prop(obj, key);
  return isRecord(value) ? value : null;
}

export function list(obj: JsonRecord, key: string): unknown[] | null {
  const value = prop(obj, key);
  return Array.isArray(value) ? value : null;
}

/** Describes a bad value for error sentences without rendering a possibly huge structure. */
export function preview(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
