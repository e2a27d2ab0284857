// Dynamic references inside Flow JSON strings (SPEC E.7): `${data.x}`, `${form.x}` and the global
// `${screen.ID.form.x}` / `${screen.ID.data.x}` (4.0+), alone or inside a backtick expression (6.0+).

export type Reference =
  | { readonly kind: 'data'; readonly field: string; readonly raw: string }
  | { readonly kind: 'form'; readonly field: string; readonly raw: string }
  | {
      readonly kind: 'screen';
      readonly screen: string;
      readonly scope: 'form' | 'data';
      readonly field: string;
      readonly raw: string;
    };

const REFERENCE = /\$\{([^}]*)\}/g;

/** First segment of a property path: `a.b[0]` → `a`. */
function head(path: string): string {
  const end = path.search(/[.[]/);
  return (end < 0 ? path : path.slice(0, end)).trim();
}

function parse(inner: string, raw: string): Reference | undefined {
  const body = inner.trim();
  if (body.startsWith('data.')) return { kind: 'data', field: head(body.slice(5)), raw };
  if (body.startsWith('form.')) return { kind: 'form', field: head(body.slice(5)), raw };
  const global = /^screen\.([^.]+)\.(form|data)\.(.+)$/.exec(body);
  if (global?.[1] !== undefined && global[3] !== undefined) {
    return {
      kind: 'screen',
      screen: global[1],
      scope: global[2] === 'form' ? 'form' : 'data',
      field: head(global[3]),
      raw,
    };
  }
  return undefined;
}

/** The references a string contains, in order. */
export function findReferences(text: string): Reference[] {
  const out: Reference[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const ref = parse(match[1] ?? '', match[0]);
    if (ref !== undefined && ref.field !== '') out.push(ref);
  }
  return out;
}

/**
 * The `${…}` in a string that are none of the reference shapes (`${data}`, `${screen.A.foo.x}`,
 * `${foo.x}`): WhatsApp cannot resolve them.
 */
export function findMalformedReferences(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const ref = parse(match[1] ?? '', match[0]);
    if (ref === undefined || ref.field === '') out.push(match[0]);
  }
  return out;
}

/** A nested expression: the whole value wrapped in backticks (Flow JSON 6.0+). */
export function isExpression(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length >= 2 && trimmed.startsWith('`') && trimmed.endsWith('`');
}

/** True when the string is exactly one reference, e.g. `${form.photo}`. */
export function isSingleReference(text: string): boolean {
  return /^\$\{[^}]*\}$/.test(text.trim());
}

export const dataRef = (field: string): `\${${string}}` => `\${data.${field}}`;
export const formRef = (field: string): `\${${string}}` => `\${form.${field}}`;
export const screenRef = (screen: string, scope: 'form' | 'data', field: string): `\${${string}}` =>
  `\${screen.${screen}.${scope}.${field}}`;
