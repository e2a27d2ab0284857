// The options a dynamic data-source (`"data-source": "${data.slots}"`) offered on a screen, taken from the
// data Flowgate last answered for that screen, so input validation can check choices against them.
import { CONSTRAINT_PROPERTIES, screenActionsNamed, type FlowJson, type InputConstraints } from '../protocol/index.js';
import { perFrozenScreen } from './screen-cache.js';

type Options = readonly (string | { id: string })[];

function* components(nodes: unknown): Generator<Record<string, unknown>> {
  if (!Array.isArray(nodes)) return;
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    const n = node as Record<string, unknown>;
    yield n;
    yield* components(n.children);
    yield* components(n.then);
    yield* components(n.else);
    if (typeof n.cases === 'object' && n.cases !== null) {
      for (const branch of Object.values(n.cases as Record<string, unknown>)) yield* components(branch);
    }
  }
}

function isOption(value: unknown): value is string | { id: string } {
  return (
    typeof value === 'string' ||
    (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string')
  );
}

/** `x` of a property that is exactly `${data.x}`, else undefined. */
export function dataKey(value: unknown): string | undefined {
  return typeof value === 'string' ? /^\$\{data\.([A-Za-z0-9_]+)\}$/.exec(value)?.[1] : undefined;
}

/** Which components take their options from which data key, per screen. */
interface DynamicSource {
  name: string;
  key: string;
}

const dynamicSources = perFrozenScreen((screen): readonly DynamicSource[] => {
  const found: DynamicSource[] = [];
  for (const node of components(screen.layout.children)) {
    const source = node['data-source'];
    const name = node.name;
    if (typeof source !== 'string' || typeof name !== 'string') continue;
    const key = dataKey(source);
    if (key !== undefined) found.push({ name, key });
  }
  return found;
});

/** Component name → the options its `${data.x}` data-source held in `screenData`. */
export function dynamicDataSources(
  flow: FlowJson,
  screenId: string,
  screenData: Record<string, unknown>,
): Record<string, Options> {
  const screen = flow.screens.find((s) => s.id === screenId);
  const out: Record<string, Options> = {};
  if (screen === undefined) return out;
  for (const { name, key } of dynamicSources(screen)) {
    const value = screenData[key];
    if (Array.isArray(value) && value.every(isOption)) out[name] = value;
  }
  return out;
}

interface DynamicBound {
  name: string;
  constraint: keyof InputConstraints;
  kind: 'number' | 'string' | 'strings';
  key: string;
}

/** Per screen, each constraint a component takes from its data (`"max-chars": "${data.limit}"`). */
const dynamicBounds = perFrozenScreen((screen): readonly DynamicBound[] => {
  const found: DynamicBound[] = [];
  for (const node of components(screen.layout.children)) {
    const name = node.name;
    if (typeof name !== 'string') continue;
    for (const [prop, { key: constraint, kind }] of Object.entries(CONSTRAINT_PROPERTIES)) {
      const key = dataKey(node[prop]);
      if (key !== undefined) found.push({ name, constraint, kind, key });
    }
  }
  return found;
});

/** `value` as a constraint of `kind`, or undefined when it is not one the client could apply. */
function boundValue(kind: DynamicBound['kind'], value: unknown): number | string | string[] | undefined {
  if (kind === 'number') {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  }
  if (kind === 'string') return typeof value === 'string' && value !== '' ? value : undefined;
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? [...value] : undefined;
}

/**
 * Component name → the constraints its `${data.x}` properties held in `screenData` (what the person's
 * phone enforced: date bounds, character limits, selection counts, a CalendarPicker's mode…), so the server
 * checks the same ones. A property with no usable value is left unchecked (fail open), never given the
 * component's static default.
 */
export function dynamicConstraints(
  flow: FlowJson,
  screenId: string,
  screenData: Record<string, unknown>,
): Record<string, Partial<InputConstraints>> {
  const screen = flow.screens.find((s) => s.id === screenId);
  const out: Record<string, Partial<InputConstraints>> = {};
  if (screen === undefined) return out;
  for (const { name, constraint, kind, key } of dynamicBounds(screen)) {
    const value = boundValue(kind, screenData[key]);
    // Unusable (or unknown, on an update_data screen): unchecked, not the component's default.
    const own: Record<string, unknown> = (out[name] ??= {});
    own[constraint] = value;
  }
  return out;
}

/**
 * Whether the screen can change its own data on the phone (`update_data`, Flow JSON 6.0+): then what
 * Flowgate last answered for it is not what it shows, and checks bound to that data cannot be made.
 */
export function updatesOwnData(flow: FlowJson, screenId: string): boolean {
  const screen = flow.screens.find((s) => s.id === screenId);
  return screen !== undefined && updating(screen).yes;
}

const updating = perFrozenScreen((screen) => ({ yes: screenActionsNamed(screen, 'update_data').length > 0 }));
