// Rules on the document and screen level (SPEC E.1, E.2, E.9): size, versions (frozen ones too),
// unknown keys, screen ids, terminal/success/refresh_on_back, the layout object, and the
// terminal-screen requirements.

import { MAX_FLOW_JSON_BYTES, MAX_SCREENS } from './catalog.js';
import type { Ctx } from './context.js';
import {
  FLOW_JSON_VERSIONS,
  FROZEN_FLOW_JSON_VERSIONS,
  LATEST_FLOW_JSON_VERSION,
  compareVersions,
  isDataApiVersion,
  isFlowJsonVersion,
  parseVersion,
} from './version.js';
import { type Json, isObject, joinPath } from './walk.js';

const TOP_LEVEL_KEYS = new Set(['version', 'screens', 'routing_model', 'data_api_version', 'data_channel_uri']);
const SCREEN_KEYS = new Set(['id', 'title', 'terminal', 'success', 'refresh_on_back', 'data', 'layout', 'sensitive']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkVersion(ctx: Ctx): void {
  const version = ctx.root.version;
  if (version === undefined) {
    ctx.report('MISSING_FLOW_JSON_VERSION', 'version', 'Flow JSON version is not specified.');
    return;
  }
  if (typeof version !== 'string' || parseVersion(version) === undefined) {
    ctx.report('INVALID_FLOW_JSON_VERSION', 'version', `Invalid Flow JSON version ${JSON.stringify(version)}.`);
    return;
  }
  if (isFlowJsonVersion(version)) {
    const frozen = FROZEN_FLOW_JSON_VERSIONS[version];
    // Frozen blocks publishing new flows, not opening published ones (SPEC E.9), so only a warning.
    // SPEC names no code for it; UNAVAILABLE_FLOW_JSON_VERSION is the E.8 version code that fits.
    if (frozen !== undefined) {
      ctx.report(
        'UNAVAILABLE_FLOW_JSON_VERSION',
        'version',
        `Flow JSON version "${version}" is frozen since ${frozen}: new flows cannot be published on it (published ones still open); use ${LATEST_FLOW_JSON_VERSION}.`,
        'warning',
      );
    }
    return;
  }
  const oldest = FLOW_JSON_VERSIONS[0];
  if (compareVersions(version, oldest) < 0) {
    ctx.report('UNSUPPORTED_FLOW_JSON_VERSION', 'version', `Flow JSON version "${version}" is older than ${oldest}.`);
    return;
  }
  ctx.report(
    'INVALID_FLOW_JSON_VERSION',
    'version',
    `Invalid Flow JSON version "${version}"; known versions are ${FLOW_JSON_VERSIONS.join(', ')}.`,
  );
}

function checkTopLevel(ctx: Ctx): void {
  const root = ctx.root;
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      ctx.report('INVALID_PROPERTY_KEY', joinPath('', key), `Property '${key}' cannot be specified at the top level.`);
    }
  }
  checkVersion(ctx);
  const dataApi = root.data_api_version;
  if (dataApi !== undefined) {
    if (typeof dataApi !== 'string') {
      ctx.report(
        'INVALID_PROPERTY_TYPE',
        'data_api_version',
        `Expected property 'data_api_version' to be of type string, but found ${describe(dataApi)}.`,
      );
    } else if (!isDataApiVersion(dataApi)) {
      ctx.report(
        'NO_SUPPORTED_DATA_API_VERSION',
        'data_api_version',
        `Data API version "${dataApi}" is not 3.0 or 4.0.`,
      );
    }
    if (root.routing_model === undefined) {
      ctx.report(
        'MISSING_REQUIRED_PROPERTY',
        'routing_model',
        "The property 'routing_model' is required for property 'data_api_version'.",
      );
    }
  }
  const uri = root.data_channel_uri;
  if (uri !== undefined) {
    if (ctx.atLeast('3.0')) {
      ctx.report(
        'INVALID_PROPERTY_KEY',
        'data_channel_uri',
        "Property 'data_channel_uri' cannot be specified from Flow JSON 3.0; set the endpoint_uri through the Flows API.",
      );
    } else if (typeof uri !== 'string' || !/^https?:\/\/\S+$/.test(uri)) {
      ctx.report(
        'INVALID_PROPERTY_VALUE_FORMAT',
        'data_channel_uri',
        "Property 'data_channel_uri' should be in 'uri' format.",
      );
    }
  }
  const screens = root.screens;
  if (screens === undefined) {
    ctx.report('MISSING_REQUIRED_TYPE_PROPERTY', 'screens', "Required property 'screens' is missing.");
  } else if (!Array.isArray(screens)) {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      'screens',
      `Expected property 'screens' to be an array, but found ${describe(screens)}.`,
    );
  } else if (screens.length === 0) {
    ctx.report('MIN_ITEMS_REQUIRED', 'screens', "Property 'screens' should have at least 1 item.");
  } else if (screens.length > MAX_SCREENS) {
    ctx.report(
      'MAX_SCREENS_NUMBER',
      'screens',
      `Maximum number of screens allowed per Flow is ${MAX_SCREENS} but found ${screens.length}.`,
    );
  }
  if (Array.isArray(screens)) {
    screens.forEach((screen, index) => {
      if (!isObject(screen)) {
        ctx.report(
          'INVALID_PROPERTY_TYPE',
          joinPath('screens', index),
          `Expected a screen object, but found ${describe(screen)}.`,
        );
      }
    });
  }
}

function checkScreenId(ctx: Ctx, screen: Json, path: string, seen: Set<string>): void {
  const id = screen.id;
  const idPath = joinPath(path, 'id');
  if (id === undefined) {
    ctx.report('MISSING_REQUIRED_TYPE_PROPERTY', idPath, "Required property 'id' is missing.");
    return;
  }
  if (typeof id !== 'string') {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      idPath,
      `Expected property 'id' to be of type string, but found ${describe(id)}.`,
    );
    return;
  }
  if (id === '') {
    ctx.report('MIN_CHARS_REQUIRED', idPath, "Property 'id' should have at least 1 character.");
    return;
  }
  if (!/^[A-Za-z_]+$/.test(id)) {
    ctx.report('PATTERN_MISMATCH', idPath, `Screen id "${id}" should only consist of alphabets and underscores.`);
  }
  if (id.toUpperCase() === 'SUCCESS') {
    ctx.report(
      'SCREEN_ID_IS_RESERVED_KEYWORD',
      idPath,
      `Screen id cannot be '${id}' since SUCCESS is a reserved keyword.`,
    );
  }
  if (seen.has(id)) ctx.report('DUPLICATE_SCREEN_IDS', idPath, `Duplicate screen id found: ${id}.`);
  seen.add(id);
}

function checkBoolean(ctx: Ctx, screen: Json, path: string, key: string): void {
  const value = screen[key];
  if (value !== undefined && typeof value !== 'boolean') {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(path, key),
      `Expected property '${key}' to be a boolean, but found ${describe(value)}.`,
    );
  }
}

function checkLayout(ctx: Ctx, screen: Json, path: string): void {
  const layout = screen.layout;
  const layoutPath = joinPath(path, 'layout');
  if (layout === undefined) {
    ctx.report('MISSING_REQUIRED_TYPE_PROPERTY', layoutPath, "Required property 'layout' is missing.");
    return;
  }
  if (!isObject(layout)) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      layoutPath,
      `Invalid value found for property 'layout' (${describe(layout)}).`,
    );
    return;
  }
  if (layout.type !== 'SingleColumnLayout') {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      joinPath(layoutPath, 'type'),
      `Layout type must be "SingleColumnLayout", found ${JSON.stringify(layout.type)}.`,
    );
  }
  for (const key of Object.keys(layout)) {
    if (key !== 'type' && key !== 'children') {
      ctx.report('INVALID_PROPERTY_KEY', joinPath(layoutPath, key), `Property '${key}' cannot be specified at layout.`);
    }
  }
  if (layout.children === undefined) {
    ctx.report(
      'MISSING_REQUIRED_TYPE_PROPERTY',
      joinPath(layoutPath, 'children'),
      "Required property 'children' is missing.",
    );
  } else if (!Array.isArray(layout.children)) {
    ctx.report(
      'INVALID_PROPERTY_TYPE',
      joinPath(layoutPath, 'children'),
      "Expected property 'children' to be an array.",
    );
  }
}

function checkScreens(ctx: Ctx): void {
  const seen = new Set<string>();
  for (const info of ctx.screens) {
    const { node: screen, path } = info;
    for (const key of Object.keys(screen)) {
      if (!SCREEN_KEYS.has(key)) {
        ctx.report('INVALID_PROPERTY_KEY', joinPath(path, key), `Property '${key}' cannot be specified at ${path}.`);
      }
    }
    checkScreenId(ctx, screen, path, seen);
    for (const key of ['terminal', 'success', 'refresh_on_back']) checkBoolean(ctx, screen, path, key);
    if (screen.title !== undefined && typeof screen.title !== 'string') {
      ctx.report('INVALID_PROPERTY_TYPE', joinPath(path, 'title'), "Expected property 'title' to be of type string.");
    }
    if (screen.success !== undefined && !info.terminal) {
      ctx.report(
        'NOT_KEYWORD_SCHEMA_VALIDATION_FAILED',
        joinPath(path, 'success'),
        "Property 'success' can only be specified on a terminal screen.",
      );
    }
    if (screen.refresh_on_back === true && !ctx.hasEndpoint) {
      ctx.report(
        'INVALID_PROPERTY_VALUE',
        joinPath(path, 'refresh_on_back'),
        "Property 'refresh_on_back' can be true only when property 'data_api_version' is set.",
      );
    }
    const sensitive = screen.sensitive;
    if (sensitive !== undefined) {
      if (!ctx.atLeast('5.1')) {
        ctx.report(
          'INVALID_PROPERTY_KEY',
          joinPath(path, 'sensitive'),
          "Property 'sensitive' requires Flow JSON 5.1 or later.",
        );
      } else if (!Array.isArray(sensitive) || !sensitive.every((item) => typeof item === 'string')) {
        ctx.report(
          'INVALID_PROPERTY_TYPE',
          joinPath(path, 'sensitive'),
          "Expected property 'sensitive' to be an array of strings.",
        );
      }
    }
    checkLayout(ctx, screen, path);
  }
}

function checkTerminal(ctx: Ctx): void {
  if (ctx.screens.length === 0) return;
  const terminal = ctx.screens.filter((screen) => screen.terminal);
  if (terminal.length === 0) {
    ctx.report('MISSING_TERMINAL_SCREEN', 'screens', 'Terminal screen is required but not provided.');
    return;
  }
  if (terminal.every((screen) => screen.node.success === false)) {
    ctx.report(
      'INVALID_PROPERTY_VALUE',
      joinPath(terminal[0]?.path ?? 'screens', 'success'),
      "At least one terminal screen must have property 'success' set as true.",
    );
  }
  for (const screen of terminal) {
    if (!screen.components.some((visit) => visit.type === 'Footer')) {
      ctx.report(
        'MISSING_FOOTER_ON_TERMINAL_SCREEN',
        screen.path,
        `Footer component is missing on terminal screen ${screen.id ?? `#${screen.index}`}.`,
      );
    }
  }
}

/** The whole document is at most 10 MB (SPEC E.1); `text` is the JSON as uploaded or serialized. */
export function checkSize(ctx: Ctx, text: string): void {
  // Every UTF-16 unit is 1 to 3 bytes, so most documents are decided without counting.
  if (text.length * 3 <= MAX_FLOW_JSON_BYTES) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_FLOW_JSON_BYTES) return;
  ctx.report(
    'INVALID_FLOW_JSON',
    '',
    `The maximum size of the Flow JSON is 10 MB (${MAX_FLOW_JSON_BYTES} bytes), but it is ${bytes} bytes.`,
  );
}

export function checkDocument(ctx: Ctx): void {
  checkTopLevel(ctx);
  checkScreens(ctx);
  checkTerminal(ctx);
}
