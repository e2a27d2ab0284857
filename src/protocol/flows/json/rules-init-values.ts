// Initial values and error messages (SPEC E.5, E.9): a Form's `init-values` and `error-messages` name
// the inputs of that Form, and from Flow JSON 7.0 Meta type-checks them, as well as a component's own
// `init-value` and `error-message`: text inputs, Dropdown, RadioButtonsGroup and DatePicker take a
// string, CheckboxGroup and ChipsSelector an array of option ids, OptIn a boolean, a range
// CalendarPicker a {"start-date", "end-date"} object. Before 7.0 a mismatch is a warning.

import { isInputType } from './catalog.js';
import type { Ctx, FlowFindingSeverity, ScreenInfo } from './context.js';
import { type ComponentVisit, isDynamic, isObject, joinPath } from './walk.js';

type Shape = 'string' | 'ids' | 'boolean' | 'range';

const TYPE_CHECKED_SINCE = '7.0';

const DESCRIBED: Readonly<Record<Shape, string>> = {
  string: 'a string',
  ids: 'an array of option id strings',
  boolean: 'a boolean',
  range: 'an object with "start-date" and "end-date" strings',
};

function shapeOf(visit: ComponentVisit): Shape | null {
  switch (visit.type) {
    case 'TextInput':
    case 'TextArea':
    case 'Dropdown':
    case 'RadioButtonsGroup':
    case 'DatePicker':
      return 'string';
    case 'CheckboxGroup':
    case 'ChipsSelector':
      return 'ids';
    case 'OptIn':
      return 'boolean';
    case 'CalendarPicker':
      return visit.node.mode === 'range' ? 'range' : 'string';
    default:
      return null;
  }
}

function fits(shape: Shape, value: unknown): boolean {
  if (typeof value === 'string' && isDynamic(value)) return true;
  switch (shape) {
    case 'string':
      return typeof value === 'string';
    case 'ids':
      return Array.isArray(value) && value.every((id) => typeof id === 'string');
    case 'boolean':
      return typeof value === 'boolean';
    case 'range':
      return (
        isObject(value) &&
        Object.entries(value).every(
          ([end, date]) => (end === 'start-date' || end === 'end-date') && typeof date === 'string',
        )
      );
  }
}

function checkValue(
  ctx: Ctx,
  target: ComponentVisit,
  value: unknown,
  path: string,
  what: 'init' | 'error',
  severity: FlowFindingSeverity,
): void {
  const own = shapeOf(target);
  // Error messages are strings, per range end for a range CalendarPicker (SPEC E.5) or one for both.
  const shape = what === 'error' ? (own === 'range' && !fits('string', value) ? 'range' : 'string') : own;
  if (shape === null || fits(shape, value)) return;
  const name = typeof target.node.name === 'string' ? target.node.name : '';
  const kind = what === 'init' ? 'initial value' : 'error message';
  ctx.report(
    'INVALID_PROPERTY_TYPE',
    path,
    `The ${kind} of ${target.type ?? 'component'} '${name}' must be ${DESCRIBED[shape]}.`,
    severity,
  );
}

/** The inputs of each Form of the screen, by name: one pass over the screen, not one per Form. */
function inputsByForm(screen: ScreenInfo): Map<unknown, Map<string, ComponentVisit>> {
  const out = new Map<unknown, Map<string, ComponentVisit>>();
  for (const visit of screen.components) {
    const name = visit.node.name;
    if (visit.form === undefined || !isInputType(visit.type) || typeof name !== 'string') continue;
    let inputs = out.get(visit.form);
    if (inputs === undefined) out.set(visit.form, (inputs = new Map<string, ComponentVisit>()));
    inputs.set(name, visit);
  }
  return out;
}

export function checkInitValues(ctx: Ctx, screen: ScreenInfo): void {
  const severity: FlowFindingSeverity = ctx.atLeast(TYPE_CHECKED_SINCE) ? 'error' : 'warning';
  let byForm: Map<unknown, Map<string, ComponentVisit>> | undefined;
  for (const visit of screen.components) {
    if (visit.type === 'Form') {
      if (!isObject(visit.node['init-values']) && !isObject(visit.node['error-messages'])) continue;
      byForm ??= inputsByForm(screen);
      const inputs = byForm.get(visit.node) ?? new Map<string, ComponentVisit>();
      for (const [key, what] of [
        ['init-values', 'init'],
        ['error-messages', 'error'],
      ] as const) {
        const map = visit.node[key];
        if (!isObject(map)) continue;
        for (const [name, value] of Object.entries(map)) {
          const path = joinPath(joinPath(visit.path, key), name);
          const target = inputs.get(name);
          if (target === undefined) {
            // A picker named here has its own finding (NATIVE_COMPONENT_IN_FORM_INIT_VALUES).
            if (!screen.named.has(name))
              ctx.report(
                'INVALID_PROPERTY_KEY',
                path,
                `Form '${key}' names '${name}', which is no input of this Form.`,
                severity,
              );
            continue;
          }
          checkValue(ctx, target, value, path, what, severity);
        }
      }
      continue;
    }
    if (visit.node['init-value'] !== undefined)
      checkValue(ctx, visit, visit.node['init-value'], joinPath(visit.path, 'init-value'), 'init', severity);
    if (visit.node['error-message'] !== undefined)
      checkValue(ctx, visit, visit.node['error-message'], joinPath(visit.path, 'error-message'), 'error', severity);
  }
}
