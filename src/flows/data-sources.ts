// The options a dynamic data-source (`"data-source": "${data.slots}"`) offered on a screen, taken from the
// data Flowgate last answered for that screen, so input validation can check choices against them.
import { screenActionsNamed, type FlowJson, type InputConstraints } from '../protocol/index.js';
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

/** Date bounds a component takes from the screen's data (`"min-date": "${data.min_date}"`), by constraint. */
const DYNAMIC_BOUNDS = {
  'min-date': 'minDate',
  'max-date': 'maxDate',
  'unavailable-dates': 'unavailableDates',
  'include-days': 'includeDays',
} as const;

type BoundKey = (typeof DYNAMIC_BOUNDS)[keyof typeof DYNAMIC_BOUNDS];

interface DynamicBound {
  name: string;
  constraint: BoundKey;
  key: string;
}

const dynamicBounds = perFrozenScreen((screen): readonly DynamicBound[] => {
  const found: DynamicBound[] = [];
  for (const node of components(screen.layout.children)) {
    const name = node.name;
    if (typeof name !== 'string') continue;
    for (const [prop, constraint] of Object.entries(DYNAMIC_BOUNDS)) {
      const value = node[prop];
      const key = dataKey(value);
      if (key !== undefined) found.push({ name, constraint, key });
    }
  }
  return found;
});

/**
 * Component name → the date bounds its `${data.x}` properties held in `screenData` (what the person's picker
 * enforced), so the server checks the same bounds. A bound with no usable value stays unchecked, as the
 * client then shows no bound either.
 */
export function dynamicConstraints(
  flow: FlowJson,
  screenId: string,
  screenData: Record<string, unknown>,
): Record<string, Partial<InputConstraints>> {
  const screen = flow.screens.find((s) => s.id === screenId);
  const out: Record<string, Partial<InputConstraints>> = {};
  if (screen === undefined) return out;
  for (const { name, constraint, key } of dynamicBounds(screen)) {
    const value = screenData[key];
    const own = (out[name] ??= {});
    if (constraint === 'minDate' || constraint === 'maxDate') {
      if (typeof value === 'string' && value !== '') own[constraint] = value;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      own[constraint] = [...value];
    }
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
