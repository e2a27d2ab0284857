// Which form fields a data_exchange payload carries. WhatsApp sends the resolved payload of the
// action that fired (a Footer, an EmbeddedLink, a component's on-select-action…), so the action
// whose keys best match the payload tells us where each `${form.<name>}` value sits. Values that
// are not plain form references (literals, `${data.…}`, expressions) are not ours to check.

import {
  inputComponents,
  screenActionsNamed,
  screenById,
  type FlowJson,
  type InputField,
  type Screen,
  type ScreenAction,
} from '../protocol/index.js';
import { dataKey } from './data-sources.js';
import { perFrozenScreen } from './screen-cache.js';

/** A form field referenced by the action, with where its value sits in the payload. */
export interface FieldReference {
  field: InputField;
  /** The field is another screen's (`${screen.S.form.x}`), not the submitting screen's own. */
  global: boolean;
  /** Path of keys from the payload root to the value. */
  keyPath: readonly string[];
}

const FORM_REF = /^\$\{form\.([^{}`]+)\}$/;
/** A global reference to another screen's form field (Flow JSON 4.0): `${screen.UPLOAD.form.doc}`. */
const SCREEN_FORM_REF = /^\$\{screen\.([A-Za-z0-9_]+)\.form\.([^{}`]+)\}$/;

interface FormRef {
  /** The screen whose form holds the field; undefined for the sending screen's own `${form.…}`. */
  screen?: string;
  name: string;
  keyPath: string[];
}

function collectRefs(value: unknown, keyPath: readonly string[], out: FormRef[]): void {
  if (typeof value === 'string') {
    const text = value.trim();
    const match = FORM_REF.exec(text);
    if (match?.[1] !== undefined) {
      out.push({ name: match[1], keyPath: [...keyPath] });
      return;
    }
    const global = SCREEN_FORM_REF.exec(text);
    if (global?.[1] !== undefined && global[2] !== undefined) {
      out.push({ screen: global[1], name: global[2], keyPath: [...keyPath] });
    }
    return;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) collectRefs(item, [...keyPath, key], out);
  }
}

function overlap(actionKeys: readonly string[], payload: Record<string, unknown>): { hit: number; miss: number } {
  let hit = 0;
  for (const key of actionKeys) if (Object.hasOwn(payload, key)) hit++;
  return { hit, miss: actionKeys.length - hit };
}

/**
 * What validating a submission needs from a screen: its data_exchange actions, its input fields by name, and
 * each action's form references (filled in as actions are met). Found once per frozen screen (screen-cache.ts).
 */
interface ScreenPlan {
  actions: readonly ScreenAction[];
  fields: ReadonlyMap<string, InputField>;
  refs: Map<ScreenAction, FormRef[]>;
}

const planOf = perFrozenScreen((screen): ScreenPlan => ({
  actions: screenActionsNamed(screen, 'data_exchange'),
  fields: new Map(inputComponents(screen).map((field) => [field.name, field])),
  refs: new Map(),
}));

/**
 * The action that sent `payload`: the data_exchange action sharing the most keys with it (ties:
 * fewest of its keys missing, then document order). An empty payload came from an action with an
 * empty payload if the screen has one; any other payload sharing no key with an action is treated
 * as coming from the Footer (or the first action), so renaming or dropping keys cannot skip
 * `required` checks.
 */
function sendingAction({ actions }: ScreenPlan, payload: Record<string, unknown>): ScreenAction | undefined {
  let best: ScreenAction | undefined;
  let bestScore = { hit: 0, miss: 0 };
  for (const action of actions) {
    const score = overlap(Object.keys(action.payload), payload);
    if (score.hit === 0) continue;
    if (
      best === undefined ||
      score.hit > bestScore.hit ||
      (score.hit === bestScore.hit && score.miss < bestScore.miss)
    ) {
      best = action;
      bestScore = score;
    }
  }
  if (best !== undefined) return best;
  // Only an empty payload can have come from an action with an empty payload.
  if (Object.keys(payload).length === 0 && actions.some((action) => Object.keys(action.payload).length === 0))
    return undefined;
  return actions.find((action) => action.componentType === 'Footer') ?? actions[0];
}

/**
 * The form fields the submitted payload is made of, with where each value sits: the screen's own
 * (`${form.x}`) and, given the flow, other screens' fields it carries (`${screen.S.form.x}`).
 */
export function referencedFields(screen: Screen, payload: Record<string, unknown>, flow?: FlowJson): FieldReference[] {
  const plan = planOf(screen);
  const best = sendingAction(plan, payload);
  const out: FieldReference[] = [];
  // One check per place in the payload: the first action to put a field there decides which field's value it
  // is (the sending action first). A field sent under two keys is checked under each, since either may be
  // the value a handler reads.
  const placed = new Set<string>();
  const add = (ref: FormRef): void => {
    const owner = ref.screen === undefined ? screen : flow === undefined ? undefined : screenById(flow, ref.screen);
    const field = owner === undefined ? undefined : planOf(owner).fields.get(ref.name);
    const at = JSON.stringify(ref.keyPath);
    if (field === undefined || placed.has(at)) return;
    placed.add(at);
    out.push({ field, keyPath: ref.keyPath, global: ref.screen !== undefined });
  };
  // The sending action's fields, present or not (its `required` checks apply)…
  if (best !== undefined) for (const ref of refsOf(plan, best)) add(ref);
  // …and any value another action of the screen maps to a field, when the payload carries it: a client that
  // mixes two actions' keys cannot have one of them picked so that the other's values go unchecked.
  for (const action of plan.actions) {
    if (action === best) continue;
    for (const ref of refsOf(plan, action)) {
      // A key the sending action fills itself (with data or a literal) is its own, whatever another action puts there.
      if (best !== undefined && valueAt(best.payload, ref.keyPath) !== undefined) continue;
      if (valueAt(payload, ref.keyPath) !== undefined) add(ref);
    }
  }
  return out;
}

/**
 * The screen's data as this copy of it shows it, as far as the payload tells: for each top-level key the
 * sending action fills with exactly `${data.x}`, x → the value sent back, when x is a declared string, number
 * or boolean and the value is of that type. (A token's form may be open twice; the data last answered for
 * the token may be the other copy's.)
 */
export function echoedData(screen: Screen, payload: Record<string, unknown>): Record<string, unknown> {
  const echoed: Record<string, unknown> = {};
  const declared = screen.data;
  const action = declared === undefined ? undefined : sendingAction(planOf(screen), payload);
  if (declared === undefined || action === undefined) return echoed;
  for (const [key, template] of Object.entries(action.payload)) {
    const name = dataKey(template);
    if (name === undefined || !Object.hasOwn(declared, name) || !Object.hasOwn(payload, key)) continue;
    const type = declared[name]?.type;
    const value = payload[key];
    if ((type === 'string' || type === 'number' || type === 'boolean') && typeof value === type) echoed[name] = value;
  }
  return echoed;
}

function refsOf(plan: ScreenPlan, action: ScreenAction): FormRef[] {
  let refs = plan.refs.get(action);
  if (refs === undefined) {
    refs = [];
    collectRefs(action.payload, [], refs);
    plan.refs.set(action, refs);
  }
  return refs;
}

/** The value at `keyPath`, or undefined when any step is missing. */
export function valueAt(payload: Record<string, unknown>, keyPath: readonly string[]): unknown {
  let node: unknown = payload;
  for (const key of keyPath) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
