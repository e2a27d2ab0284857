// Read-only traversal of an untrusted Flow JSON screen: every component with its JSON path and
// context (inside a Form, inside which If/Switch branch), every action with the event that fires
// it, and the `navigate` edges between screens. Shared by the validator and the runtime helpers.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `base.key` for identifier-like keys, `base['key']` otherwise (kebab-case, spaces). */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Counts Unicode code points, as Meta's limits are stated in characters. */
export function charCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** True for `${…}` references and backtick expressions, whose length is unknown statically. */
export function isDynamic(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('${') || /^\s*`[\s\S]*`\s*$/.test(value));
}

export interface Branch {
  /** The If or Switch component. */
  readonly owner: Json;
  /** `then`, `else` or the Switch case key. */
  readonly arm: string;
}

export interface ComponentVisit {
  readonly node: Json;
  /** The `type` property when it is a string. */
  readonly type: string | undefined;
  readonly path: string;
  /** Nearest enclosing Form, if any. */
  readonly form: Json | undefined;
  /** Enclosing If/Switch branches, outermost first. */
  readonly branches: readonly Branch[];
  /** Number of enclosing If components. */
  readonly ifDepth: number;
}

/** Every component of a layout's children, depth first, descending into Form, If and Switch. */
export function walkComponents(children: unknown, basePath: string): ComponentVisit[] {
  const out: ComponentVisit[] = [];
  const visitList = (
    list: unknown,
    path: string,
    form: Json | undefined,
    branches: readonly Branch[],
    ifDepth: number,
  ): void => {
    asArray(list).forEach((node, index) => {
      if (!isObject(node)) return;
      const nodePath = joinPath(path, index);
      const type = asString(node.type);
      out.push({ node, type, path: nodePath, form, branches, ifDepth });
      if (type === 'Form') visitList(node.children, joinPath(nodePath, 'children'), node, branches, ifDepth);
      if (type === 'If') {
        visitList(
          node.then,
          joinPath(nodePath, 'then'),
          form,
          [...branches, { owner: node, arm: 'then' }],
          ifDepth + 1,
        );
        visitList(
          node.else,
          joinPath(nodePath, 'else'),
          form,
          [...branches, { owner: node, arm: 'else' }],
          ifDepth + 1,
        );
      }
      if (type === 'Switch' && isObject(node.cases)) {
        for (const [key, arm] of Object.entries(node.cases)) {
          const armPath = joinPath(joinPath(nodePath, 'cases'), key);
          visitList(arm, armPath, form, [...branches, { owner: node, arm: key }], ifDepth);
        }
      }
    });
  };
  visitList(children, basePath, undefined, [], 0);
  return out;
}

export function screenComponents(screen: Json, screenPath: string): ComponentVisit[] {
  const layout = isObject(screen.layout) ? screen.layout : {};
  return walkComponents(layout.children, joinPath(joinPath(screenPath, 'layout'), 'children'));
}

export interface ActionVisit {
  readonly action: Json;
  readonly name: string | undefined;
  readonly path: string;
  readonly component: ComponentVisit;
  /** `on-click-action`, `on-select-action` or `on-unselect-action`. */
  readonly event: string;
  /** Whose action it is: the component itself, a data-source item or a NavigationList item. */
  readonly owner: 'component' | 'data-source.item' | 'NavigationList.item';
}

const EVENTS = ['on-click-action', 'on-select-action', 'on-unselect-action'] as const;

/** Actions of a component and of its static data-source / list items. */
export function componentActions(visit: ComponentVisit): ActionVisit[] {
  const out: ActionVisit[] = [];
  const collect = (holder: Json, path: string, owner: ActionVisit['owner']): void => {
    for (const event of EVENTS) {
      const action = holder[event];
      if (!isObject(action)) continue;
      out.push({ action, name: asString(action.name), path: joinPath(path, event), component: visit, event, owner });
    }
  };
  collect(visit.node, visit.path, 'component');
  const items = visit.type === 'NavigationList' ? visit.node['list-items'] : visit.node['data-source'];
  const owner = visit.type === 'NavigationList' ? 'NavigationList.item' : 'data-source.item';
  const itemsKey = visit.type === 'NavigationList' ? 'list-items' : 'data-source';
  asArray(items).forEach((item, index) => {
    if (isObject(item)) collect(item, joinPath(joinPath(visit.path, itemsKey), index), owner);
  });
  return out;
}

export function screenActions(components: readonly ComponentVisit[]): ActionVisit[] {
  return components.flatMap(componentActions);
}

/** Target screen id of a navigate action, if it names one. */
export function navigateTarget(action: Json): string | undefined {
  return isObject(action.next) ? asString(action.next.name) : undefined;
}

export interface NavigateEdge {
  readonly from: string;
  readonly to: string;
  readonly path: string;
}

/** Edges formed by `navigate` actions: the routing model Meta derives for endpoint-less flows. */
export function navigateEdges(screens: readonly unknown[]): NavigateEdge[] {
  const edges: NavigateEdge[] = [];
  screens.forEach((screen, index) => {
    if (!isObject(screen)) return;
    const from = asString(screen.id);
    if (from === undefined) return;
    for (const visit of screenActions(screenComponents(screen, joinPath('screens', index)))) {
      if (visit.name !== 'navigate') continue;
      const to = navigateTarget(visit.action);
      if (to !== undefined) edges.push({ from, to, path: joinPath(visit.path, 'next') });
    }
  });
  return edges;
}

/** Every string inside `value` with its path (object keys are not visited). */
export function walkStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walkStrings(item, joinPath(path, index), visit);
    });
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) walkStrings(item, joinPath(path, key), visit);
  }
}
