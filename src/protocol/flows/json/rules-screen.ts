// Per-screen composition rules (SPEC E.3, E.5, B.1): component counts and limits (Footer across
// If/Switch branches, EmbeddedLink, Image, OptIn, NavigationList, ImageCarousel, pickers), Form
// placement, unique component names, pickers in Form init-values, RichText standing alone, and no
// entry of a component list that is not a component object.

import { PICKER_TYPES, SCREEN_LIMITS, isInputType } from './catalog.js';
import type { Ctx, FlowErrorCode, ScreenInfo } from './context.js';
import { type ComponentVisit, type Json, asArray, asString, isObject, joinPath } from './walk.js';

const CONTAINERS = new Set(['Form', 'If', 'Switch']);

/** Components of `type` on the fullest path through If/Switch branches (branches are alternatives). */
function pathCount(list: unknown, matches: (node: Json) => boolean): number {
  let total = 0;
  for (const node of asArray(list)) {
    if (!isObject(node)) continue;
    if (node.type === 'Form') total += pathCount(node.children, matches);
    else if (node.type === 'If') total += Math.max(pathCount(node.then, matches), pathCount(node.else, matches));
    else if (node.type === 'Switch') {
      total += Math.max(
        0,
        ...Object.values(isObject(node.cases) ? node.cases : {}).map((arm) => pathCount(arm, matches)),
      );
    } else if (matches(node)) total++;
  }
  return total;
}

function children(screen: ScreenInfo): unknown {
  return isObject(screen.node.layout) ? screen.node.layout.children : undefined;
}

function childrenPath(screen: ScreenInfo): string {
  return joinPath(joinPath(screen.path, 'layout'), 'children');
}

const isType = (type: string) => (node: Json) => node.type === type;

function checkCounts(ctx: Ctx, screen: ScreenInfo): void {
  const list = children(screen);
  const components = pathCount(list, (node) => !(typeof node.type === 'string' && CONTAINERS.has(node.type)));
  if (components > SCREEN_LIMITS.components) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      childrenPath(screen),
      `Maximum number of components allowed per screen is ${SCREEN_LIMITS.components} but found ${components}.`,
    );
  }
  const limits: [string, number, FlowErrorCode][] = [
    ['EmbeddedLink', SCREEN_LIMITS.embeddedLink, 'MAX_EMBEDDED_LINK_PER_SCREEN'],
    ['Image', SCREEN_LIMITS.image, 'MAX_IMAGE_PER_SCREEN'],
    ['OptIn', SCREEN_LIMITS.optIn, 'MAX_OPT_IN_PER_SCREEN'],
    ['NavigationList', SCREEN_LIMITS.navigationList, 'INVALID_PROPERTY_VALUE'],
    ['ImageCarousel', SCREEN_LIMITS.imageCarousel, 'INVALID_PROPERTY_VALUE'],
  ];
  for (const [type, max, code] of limits) {
    const found = pathCount(list, isType(type));
    if (found <= max) continue;
    const extra = screen.components.filter((visit) => visit.type === type)[max];
    ctx.report(
      code,
      extra?.path ?? childrenPath(screen),
      `Maximum number of ${type} allowed per screen is ${max} but found ${found}.`,
    );
  }
  const pickers = screen.components.filter((visit) => PICKER_TYPES.has(visit.type ?? ''));
  const extraPicker = pickers[SCREEN_LIMITS.pickers];
  if (extraPicker !== undefined) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      extraPicker.path,
      `A screen may have at most one PhotoPicker or one DocumentPicker, not both; found ${pickers.map((p) => p.type).join(' and ')}.`,
    );
  }
}

function footersIn(list: unknown): number {
  return pathCount(list, isType('Footer'));
}

/** Footers directly in a list (through Forms, not through branches). */
function directFooters(list: unknown, path: string): string[] {
  const out: string[] = [];
  asArray(list).forEach((node, index) => {
    if (!isObject(node)) return;
    const nodePath = joinPath(path, index);
    if (node.type === 'Footer') out.push(nodePath);
    if (node.type === 'Form') out.push(...directFooters(node.children, joinPath(nodePath, 'children')));
  });
  return out;
}

function checkFooters(ctx: Ctx, screen: ScreenInfo): void {
  const lists: [unknown, string][] = [[children(screen), childrenPath(screen)]];
  for (const visit of screen.components) {
    if (visit.type === 'If')
      lists.push([visit.node.then, joinPath(visit.path, 'then')], [visit.node.else, joinPath(visit.path, 'else')]);
    if (visit.type === 'Switch' && isObject(visit.node.cases)) {
      for (const [key, arm] of Object.entries(visit.node.cases))
        lists.push([arm, joinPath(joinPath(visit.path, 'cases'), key)]);
    }
  }
  let duplicated = false;
  for (const [list, path] of lists) {
    const direct = directFooters(list, path);
    const second = direct[1];
    if (second === undefined) continue;
    duplicated = true;
    ctx.report(
      'MAX_FOOTER_PER_SCREEN',
      second,
      `Maximum number of Footer allowed per screen is 1 but found ${direct.length}.`,
    );
  }
  if (!duplicated && footersIn(children(screen)) > 1) {
    ctx.report(
      'MORE_THAN_ONE_FOOTER',
      childrenPath(screen),
      'Maximum number of Footer component allowed per screen is 1, counting all branches of If and Switch components.',
    );
  }
  for (const visit of screen.components) {
    if (visit.type === 'If') {
      const inThen = footersIn(visit.node.then) > 0;
      const inElse = footersIn(visit.node.else) > 0;
      if (inThen === inElse) continue;
      const message =
        visit.node.else === undefined
          ? "Missing Footer inside one of the 'If' component branches. Branch 'else' should exist and contain one Footer."
          : "Footer component must be present in all branches of 'If' component if it exists in any one branch.";
      ctx.report('MISSING_FOOTER_IN_IF_ELSE_BRANCHES', visit.path, message);
    }
    if (visit.type === 'Switch' && isObject(visit.node.cases)) {
      const arms = Object.values(visit.node.cases).map((arm) => footersIn(arm) > 0);
      if (arms.some(Boolean) && !arms.every(Boolean)) {
        ctx.report(
          'MISSING_FOOTER_IN_SWITCH_BRANCHES',
          visit.path,
          'Footer component must be present in all switch cases if it exists in any one case.',
        );
      }
    }
  }
}

function checkForms(ctx: Ctx, screen: ScreenInfo): void {
  const hasForm = screen.components.some((visit) => visit.type === 'Form');
  for (const visit of screen.components) {
    if (!isInputType(visit.type) || visit.form !== undefined) continue;
    if (!ctx.atLeast('4.0')) {
      ctx.report(
        'KEYWORD_ONE_OF',
        visit.path,
        `Property '${visit.type}' must be defined inside parent property 'Form' before Flow JSON 4.0.`,
      );
    } else if (hasForm) {
      ctx.report(
        'COMPONENTS_OUTSIDE_FORM',
        visit.path,
        `Component '${visit.type}' is not allowed outside Form when Form component is present.`,
      );
    }
  }
}

function checkNames(ctx: Ctx, screen: ScreenInfo): void {
  const seen = new Set<string>();
  for (const visit of screen.components) {
    const name = asString(visit.node.name);
    if (name === undefined || visit.type === 'Form') continue;
    if (seen.has(name)) {
      ctx.report(
        'DUPLICATE_FORM_COMPONENT_NAMES',
        joinPath(visit.path, 'name'),
        `Duplicate name found for Form components: ${name}.`,
      );
    }
    seen.add(name);
  }
  for (const visit of screen.components) {
    const initValues = visit.node['init-values'];
    if (visit.type !== 'Form' || !isObject(initValues)) continue;
    for (const key of Object.keys(initValues)) {
      const target = screen.named.get(key);
      if (target !== undefined && PICKER_TYPES.has(target.type ?? '')) {
        ctx.report(
          'NATIVE_COMPONENT_IN_FORM_INIT_VALUES',
          joinPath(joinPath(visit.path, 'init-values'), key),
          `Property 'init-values' should not contain value for components: [${target.type ?? ''}] ('${key}').`,
        );
      }
    }
  }
}

function checkStandalone(
  ctx: Ctx,
  screen: ScreenInfo,
  type: 'RichText' | 'NavigationList',
  allowed: readonly string[],
): ComponentVisit | undefined {
  const own = screen.components.find((visit) => visit.type === type);
  if (own === undefined) return undefined;
  const other = screen.components.find((visit) => visit.type !== type && !allowed.includes(visit.type ?? ''));
  if (other !== undefined) {
    const also = allowed.length > 0 ? ` besides ${allowed.join(', ')}` : '';
    const severity = type === 'NavigationList' ? 'warning' : 'error';
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      other.path,
      `${type} must be the only component on its screen${also}; found ${other.type ?? 'component'}.`,
      severity,
    );
  }
  return own;
}

function checkSpecial(ctx: Ctx, screen: ScreenInfo): void {
  checkStandalone(ctx, screen, 'RichText', ctx.atLeast('6.3') ? ['Footer'] : []);
  const list = checkStandalone(ctx, screen, 'NavigationList', []);
  if (list !== undefined && screen.terminal) {
    ctx.report('INVALID_PROPERTY_VALUE', list.path, 'NavigationList cannot be used on a terminal screen.');
  }
}

/** Every entry of a component list (layout, Form, If and Switch) must be a component object. */
function checkComponentLists(ctx: Ctx, screen: ScreenInfo): void {
  const lists: [unknown, string][] = [[children(screen), childrenPath(screen)]];
  for (const visit of screen.components) {
    const { node, path } = visit;
    if (visit.type === 'Form') lists.push([node.children, joinPath(path, 'children')]);
    if (visit.type === 'If') lists.push([node.then, joinPath(path, 'then')], [node.else, joinPath(path, 'else')]);
    if (visit.type === 'Switch' && isObject(node.cases))
      for (const [key, arm] of Object.entries(node.cases)) lists.push([arm, joinPath(joinPath(path, 'cases'), key)]);
  }
  for (const [list, path] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (!isObject(item))
        ctx.report('INVALID_PROPERTY_TYPE', joinPath(path, index), 'Expected a component object (with a "type").');
    });
  }
}

export function checkScreenComposition(ctx: Ctx): void {
  for (const screen of ctx.screens) {
    checkComponentLists(ctx, screen);
    checkCounts(ctx, screen);
    checkFooters(ctx, screen);
    checkForms(ctx, screen);
    checkNames(ctx, screen);
    checkSpecial(ctx, screen);
  }
  const carousels = ctx.screens.flatMap((screen) =>
    screen.components.filter((visit) => visit.type === 'ImageCarousel'),
  );
  const extra = carousels[SCREEN_LIMITS.imageCarouselPerFlow];
  if (extra !== undefined) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      extra.path,
      `Maximum number of ImageCarousel allowed per flow is ${SCREEN_LIMITS.imageCarouselPerFlow} but found ${carousels.length}.`,
    );
  }
}
