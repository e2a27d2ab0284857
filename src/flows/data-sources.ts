// The options a dynamic data-source (`"data-source": "${data.slots}"`) offered on a screen, taken from the
// data Flowgate last answered for that screen, so input validation can check choices against them.
import type { FlowJson } from '../protocol/index.js';
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
    const key = /^\$\{data\.([A-Za-z0-9_]+)\}$/.exec(source)?.[1];
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
