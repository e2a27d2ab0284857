// Reference rules (SPEC E.7): `${data.x}` must be declared in the screen's data, `${form.x}` must
// name a component of the same screen, and `${screen.ID.form|data.x}` (4.0+) must name another
// existing screen and a field it declares. Backtick expressions need 6.0; Meta validates the
// variables inside them from 7.2 (SPEC E.9), so before 7.2 those findings are warnings.

import type { Ctx, FlowErrorCode, FlowFindingSeverity, ScreenInfo } from './context.js';
import { type Reference, findMalformedReferences, findReferences, isExpression } from './references.js';
import { isObject, joinPath, walkStrings } from './walk.js';

interface Site {
  readonly screen: ScreenInfo;
  readonly path: string;
  readonly inPayload: boolean;
  readonly severity: FlowFindingSeverity;
}

const formNamesOf = new WeakMap<ScreenInfo, ReadonlySet<unknown>>();

/** The names of the screen's Forms, gathered once per screen (a missing reference is looked up in them). */
function formNames(screen: ScreenInfo): ReadonlySet<unknown> {
  let names = formNamesOf.get(screen);
  if (names === undefined) {
    names = new Set(screen.components.filter((visit) => visit.type === 'Form').map((visit) => visit.node.name));
    formNamesOf.set(screen, names);
  }
  return names;
}

function checkLocal(ctx: Ctx, ref: Reference, site: Site): void {
  const { screen, path, severity } = site;
  const where = screen.id ?? `#${screen.index}`;
  if (ref.kind === 'data' && !screen.dataKeys.has(ref.field)) {
    const code: FlowErrorCode = site.inPayload ? 'INVALID_ON_CLICK_ACTION_PAYLOAD' : 'INVALID_SCREEN_DYNAMIC_DATA';
    ctx.report(code, path, `Missing dynamic data '${ref.raw}' in the data model for screen ${where}.`, severity);
  }
  if (ref.kind === 'form' && !screen.named.has(ref.field)) {
    const isForm = formNames(screen).has(ref.field);
    const code: FlowErrorCode = site.inPayload ? 'INVALID_ON_CLICK_ACTION_PAYLOAD' : 'INVALID_SCREEN_DYNAMIC_DATA';
    const message = isForm
      ? `Value of 'Form' component cannot be used in form binding: '${ref.raw}' on screen ${where}.`
      : `Missing Form component '${ref.raw}' for screen ${where}.`;
    ctx.report(code, path, message, severity);
  }
}

function checkGlobal(ctx: Ctx, ref: Extract<Reference, { kind: 'screen' }>, site: Site): void {
  const { screen, path, severity } = site;
  const where = screen.id ?? `#${screen.index}`;
  if (!ctx.atLeast('4.0')) {
    ctx.report(
      'INVALID_SCREEN_DYNAMIC_DATA',
      path,
      `Global reference '${ref.raw}' requires Flow JSON 4.0 or later (flow uses ${ctx.version}).`,
      severity,
    );
    return;
  }
  const target = ctx.byId.get(ref.screen);
  if (target === undefined) {
    ctx.report(
      'INVALID_SCREEN_DATA',
      path,
      `Global dynamic data '${ref.raw}' used on screen '${where}' is invalid since screen '${ref.screen}' is missing in the Flow JSON.`,
      severity,
    );
    return;
  }
  if (target === screen) {
    ctx.report(
      'INVALID_SCREEN_DATA',
      path,
      `Global dynamic data '${ref.raw}' used on screen '${where}' is invalid since it represents the current screen; use \${${ref.scope}.${ref.field}} instead.`,
      severity,
    );
    return;
  }
  const known = ref.scope === 'form' ? target.named.has(ref.field) : target.dataKeys.has(ref.field);
  if (!known) {
    ctx.report(
      'INVALID_SCREEN_DATA',
      path,
      `Global dynamic data '${ref.raw}' on screen ${ref.screen} does not exist, but is used on screen ${where}.`,
      severity,
    );
  }
}

function checkString(ctx: Ctx, screen: ScreenInfo, text: string, path: string, seen: Set<string>): void {
  if (!text.includes('${')) return;
  const refs = findReferences(text);
  const malformed = findMalformedReferences(text);
  if (refs.length === 0 && malformed.length === 0) return;
  const expression = isExpression(text);
  if (expression && !ctx.atLeast('6.0')) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      path,
      `Nested expressions in backticks require Flow JSON 6.0 or later (flow uses ${ctx.version}).`,
      'warning',
    );
  }
  const severity: FlowFindingSeverity = expression && !ctx.atLeast('7.2') ? 'warning' : 'error';
  const site: Site = { screen, path, inPayload: /\.payload(?:[.[]|$)/.test(path), severity };
  for (const raw of malformed) {
    const key = `${path}\u0000${raw}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.report(
      'INVALID_SCREEN_DYNAMIC_DATA',
      path,
      `'${raw}' is not a dynamic reference: use \${data.field}, \${form.field} or \${screen.SCREEN_ID.form|data.field}.`,
      severity,
    );
  }
  for (const ref of refs) {
    const key = `${path}\u0000${ref.raw}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (ref.kind === 'screen') checkGlobal(ctx, ref, site);
    else checkLocal(ctx, ref, site);
  }
}

export function checkReferences(ctx: Ctx): void {
  for (const screen of ctx.screens) {
    const seen = new Set<string>();
    const visit = (text: string, path: string): void => {
      checkString(ctx, screen, text, path, seen);
    };
    if (typeof screen.node.title === 'string') visit(screen.node.title, joinPath(screen.path, 'title'));
    if (isObject(screen.node.layout)) walkStrings(screen.node.layout, joinPath(screen.path, 'layout'), visit);
  }
}
