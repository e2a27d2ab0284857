// Which form fields a data_exchange payload carries. WhatsApp sends the resolved payload of the
// action that fired (a Footer, an EmbeddedLink, a component's on-select-action…), so the action
// whose keys best match the payload tells us where each `${form.<name>}` value sits. Values that
// are not plain form references (literals, `${data.…}`, expressions) are not ours to check.

import {
  inputComponents,
  screenActionsNamed,
  type InputField,
  type Screen,
  type ScreenAction,
} from '../protocol/index.js';
import { perFrozenScreen } from './screen-cache.js';

/** A form field referenced by the action, with where its value sits in the payload. */
export interface FieldReference {
  field: InputField;
  /** Path of keys from the payload root to the value. */
  keyPath: readonly string[];
}

const FORM_REF = /^\$\{form\.([^{}`]+)\}$/;

function collectRefs(value: unknown, keyPath: readonly string[], out: { name: string; keyPath: string[] }[]): void {
  if (typeof value === 'string') {
    const match = FORM_REF.exec(value.trim());
    if (match?.[1] !== undefined) out.push({ name: match[1], keyPath: [...keyPath] });
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
  refs: Map<ScreenAction, { name: string; keyPath: string[] }[]>;
}

const planOf = perFrozenScreen((screen): ScreenPlan => ({
  actions: screenActionsNamed(screen, 'data_exchange'),
  fields: new Map(inputComponents(screen).map((field) => [field.name, field])),
  refs: new Map(),
}));

/**
 * The action that sent `payload`: the data_exchange action sharing the most keys with it (ties:
 * fewest of its keys missing, then document order). A payload sharing no key with any action came
 * from an action with an empty payload if the screen has one; otherwise it is treated as coming
 * from the Footer (or the first action), so dropping keys cannot skip `required` checks.
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
  if (actions.some((action) => Object.keys(action.payload).length === 0)) return undefined;
  return actions.find((action) => action.componentType === 'Footer') ?? actions[0];
}

/** The form fields the submitted payload is made of, with where each value sits. */
export function referencedFields(screen: Screen, payload: Record<string, unknown>): FieldReference[] {
  const plan = planOf(screen);
  const best = sendingAction(plan, payload);
  if (best === undefined) return [];
  let refs = plan.refs.get(best);
  if (refs === undefined) {
    refs = [];
    collectRefs(best.payload, [], refs);
    plan.refs.set(best, refs);
  }
  const fields = plan.fields;
  const out: FieldReference[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const field = fields.get(ref.name);
    if (field === undefined || seen.has(ref.name)) continue;
    seen.add(ref.name);
    out.push({ field, keyPath: ref.keyPath });
  }
  return out;
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
