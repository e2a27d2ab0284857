// Static Flow JSON checks the emulator runs on upload (a subset of Meta's, SPEC E.1–E.4/E.8): the
// JSON parses, `version` is a known version string, `screens` is a non-empty array of screens with
// unique, well-formed, non-reserved ids and a layout, at least one terminal screen, `routing_model`
// required with `data_api_version` and naming only existing screens. Errors use Meta's shape, with
// positions in the uploaded text.

import { JsonSyntaxError, parseLocated, type JsonPath, type Located } from './json-locate.js';
import type { FlowValidationError } from './state.js';

export const FLOW_JSON_VERSIONS = [
  '2.1',
  '3.0',
  '3.1',
  '4.0',
  '5.0',
  '5.1',
  '6.0',
  '6.1',
  '6.2',
  '6.3',
  '7.0',
  '7.1',
  '7.2',
  '7.3',
] as const;
const DATA_API_VERSIONS = ['3.0', '4.0'];
const TOP_LEVEL_KEYS = new Set(['version', 'screens', 'routing_model', 'data_api_version', 'data_channel_uri']);
const SCREEN_KEYS = new Set(['id', 'terminal', 'success', 'title', 'refresh_on_back', 'data', 'layout', 'sensitive']);
const MAX_SCREENS = 100;

export interface FlowJsonCheck {
  errors: FlowValidationError[];
  jsonVersion: string | null;
  dataApiVersion: string | null;
}

type ErrorType = 'JSON_SCHEMA_ERROR' | 'FLOW_JSON_ERROR';

/** Meta's "$root/screens/0/id" notation used inside messages. */
function rootPath(path: JsonPath): string {
  return ['$root', ...path.map(String)].join('/');
}

/** The pointer path notation: screens[0].layout.children[1].type */
function pointerPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Collector {
  readonly errors: FlowValidationError[] = [];
  constructor(readonly located: Located) {}

  add(error: string, type: ErrorType, message: string, path: JsonPath, at: 'value' | 'key' = 'value'): void {
    const span = at === 'key' ? this.located.keySpan(path) : this.located.span(path);
    const position = {
      line_start: span.lineStart,
      line_end: span.lineEnd,
      column_start: span.columnStart,
      column_end: span.columnEnd,
    };
    this.errors.push({
      error,
      error_type: type,
      message,
      ...position,
      pointers: [{ ...position, path: pointerPath(path) }],
    });
  }
}

function checkVersion(root: Record<string, unknown>, out: Collector): string | null {
  const version = root.version;
  if (version === undefined) {
    out.add('MISSING_FLOW_JSON_VERSION', 'FLOW_JSON_ERROR', 'The property "version" is required at "$root".', []);
    return null;
  }
  if (typeof version !== 'string') {
    out.add('INVALID_FLOW_JSON_VERSION', 'FLOW_JSON_ERROR', 'The Flow JSON "version" must be a string such as "7.3".', [
      'version',
    ]);
    return null;
  }
  if (!(FLOW_JSON_VERSIONS as readonly string[]).includes(version)) {
    out.add(
      'UNSUPPORTED_FLOW_JSON_VERSION',
      'FLOW_JSON_ERROR',
      `Flow JSON version "${version}" is not supported. Supported versions: ${FLOW_JSON_VERSIONS.join(', ')}.`,
      ['version'],
    );
  }
  return version;
}

function checkScreens(root: Record<string, unknown>, out: Collector): Set<string> {
  const ids = new Set<string>();
  const screens = root.screens;
  if (screens === undefined) {
    out.add('MISSING_REQUIRED_PROPERTY', 'JSON_SCHEMA_ERROR', 'The property "screens" is required at "$root".', []);
    return ids;
  }
  if (!Array.isArray(screens)) {
    out.add('INVALID_PROPERTY_TYPE', 'JSON_SCHEMA_ERROR', 'Expected property "screens" to be of type "array".', [
      'screens',
    ]);
    return ids;
  }
  if (screens.length === 0) {
    out.add('MIN_ITEMS_REQUIRED', 'JSON_SCHEMA_ERROR', 'The property "screens" must contain at least 1 item.', [
      'screens',
    ]);
    return ids;
  }
  if (screens.length > MAX_SCREENS) {
    out.add(
      'MAX_SCREENS_NUMBER',
      'FLOW_JSON_ERROR',
      `A Flow can have at most ${MAX_SCREENS} screens, found ${screens.length}.`,
      ['screens'],
    );
  }
  screens.forEach((screen: unknown, i) => {
    const path = ['screens', i];
    if (!isObject(screen)) {
      out.add(
        'INVALID_PROPERTY_TYPE',
        'JSON_SCHEMA_ERROR',
        `Expected "${rootPath(path)}" to be of type "object".`,
        path,
      );
      return;
    }
    for (const key of Object.keys(screen)) {
      if (!SCREEN_KEYS.has(key))
        out.add(
          'INVALID_PROPERTY_KEY',
          'JSON_SCHEMA_ERROR',
          `The property "${key}" cannot be specified at "${rootPath(path)}".`,
          [...path, key],
          'key',
        );
    }
    if (!isObject(screen.layout)) {
      out.add(
        'MISSING_REQUIRED_PROPERTY',
        'JSON_SCHEMA_ERROR',
        `The property "layout" is required at "${rootPath(path)}".`,
        screen.layout === undefined ? path : [...path, 'layout'],
      );
    }
    const id = screen.id;
    if (typeof id !== 'string') {
      out.add(
        'MISSING_REQUIRED_PROPERTY',
        'JSON_SCHEMA_ERROR',
        `The property "id" is required at "${rootPath(path)}" and must be a string.`,
        id === undefined ? path : [...path, 'id'],
      );
      return;
    }
    if (id === 'SUCCESS') {
      out.add(
        'SCREEN_ID_IS_RESERVED_KEYWORD',
        'FLOW_JSON_ERROR',
        'The screen id "SUCCESS" is a reserved keyword and cannot be used.',
        [...path, 'id'],
      );
    } else if (!/^[A-Za-z_]+$/.test(id)) {
      out.add(
        'PATTERN_MISMATCH',
        'JSON_SCHEMA_ERROR',
        `Invalid screen id "${id}": a screen name can only contain alphabets and underscores.`,
        [...path, 'id'],
      );
    }
    if (ids.has(id))
      out.add('DUPLICATE_SCREEN_IDS', 'FLOW_JSON_ERROR', `Duplicate screen id "${id}": screen ids must be unique.`, [
        ...path,
        'id',
      ]);
    ids.add(id);
  });
  if (!screens.some((screen: unknown) => isObject(screen) && screen.terminal === true))
    out.add(
      'MISSING_TERMINAL_SCREEN',
      'FLOW_JSON_ERROR',
      'The Flow must have at least one terminal screen ("terminal": true).',
      ['screens'],
    );
  return ids;
}

function checkEndpoint(root: Record<string, unknown>, screenIds: Set<string>, out: Collector): string | null {
  const dataApi = root.data_api_version;
  if (dataApi !== undefined) {
    if (typeof dataApi !== 'string' || !DATA_API_VERSIONS.includes(dataApi)) {
      out.add(
        'NO_SUPPORTED_DATA_API_VERSION',
        'FLOW_JSON_ERROR',
        `"data_api_version" must be one of ${DATA_API_VERSIONS.join(', ')}.`,
        ['data_api_version'],
      );
    }
    if (root.routing_model === undefined) {
      out.add(
        'MISSING_REQUIRED_PROPERTY',
        'JSON_SCHEMA_ERROR',
        "The property 'routing_model' is required for property 'data_api_version'.",
        [],
      );
    }
  }
  const model = root.routing_model;
  if (model !== undefined) {
    if (!isObject(model)) {
      out.add(
        'INVALID_ROUTING_MODEL',
        'FLOW_JSON_ERROR',
        'The routing model must be an object mapping screen ids to arrays of screen ids.',
        ['routing_model'],
      );
    } else {
      for (const [from, targets] of Object.entries(model)) {
        if (!screenIds.has(from))
          out.add(
            'INVALID_ROUTING_MODEL',
            'FLOW_JSON_ERROR',
            `Invalid routing model: screen "${from}" does not exist.`,
            ['routing_model', from],
            'key',
          );
        if (!Array.isArray(targets)) {
          out.add(
            'INVALID_ROUTING_MODEL',
            'FLOW_JSON_ERROR',
            `Invalid routing model: routes of "${from}" must be an array.`,
            ['routing_model', from],
          );
          continue;
        }
        if (targets.length > 10)
          out.add(
            'INVALID_ROUTING_MODEL',
            'FLOW_JSON_ERROR',
            `Invalid routing model: screen "${from}" has more than 10 branches.`,
            ['routing_model', from],
          );
        targets.forEach((to: unknown, k) => {
          if (typeof to !== 'string' || !screenIds.has(to))
            out.add(
              'INVALID_ROUTING_MODEL',
              'FLOW_JSON_ERROR',
              `Invalid routing model: screen ${JSON.stringify(to)} does not exist.`,
              ['routing_model', from, k],
            );
          else if (to === from)
            out.add(
              'INVALID_ROUTING_MODEL',
              'FLOW_JSON_ERROR',
              `Invalid routing model: same screen navigation is not allowed ("${from}").`,
              ['routing_model', from, k],
            );
        });
      }
    }
  }
  return typeof dataApi === 'string' ? dataApi : null;
}

/** Validates uploaded Flow JSON text; never throws. */
export function validateFlowJson(text: string): FlowJsonCheck {
  let located: Located;
  try {
    located = parseLocated(text);
  } catch (error) {
    const span =
      error instanceof JsonSyntaxError ? error.span : { lineStart: 1, lineEnd: 1, columnStart: 1, columnEnd: 1 };
    const reason = error instanceof Error ? error.message : 'unreadable input';
    const position = {
      line_start: span.lineStart,
      line_end: span.lineEnd,
      column_start: span.columnStart,
      column_end: span.columnEnd,
    };
    return {
      errors: [
        {
          error: 'INVALID_FLOW_JSON',
          error_type: 'FLOW_JSON_ERROR',
          message: `The Flow JSON is not valid JSON: ${reason}.`,
          ...position,
          pointers: [],
        },
      ],
      jsonVersion: null,
      dataApiVersion: null,
    };
  }
  const out = new Collector(located);
  const root = located.value;
  if (!isObject(root)) {
    out.add('INVALID_FLOW_JSON', 'FLOW_JSON_ERROR', 'The Flow JSON must be a JSON object.', []);
    return { errors: out.errors, jsonVersion: null, dataApiVersion: null };
  }
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.has(key))
      out.add(
        'INVALID_PROPERTY_KEY',
        'JSON_SCHEMA_ERROR',
        `The property "${key}" cannot be specified at "$root".`,
        [key],
        'key',
      );
  }
  const jsonVersion = checkVersion(root, out);
  const screenIds = checkScreens(root, out);
  const dataApiVersion = checkEndpoint(root, screenIds, out);
  return { errors: out.errors, jsonVersion, dataApiVersion };
}
