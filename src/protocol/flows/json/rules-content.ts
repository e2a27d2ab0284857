// Rules on what components contain (SPEC E.5): data-source options, NavigationList items,
// ImageCarousel images, the If/Switch structure and which components may sit in their branches.

import { COMPONENTS, DATA_SOURCE_LIMITS, DROPDOWN_MAX_WITH_IMAGES, SCREEN_LIMITS, isComponentType } from './catalog.js';
import type { Ctx } from './context.js';
import { type ComponentVisit, type Json, charCount, isDynamic, isObject, joinPath } from './walk.js';

const ITEM_PROPS_SINCE: Readonly<Record<string, string>> = {
  image: '5.0',
  'alt-text': '5.0',
  color: '5.0',
  'on-select-action': '6.0',
  'on-unselect-action': '6.0',
};

/** ChipsSelector gained `on-unselect-action` in 7.1 (SPEC E.9), later than the other selections. */
const CHIPS_UNSELECT_SINCE = '7.1';

/** Option images: 300 KB before 6.0, 100 KB from 6.0 (SPEC E.5); NavigationList images 100 KB. */
const OPTION_IMAGE_KB = { before6: 300, from6: 100 } as const;
const LIST_IMAGE_KB = 100;

/** Bytes a base64 string decodes to. */
function base64Bytes(value: string): number {
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  return Math.floor((value.replace(/\s/g, '').length * 3) / 4) - padding;
}

function tooLarge(ctx: Ctx, value: unknown, path: string, maxKb: number, what: string): void {
  if (typeof value !== 'string' || isDynamic(value)) return;
  const bytes = base64Bytes(value);
  if (bytes > maxKb * 1024)
    ctx.report('INVALID_PROPERTY_VALUE', path, `${what} is ${Math.ceil(bytes / 1024)} KB; the limit is ${maxKb} KB.`);
}

function tooLong(ctx: Ctx, value: unknown, path: string, max: number | undefined, what: string): void {
  if (max === undefined || typeof value !== 'string' || isDynamic(value)) return;
  const count = charCount(value);
  if (count > max) ctx.report('INVALID_PROPERTY_VALUE', path, `${what} is ${count} characters; the limit is ${max}.`);
}

function checkCount(ctx: Ctx, items: readonly unknown[], path: string, min: number, max: number, what: string): void {
  if (items.length < min) {
    ctx.report(
      'MIN_ITEMS_REQUIRED',
      path,
      `${what} should have at least ${min} item${min === 1 ? '' : 's'} (found ${items.length}).`,
    );
  } else if (items.length > max) {
    ctx.report('INVALID_PROPERTY_VALUE', path, `${what} allows at most ${max} items (found ${items.length}).`);
  }
}

function checkDataSource(ctx: Ctx, visit: ComponentVisit, type: string): void {
  if (type === 'ChipsSelector' && visit.node['on-unselect-action'] !== undefined && !ctx.atLeast(CHIPS_UNSELECT_SINCE))
    ctx.report(
      'INVALID_PROPERTY_KEY',
      joinPath(visit.path, 'on-unselect-action'),
      `ChipsSelector 'on-unselect-action' requires Flow JSON ${CHIPS_UNSELECT_SINCE} or later (flow uses ${ctx.version}).`,
    );
  const limits = DATA_SOURCE_LIMITS[type];
  const source = visit.node['data-source'];
  if (limits === undefined || !Array.isArray(source)) return;
  const path = joinPath(visit.path, 'data-source');
  const withImages = source.some((item) => isObject(item) && item.image !== undefined);
  const max = type === 'Dropdown' && withImages ? DROPDOWN_MAX_WITH_IMAGES : limits.max;
  checkCount(ctx, source, path, limits.min, max, `${type} 'data-source'`);
  source.forEach((item, index) => {
    const itemPath = joinPath(path, index);
    if (!isObject(item)) {
      ctx.report('INVALID_PROPERTY_TYPE', itemPath, 'Expected a data-source item object with id and title.');
      return;
    }
    for (const prop of ['id', 'title']) {
      if (item[prop] === undefined) {
        ctx.report(
          'MISSING_REQUIRED_TYPE_PROPERTY',
          joinPath(itemPath, prop),
          `Required property '${prop}' is missing on a data-source item.`,
        );
      }
    }
    tooLong(ctx, item.title, joinPath(itemPath, 'title'), limits.title, 'Option title');
    tooLong(ctx, item.description, joinPath(itemPath, 'description'), limits.description, 'Option description');
    tooLong(ctx, item.metadata, joinPath(itemPath, 'metadata'), limits.metadata, 'Option metadata');
    const imageKb = ctx.atLeast('6.0') ? OPTION_IMAGE_KB.from6 : OPTION_IMAGE_KB.before6;
    tooLarge(ctx, item.image, joinPath(itemPath, 'image'), imageKb, 'Option image');
    for (const [prop, itemSince] of Object.entries(ITEM_PROPS_SINCE)) {
      const since = type === 'ChipsSelector' && prop === 'on-unselect-action' ? CHIPS_UNSELECT_SINCE : itemSince;
      if (item[prop] !== undefined && !ctx.atLeast(since)) {
        ctx.report(
          'INVALID_PROPERTY_KEY',
          joinPath(itemPath, prop),
          `Property '${prop}' of a data-source item requires Flow JSON ${since} or later (flow uses ${ctx.version}).`,
        );
      }
    }
  });
}

function checkNavigationItem(ctx: Ctx, item: Json, path: string, large: boolean, listAction: boolean): void {
  const main = item['main-content'];
  if (listAction && item['on-click-action'] !== undefined)
    ctx.report(
      'INVALID_PROPERTY_KEY',
      joinPath(path, 'on-click-action'),
      "NavigationList 'on-click-action' goes on the component or on its items, not both.",
    );
  if (isObject(item.start))
    tooLarge(ctx, item.start.image, joinPath(joinPath(path, 'start'), 'image'), LIST_IMAGE_KB, 'List item image');
  if (item.id === undefined)
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      joinPath(path, 'id'),
      "Required property 'id' is missing on a list item.",
    );
  if (!isObject(main)) {
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      joinPath(path, 'main-content'),
      "Required property 'main-content' is missing on a list item.",
    );
  } else {
    const mainPath = joinPath(path, 'main-content');
    if (main.title === undefined)
      ctx.report(
        'MISSING_REQUIRED_TYPE_PROPERTY',
        joinPath(mainPath, 'title'),
        "Required property 'title' is missing in main-content.",
      );
    tooLong(ctx, main.title, joinPath(mainPath, 'title'), 30, 'List item title');
    tooLong(ctx, main.description, joinPath(mainPath, 'description'), 20, 'List item description');
    tooLong(ctx, main.metadata, joinPath(mainPath, 'metadata'), 80, 'List item metadata');
  }
  const end = item.end;
  if (isObject(end)) {
    const endPath = joinPath(path, 'end');
    if (large) ctx.report('INVALID_PROPERTY_VALUE', endPath, "List item 'end' cannot be used with media-size large.");
    for (const prop of ['title', 'description', 'metadata'])
      tooLong(ctx, end[prop], joinPath(endPath, prop), 10, `List item end ${prop}`);
  }
  tooLong(ctx, item.badge, joinPath(path, 'badge'), 15, 'List item badge');
  const tags = item.tags;
  if (Array.isArray(tags)) {
    if (tags.length > 3)
      ctx.report(
        'INVALID_PROPERTY_VALUE',
        joinPath(path, 'tags'),
        `A list item allows at most 3 tags (found ${tags.length}).`,
      );
    tags.forEach((tag, index) => {
      tooLong(ctx, tag, joinPath(joinPath(path, 'tags'), index), 15, 'List item tag');
    });
  }
}

function checkNavigationList(ctx: Ctx, visit: ComponentVisit): void {
  const items = visit.node['list-items'];
  if (!Array.isArray(items)) return;
  const path = joinPath(visit.path, 'list-items');
  checkCount(ctx, items, path, 1, 20, "NavigationList 'list-items'");
  const large = visit.node['media-size'] === 'large';
  let badged = 0;
  items.forEach((item, index) => {
    if (!isObject(item)) return;
    if (item.badge !== undefined) badged++;
    checkNavigationItem(ctx, item, joinPath(path, index), large, visit.node['on-click-action'] !== undefined);
  });
  if (badged > 1)
    ctx.report('INVALID_PROPERTY_VALUE', path, `Only one NavigationList item may have a badge (found ${badged}).`);
}

function checkCarousel(ctx: Ctx, visit: ComponentVisit): void {
  const images = visit.node.images;
  if (!Array.isArray(images)) return;
  const path = joinPath(visit.path, 'images');
  checkCount(ctx, images, path, 1, 3, "ImageCarousel 'images'");
  images.forEach((image, index) => {
    if (!isObject(image) || image.src === undefined) {
      ctx.report(
        'MISSING_REQUIRED_TYPE_PROPERTY',
        joinPath(joinPath(path, index), 'src'),
        "Required property 'src' is missing on a carousel image.",
      );
    }
  });
}

/** Parentheses balance outside quoted strings. */
function balanced(expression: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (const char of expression) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0 && quote === undefined;
}

function checkIf(ctx: Ctx, visit: ComponentVisit): void {
  const { node, path } = visit;
  const condition = node.condition;
  if (typeof condition === 'string') {
    const conditionPath = joinPath(path, 'condition');
    // Empty parentheses outside string literals ('()' inside quotes is an operand).
    if (condition.trim() === '' || /\(\s*\)/.test(condition.replace(/'[^']*'|"[^"]*"/g, "''"))) {
      ctx.report(
        'INVALID_PROPERTY_VALUE',
        conditionPath,
        "Expected property 'condition' to contain at least one operand.",
      );
    } else if (!condition.includes('${')) {
      ctx.report(
        'INVALID_PROPERTY_VALUE',
        conditionPath,
        "Property 'condition' needs at least one dynamic operand such as ${data.x}.",
      );
    } else if (!balanced(condition)) {
      ctx.report(
        'INVALID_PROPERTY_VALUE',
        conditionPath,
        `Unbalanced parentheses or quotes in condition ${JSON.stringify(condition)}.`,
      );
    }
  } else if (condition !== undefined) {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(path, 'condition'),
      "Expected property 'condition' to be of type string.",
    );
  }
  if (Array.isArray(node.then) && node.then.length === 0) {
    ctx.report('INVALID_PROPERTY_VALUE', joinPath(path, 'then'), 'Expected array to contain at least one component.');
  }
  if (visit.ifDepth >= SCREEN_LIMITS.ifNesting) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      path,
      `If components can be nested at most ${SCREEN_LIMITS.ifNesting} levels deep.`,
    );
  }
}

function checkSwitch(ctx: Ctx, visit: ComponentVisit): void {
  const { node, path } = visit;
  if (node.value !== undefined && !isDynamic(node.value)) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      joinPath(path, 'value'),
      "Switch 'value' must be a dynamic reference such as ${data.x}.",
    );
  }
  const cases = node.cases;
  if (cases === undefined) return;
  if (!isObject(cases) || Object.keys(cases).length === 0) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      joinPath(path, 'cases'),
      "Switch 'cases' must be a non-empty map of component arrays.",
    );
    return;
  }
  for (const [key, arm] of Object.entries(cases)) {
    if (!Array.isArray(arm))
      ctx.report(
        'INVALID_PROPERTY_TYPE',
        joinPath(joinPath(path, 'cases'), key),
        'Each Switch case must be an array of components.',
      );
  }
}

function checkBranchChild(ctx: Ctx, visit: ComponentVisit): void {
  const parent = visit.branches.at(-1);
  // Before 4.0 the If/Switch itself is already reported as unavailable.
  if (parent === undefined || !isComponentType(visit.type) || !ctx.atLeast('4.0')) return;
  // SPEC E.5: a Footer sits inside an If (or Switch) only at the first level.
  if (visit.type === 'Footer' && visit.branches.length > 1) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      joinPath(visit.path, 'type'),
      'A Footer can be inside an If or Switch only at the first level, not in a nested one.',
    );
    return;
  }
  const spec = COMPONENTS[visit.type];
  const owner = parent.owner.type === 'Switch' ? 'Switch' : 'If';
  if (owner === 'Switch' && spec.notInSwitch === true) {
    ctx.report('INVALID_PROPERTY_VALUE', joinPath(visit.path, 'type'), `${visit.type} is not allowed inside Switch.`);
    return;
  }
  const since = spec.inBranchSince;
  if (since !== undefined && ctx.atLeast(since)) return;
  const when = since === undefined ? '' : ` before Flow JSON ${since}`;
  ctx.report(
    'INVALID_PROPERTY_VALUE',
    joinPath(visit.path, 'type'),
    `${visit.type} is not allowed inside ${owner}${when}.`,
  );
}

export function checkContent(ctx: Ctx, visit: ComponentVisit): void {
  const type = visit.type;
  if (type === undefined) return;
  checkDataSource(ctx, visit, type);
  if (type === 'NavigationList') checkNavigationList(ctx, visit);
  if (type === 'ImageCarousel') checkCarousel(ctx, visit);
  if (type === 'If') checkIf(ctx, visit);
  if (type === 'Switch') checkSwitch(ctx, visit);
  checkBranchChild(ctx, visit);
  if (type === 'If' && visit.node.else !== undefined && !Array.isArray(visit.node.else)) {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(visit.path, 'else'),
      "Expected property 'else' to be an array of components.",
    );
  }
  for (const key of ['then', 'children']) {
    const list = visit.node[key];
    if (list !== undefined && !Array.isArray(list) && (type === 'If' || type === 'Form')) {
      ctx.report(
        'INVALID_PROPERTY_TYPE',
        joinPath(visit.path, key),
        `Expected property '${key}' to be an array of components.`,
      );
    }
  }
}
