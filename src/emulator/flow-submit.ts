// What pressing a screen's Footer (or tapping a component with an on-click-action, a NavigationList
// item, or an option with its own on-select-action) does on WhatsApp's client, up to the request
// or the local action (navigate, update_data, open_url): the form holds the values the user entered over the
// components' init values; only what the screen shows counts (If/Switch branches as evaluated,
// `visible`); the button stays disabled while a required input is empty; the action's payload is
// then resolved against the form, the screen's data and the earlier screens (SPEC E.6, E.7).

import { isInputType, screenById, walkComponents, type ComponentVisit, type FlowJson } from '../protocol/index.js';
import { evaluate, resolveValue, type ExpressionScope } from './flow-expression.js';
import { isRecord } from './graph-common.js';

type Json = Record<string, unknown>;

export type SubmitActionName = 'data_exchange' | 'navigate' | 'complete' | 'update_data' | 'open_url';

const ACTIONS: ReadonlySet<unknown> = new Set<SubmitActionName>([
  'data_exchange',
  'navigate',
  'complete',
  'update_data',
  'open_url',
]);

function isAction(name: unknown): name is SubmitActionName {
  return ACTIONS.has(name);
}

/** Components whose data-source items may carry their own on-select-action (SPEC E.5, 6.0+). */
const SELECTIONS: ReadonlySet<unknown> = new Set(['CheckboxGroup', 'ChipsSelector', 'RadioButtonsGroup', 'Dropdown']);
const MULTI_SELECTIONS: ReadonlySet<unknown> = new Set(['CheckboxGroup', 'ChipsSelector']);

export interface SubmitInput {
  flow: FlowJson;
  screen: string;
  /** What the user entered, by component name. */
  values: Readonly<Record<string, unknown>>;
  /** The data the screen was rendered with. */
  data: Readonly<Record<string, unknown>>;
  /** Earlier screens, for `${screen.ID.form|data.x}`. */
  screens: ExpressionScope['screen'];
  /** A component's action instead of the Footer's: its `name` (an EmbeddedLink by its `text`). */
  component?: string;
  /** With `component`: the id of the NavigationList item tapped, or of the data-source option selected. */
  item?: string;
  /**
   * What the form already holds from an earlier local action on this screen (update_data, open_url):
   * under `values`; those of inputs the screen no longer shows are dropped, as the client does.
   */
  kept?: Readonly<Record<string, unknown>>;
}

export interface PlannedAction {
  /** `select`: an option tapped on a component with no action for it; only the form changes. */
  name: SubmitActionName | 'select';
  /** The resolved payload; references to empty inputs are left out. */
  payload: Record<string, unknown>;
  /** navigate: the next screen. */
  next: string | null;
  /** open_url: the address the client opens. */
  url: string | null;
  /** The form as the screen holds it: init values, overridden by what the user entered. */
  form: Record<string, unknown>;
  /** What the user entered: the given values, plus an option selected by the press. */
  entered: Record<string, unknown>;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** The components the screen shows: taken If/Switch branches, `visible` not false. */
function shownComponents(children: unknown, scope: ExpressionScope, out: Json[]): void {
  for (const node of list(children)) {
    if (node.visible !== undefined && resolveValue(node.visible, scope) === false) continue;
    if (node.type === 'If') {
      const condition = typeof node.condition === 'string' ? evaluate(node.condition, scope) : node.condition;
      shownComponents(condition === true ? node.then : node.else, scope, out);
      continue;
    }
    if (node.type === 'Switch') {
      const value = resolveValue(node.value, scope);
      const arm = isRecord(node.cases) && typeof value === 'string' ? node.cases[value] : undefined;
      shownComponents(arm, scope, out);
      continue;
    }
    out.push(node);
    if (node.type === 'Form') shownComponents(node.children, scope, out);
  }
}

/** Init values (component `init-value`, Form `init-values`), resolved against the screen's data. */
function initValues(components: readonly ComponentVisit[], scope: ExpressionScope): Json {
  const out: Json = {};
  for (const { node, form } of components) {
    const name = node.name;
    if (!isInputType(node.type) || typeof name !== 'string') continue;
    const fromForm = form === undefined ? undefined : resolveValue(form['init-values'], scope);
    const value =
      node['init-value'] !== undefined
        ? resolveValue(node['init-value'], scope)
        : isRecord(fromForm)
          ? fromForm[name]
          : undefined;
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The option ids a selection input offers (its data-source, static or from data), or null. */
function options(node: Json, scope: ExpressionScope): string[] | null {
  if (node['data-source'] === undefined) return null;
  const source = resolveValue(node['data-source'], scope);
  return Array.isArray(source) ? list(source).flatMap((item) => (typeof item.id === 'string' ? [item.id] : [])) : null;
}

function empty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Why the client keeps the button disabled for this input, or null. */
function missing(node: Json, value: unknown, scope: ExpressionScope): string | null {
  const required = resolveValue(node.required, scope);
  if (isRecord(required)) {
    // A range CalendarPicker: required per end of the range.
    const ends = Object.entries(required)
      .filter(([, on]) => on === true)
      .map(([end]) => end);
    const range = isRecord(value) ? value : {};
    const absent = ends.filter((end) => empty(range[end]));
    return absent.length > 0 ? `needs ${absent.join(' and ')}` : null;
  }
  if (required === true && empty(value)) return 'is required';
  const min = resolveValue(
    node['min-uploaded-photos'] ?? node['min-uploaded-documents'] ?? node['min-selected-items'],
    scope,
  );
  // A picker with a minimum above 0 must be filled (SPEC B.1: min 0, the default, makes it optional).
  const picker = node.type === 'PhotoPicker' || node.type === 'DocumentPicker';
  if (typeof min === 'number' && min > 0 && (!empty(value) || required === true || picker)) {
    const count = Array.isArray(value) ? value.length : 0;
    if (count < min) return `needs at least ${min} item(s), got ${count}`;
  }
  return null;
}

/**
 * The form value a tapped data-source option leaves, by input name, and whether the tap unselected it: a
 * multi-select adds an option it does not hold and takes out one it holds (SPEC E.5 on-unselect-action).
 */
function toggle(node: Json, item: string, form: Json, scope: ExpressionScope): { value: Json; unselected: boolean } {
  const name = typeof node.name === 'string' ? node.name : '';
  if (!MULTI_SELECTIONS.has(node.type)) return { value: { [name]: item }, unselected: false };
  const before = Array.isArray(form[name]) ? (form[name] as unknown[]) : [];
  if (before.includes(item)) return { value: { [name]: before.filter((id) => id !== item) }, unselected: true };
  const max = resolveValue(node['max-selected-items'], scope);
  if (typeof max === 'number' && before.length + 1 > max)
    throw new TypeError(
      `Input "${name}" allows at most ${max} selected item(s): the client does not select "${item}".`,
    );
  return { value: { [name]: [...before, item] }, unselected: false };
}

/** The item a NavigationList tap or a data-source option selection names. */
function entryOf(node: Json, item: string, scope: ExpressionScope, what: string): Json {
  const key = node.type === 'NavigationList' ? 'list-items' : 'data-source';
  const entry = list(resolveValue(node[key], scope)).find((candidate) => candidate.id === item);
  if (entry === undefined) throw new TypeError(`${what} has no item "${item}".`);
  if (resolveValue(entry.enabled, scope) === false) throw new TypeError(`Item "${item}" of ${what} is disabled.`);
  return entry;
}

/**
 * The action a press performs: the Footer's, a component's own, a NavigationList item's (else the
 * list's) or a selected data-source option's on-select-action (else the component's, SPEC E.5); for an
 * option a multi-select already holds, its on-unselect-action (else the component's). The form as the
 * tap leaves it is put in `form` first, so the payload sees it, and returned as `selected`.
 */
function pickAction(
  shown: readonly Json[],
  input: SubmitInput,
  form: Json,
  scope: ExpressionScope,
): { action: Json | null; selected: Json } {
  const { screen, component, item } = input;
  if (component === undefined) {
    if (item !== undefined) throw new TypeError('An item is tapped on a component: give component as well.');
    const footer = shown.find((node) => node.type === 'Footer');
    if (footer === undefined) throw new TypeError(`Screen "${screen}" shows no Footer to press.`);
    if (resolveValue(footer.enabled, scope) === false)
      throw new TypeError(`The Footer of screen "${screen}" is disabled.`);
    if (!isRecord(footer['on-click-action']))
      throw new TypeError(`The Footer of screen "${screen}" has no on-click-action.`);
    return { action: footer['on-click-action'], selected: {} };
  }
  const node = shown.find((n) => n.name === component || (n.type === 'EmbeddedLink' && n.text === component));
  if (node === undefined) throw new TypeError(`Screen "${screen}" shows no component "${component}".`);
  const what = `component "${component}" of screen "${screen}"`;
  if (resolveValue(node.enabled, scope) === false)
    throw new TypeError(`Component "${component}" of screen "${screen}" is disabled.`);
  let action: unknown;
  let selected: Json = {};
  if (item === undefined) {
    if (node.type === 'NavigationList')
      throw new TypeError(
        `NavigationList "${component}" of screen "${screen}" is tapped on one of its items: give item.`,
      );
    action = node['on-click-action'] ?? node['on-select-action'];
  } else if (node.type === 'NavigationList') {
    action = entryOf(node, item, scope, what)['on-click-action'] ?? node['on-click-action'];
  } else if (SELECTIONS.has(node.type)) {
    const entry = entryOf(node, item, scope, what);
    const { value, unselected } = toggle(node, item, form, scope);
    selected = value;
    Object.assign(form, selected);
    // on-unselect-action: 6.0 on CheckboxGroup/ChipsSelector options, 7.1 on the ChipsSelector itself.
    const event = unselected ? 'on-unselect-action' : 'on-select-action';
    action = entry[event] ?? node[event];
    // No action for this tap: the option is (un)selected in the form and nothing else happens, as on a phone.
    if (action === undefined) return { action: null, selected };
  } else {
    throw new TypeError(`Component "${component}" of screen "${screen}" has no items to tap.`);
  }
  if (!isRecord(action)) throw new TypeError(`Component "${component}" of screen "${screen}" has no action.`);
  return { action, selected };
}

/** The action the press performs, with its resolved payload; throws TypeError where a user could not press. */
export function planAction(input: SubmitInput): PlannedAction {
  const screen = screenById(input.flow, input.screen);
  if (screen === undefined) throw new TypeError(`The Flow JSON has no screen "${input.screen}".`);
  const children = isRecord(screen.layout) ? screen.layout.children : undefined;
  const scope = (form: Json): ExpressionScope => ({ form, data: input.data, screen: input.screens });
  // Every component, shown or not (through Form, If and Switch): init values are the form's start.
  const init = initValues(walkComponents(children, ''), scope({}));
  const form: Json = { ...init, ...input.kept, ...input.values };
  const formScope = scope(form);

  const shown: Json[] = [];
  shownComponents(children, formScope, shown);
  const inputs = new Map(
    shown.flatMap((node) => (isInputType(node.type) && typeof node.name === 'string' ? [[node.name, node]] : [])),
  );
  // Kept values of inputs the screen no longer shows fall back to their init values, or go.
  const kept: Json = {};
  for (const [name, value] of Object.entries(input.kept ?? {})) {
    if (name in input.values) continue;
    if (inputs.has(name)) kept[name] = value;
    else form[name] = init[name];
  }
  for (const [name, value] of Object.entries(input.values)) {
    const node = inputs.get(name);
    if (node === undefined) throw new TypeError(`Screen "${input.screen}" shows no input named "${name}".`);
    if (node.enabled !== undefined && resolveValue(node.enabled, formScope) === false)
      throw new TypeError(`Input "${name}" of screen "${input.screen}" is disabled.`);
    const offered = options(node, formScope);
    const chosen = Array.isArray(value) ? (value as unknown[]) : [value];
    const foreign = offered === null ? undefined : chosen.find((id) => typeof id !== 'string' || !offered.includes(id));
    if (foreign !== undefined)
      throw new TypeError(`Input "${name}" of screen "${input.screen}" offers no option ${JSON.stringify(foreign)}.`);
  }
  // Inputs left empty hold back the Footer only; a component's own action (on-select, a link) still fires.
  for (const [name, node] of input.component === undefined ? inputs : []) {
    const problem = missing(node, form[name], formScope);
    if (problem !== null)
      throw new TypeError(
        `Input "${name}" of screen "${input.screen}" ${problem}: the client does not let the user go on.`,
      );
  }

  const { action, selected } = pickAction(shown, input, form, formScope);
  const entered = { ...kept, ...input.values, ...selected };
  if (action === null) return { name: 'select', payload: {}, next: null, url: null, form, entered };
  const name = action.name;
  if (!isAction(name)) throw new TypeError(`The "${String(name)}" action is not something submit() performs.`);
  const payload = name === 'open_url' ? {} : resolveValue(action.payload ?? {}, formScope);
  const next =
    name === 'navigate' && isRecord(action.next) && typeof action.next.name === 'string' ? action.next.name : null;
  if (name === 'navigate' && next === null)
    throw new TypeError(`The navigate action of "${input.screen}" names no next screen.`);
  const url = name === 'open_url' && typeof action.url === 'string' ? action.url : null;
  if (name === 'open_url' && url === null) throw new TypeError(`The open_url action of "${input.screen}" has no url.`);
  return { name, payload: isRecord(payload) ? payload : {}, next, url, form, entered };
}
