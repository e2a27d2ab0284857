// Routing rules (SPEC E.4): the supplied `routing_model`, or for endpoint-less flows the graph
// Meta derives from `navigate` actions. Checks unknown screens, self routes, more than 10 branches,
// backward routes and loops (warnings for a derived graph), routes that never reach a terminal screen
// (supplied models only), a
// missing entry screen, screens not connected to the entry, and navigate actions missing from a
// supplied model.

import { MAX_ROUTING_BRANCHES } from './catalog.js';
import type { Ctx } from './context.js';
import { isObject, joinPath, navigateEdges } from './walk.js';

interface Graph {
  readonly edges: ReadonlyMap<string, ReadonlySet<string>>;
  /** Screens whose routes are declared and empty, or not declared (supplied models only). */
  readonly noRoutes?: (id: string) => boolean;
  /** Path reported for a screen's outgoing edges. */
  readonly pathOf: (from: string) => string;
}

function addEdge(edges: Map<string, Set<string>>, from: string, to: string): void {
  const set = edges.get(from) ?? new Set<string>();
  set.add(to);
  edges.set(from, set);
}

/**
 * Strongly connected components with more than one screen (Tarjan's algorithm, with an explicit stack
 * so that a long chain of routes cannot exhaust the call stack).
 */
function loops(ids: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const enter = (node: string): { node: string; next: Iterator<string> } => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    return { node, next: (edges.get(node) ?? new Set<string>()).values() };
  };
  const lower = (node: string, value: number | undefined): void => {
    low.set(node, Math.min(low.get(node) ?? 0, value ?? 0));
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    const path = [enter(root)];
    while (path.length > 0) {
      const frame = path[path.length - 1];
      if (frame === undefined) break;
      const step = frame.next.next();
      if (step.done !== true) {
        const next = step.value;
        if (!index.has(next)) path.push(enter(next));
        else if (onStack.has(next)) lower(frame.node, index.get(next));
        continue;
      }
      path.pop();
      const parent = path[path.length - 1];
      if (parent !== undefined) lower(parent.node, low.get(frame.node));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let top: string | undefined;
      do {
        top = stack.pop();
        if (top !== undefined) {
          onStack.delete(top);
          component.push(top);
        }
      } while (top !== undefined && top !== frame.node);
      if (component.length > 1) out.push(component.reverse());
    }
  }
  return out;
}

/**
 * Entry screens, missing entry, and screens not weakly connected to the first entry. Returns the
 * entry screens connected to the rest, or none when that is already an error (or trivial).
 */
function checkConnectivity(ctx: Ctx, graph: Graph, supplied: boolean): string[] {
  const ids = [...ctx.byId.keys()];
  if (ids.length < 2) return [];
  const inbound = new Set<string>();
  for (const targets of graph.edges.values()) for (const to of targets) inbound.add(to);
  const entries = ids.filter((id) => !inbound.has(id));
  const where = supplied ? 'routing_model' : 'screens';
  if (entries.length === 0) {
    ctx.report(
      'INVALID_ROUTING_MODEL',
      where,
      supplied
        ? 'No entry screen found in the routing model. Expected a screen with no inbound edges as the entry screen.'
        : 'No entry screen found. Add a screen that is not used as the next screen in any of the navigate actions.',
    );
    return [];
  }
  const neighbours = new Map<string, Set<string>>();
  for (const [from, targets] of graph.edges) {
    for (const to of targets) {
      addEdge(neighbours, from, to);
      addEdge(neighbours, to, from);
    }
  }
  // The screens connected to an entry; of several such groups the largest is the flow, and the screens
  // outside it are the ones reported (a stray screen listed first must not make the rest look stray).
  const groupOf = (start: string): Set<string> => {
    const group = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      const id = queue.pop() ?? '';
      if (group.has(id)) continue;
      group.add(id);
      for (const next of neighbours.get(id) ?? []) queue.push(next);
    }
    return group;
  };
  let reached = new Set<string>();
  const grouped = new Set<string>();
  for (const entry of entries) {
    if (grouped.has(entry)) continue;
    const group = groupOf(entry);
    for (const id of group) grouped.add(id);
    if (group.size > reached.size) reached = group;
  }
  for (const screen of ctx.screens) {
    if (screen.id === undefined || reached.has(screen.id) || ctx.byId.get(screen.id) !== screen) continue;
    const isolated = !neighbours.has(screen.id) && !graph.edges.has(screen.id);
    const message = supplied
      ? isolated
        ? `Screen ${screen.id} is missing in the routing model.`
        : `Screen ${screen.id} is not connected with the rest of the screens; all screens should be connected.`
      : `Screen ${screen.id} is not connected to the other screens; a connection is formed by a navigate action.`;
    ctx.report('INVALID_ROUTING_MODEL', screen.path, message);
  }
  return entries.filter((id) => reached.has(id));
}

/**
 * "All routes must end at a terminal screen" (SPEC E.4). A user can always go back along a route,
 * so a route that has passed a terminal screen can end there: Meta's own templates route from a
 * terminal screen to a terms screen with no routes. What is rejected is a screen without routes
 * that some route from an entry reaches through non-terminal screens only.
 */
function checkDeadEnds(ctx: Ctx, graph: Graph, entries: readonly string[]): void {
  const noRoutes = graph.noRoutes;
  if (noRoutes === undefined || !ctx.screens.some((screen) => screen.terminal)) return;
  const via = new Map<string, string | undefined>();
  const queue: string[] = [];
  for (const id of entries) {
    // An entry missing from the model altogether is already reported as such.
    if (graph.edges.has(id) && ctx.byId.get(id)?.terminal === false && !via.has(id)) {
      via.set(id, undefined);
      queue.push(id);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] ?? '';
    for (const next of graph.edges.get(id) ?? []) {
      if (via.has(next) || ctx.byId.get(next)?.terminal !== false) continue;
      via.set(next, id);
      queue.push(next);
    }
  }
  for (const id of queue) {
    if (!noRoutes(id)) continue;
    const route = [id];
    for (let at = via.get(id); at !== undefined; at = via.get(at)) route.unshift(at);
    ctx.report(
      'INVALID_ROUTING_MODEL',
      joinPath('routing_model', id),
      `Screen ${id} is not terminal and has no routes, so the route [${route.join(' -> ')}] does not end at a terminal screen. All routes must end at a terminal screen.`,
    );
  }
}

function checkGraph(ctx: Ctx, graph: Graph, supplied: boolean): void {
  for (const [from, targets] of graph.edges) {
    if (targets.size > MAX_ROUTING_BRANCHES) {
      ctx.report(
        'INVALID_ROUTING_MODEL',
        graph.pathOf(from),
        `Number of branches exceeds the max limit of ${MAX_ROUTING_BRANCHES} for screen: ${from} (found ${targets.size}).`,
      );
    }
  }
  {
    // SPEC E.4 states these for the routing model; an endpoint-less flow's is derived from its navigate
    // actions, and no source says whether Meta checks the derived one: a warning there.
    const severity = supplied ? 'error' : 'warning';
    const derived = supplied ? '' : ' (the routing model derived from navigate actions)';
    const backward = new Set<string>();
    for (const [from, targets] of graph.edges) {
      for (const to of targets) {
        if (from === to || !(graph.edges.get(to)?.has(from) ?? false) || backward.has(`${to}>${from}`)) continue;
        backward.add(`${from}>${to}`);
        ctx.report(
          'INVALID_ROUTING_MODEL',
          graph.pathOf(to),
          `Backward route [${to} -> ${from}] corresponding to forward route [${from} -> ${to}] is not allowed in the routing model${derived}. Only forward routes can be specified.`,
          severity,
        );
      }
    }
    for (const component of loops([...graph.edges.keys()], graph.edges)) {
      const [a, b] = component;
      if (
        component.length === 2 &&
        a !== undefined &&
        b !== undefined &&
        (backward.has(`${a}>${b}`) || backward.has(`${b}>${a}`))
      ) {
        continue;
      }
      ctx.report(
        'INVALID_ROUTING_MODEL',
        supplied ? 'routing_model' : 'screens',
        `Loop detected in the routing model${derived} for screens: ${component.join(', ')}.`,
        severity,
      );
    }
  }
  const entries = checkConnectivity(ctx, graph, supplied);
  if (supplied) checkDeadEnds(ctx, graph, entries);
}

function suppliedGraph(ctx: Ctx, model: Record<string, unknown>): Graph {
  const edges = new Map<string, Set<string>>();
  const declared = new Set<string>();
  for (const [from, targets] of Object.entries(model)) {
    const fromPath = joinPath('routing_model', from);
    if (!ctx.byId.has(from)) {
      ctx.report('INVALID_ROUTING_MODEL', fromPath, `Invalid screen found in the routing model: ${from}.`);
    }
    // Malformed or invalid routes get their own finding; only an empty list counts as no routes.
    if (!Array.isArray(targets) || targets.length > 0) declared.add(from);
    if (!Array.isArray(targets)) {
      ctx.report('INVALID_PROPERTY_TYPE', fromPath, `Expected the routes of ${from} to be an array of screen ids.`);
      continue;
    }
    edges.set(from, edges.get(from) ?? new Set());
    targets.forEach((to, index) => {
      const toPath = joinPath(fromPath, index);
      if (typeof to !== 'string') {
        ctx.report('INVALID_PROPERTY_TYPE', toPath, `Expected routes of ${from} to be screen id strings.`);
        return;
      }
      if (!ctx.byId.has(to)) {
        ctx.report('INVALID_ROUTING_MODEL', toPath, `Invalid screen found in the routing model: ${to}.`);
        return;
      }
      if (to === from) {
        ctx.report('INVALID_ROUTING_MODEL', toPath, `Screen ${from} cannot route to itself; loop detected at ${from}.`);
        return;
      }
      addEdge(edges, from, to);
    });
  }
  return { edges, pathOf: (from) => joinPath('routing_model', from), noRoutes: (id) => !declared.has(id) };
}

export function checkRouting(ctx: Ctx): void {
  const model = ctx.root.routing_model;
  const navigations = navigateEdges(Array.isArray(ctx.root.screens) ? ctx.root.screens : []);
  // Unknown and same-screen targets are reported by the action rules; routing ignores them.
  const valid = navigations.filter((edge) => ctx.byId.has(edge.to) && edge.to !== edge.from);
  if (model === undefined) {
    const edges = new Map<string, Set<string>>();
    const firstPath = new Map<string, string>();
    for (const edge of valid) {
      addEdge(edges, edge.from, edge.to);
      if (!firstPath.has(edge.from)) firstPath.set(edge.from, ctx.byId.get(edge.from)?.path ?? 'screens');
    }
    checkGraph(ctx, { edges, pathOf: (from) => firstPath.get(from) ?? 'screens' }, false);
    return;
  }
  if (!isObject(model)) {
    ctx.report('INVALID_PROPERTY_TYPE', 'routing_model', 'Expected property routing_model to be an object.');
    return;
  }
  const graph = suppliedGraph(ctx, model);
  checkGraph(ctx, graph, true);
  const reported = new Set<string>();
  for (const edge of valid) {
    if (graph.edges.get(edge.from)?.has(edge.to) ?? false) continue;
    if (reported.has(`${edge.from}>${edge.to}`)) continue;
    reported.add(`${edge.from}>${edge.to}`);
    ctx.report(
      'INVALID_ROUTING_MODEL',
      edge.path,
      `Missing direct route from screen '${edge.from}' to screen '${edge.to}' in the routing model, while it exists in the navigate screen action of screen '${edge.from}'.`,
    );
  }
}
