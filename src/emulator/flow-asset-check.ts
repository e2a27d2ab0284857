// Flow JSON asset validation for the emulated Flows API: the protocol's offline validator
// (validateFlowJson, SPEC E.8) decides, this file only translates its findings into Meta's
// `validation_errors` shape, with line/column positions found in the uploaded text and the
// finding's JSON path as the pointer. Warnings are rules Meta is inconsistent about, so only
// errors are reported (and only errors block publishing).

import { validateFlowJson, type FlowErrorCode, type FlowFinding } from '../protocol/index.js';
import { JsonSyntaxError, parseLocated, type JsonPath, type Located, type Span } from './json-locate.js';
import type { FlowValidationError } from './state.js';

export interface FlowJsonCheck {
  errors: FlowValidationError[];
  jsonVersion: string | null;
  dataApiVersion: string | null;
}

/** The codes Meta files under JSON_SCHEMA_ERROR (SPEC E.8 "Schema", plus missing properties). */
const SCHEMA_CODES: ReadonlySet<FlowErrorCode> = new Set<FlowErrorCode>([
  'INVALID_PROPERTY_KEY',
  'INVALID_PROPERTY_VALUE',
  'INVALID_PROPERTY_TYPE',
  'INVALID_PROPERTY_VALUE_FORMAT',
  'MIN_ITEMS_REQUIRED',
  'MIN_CHARS_REQUIRED',
  'MISSING_REQUIRED_TYPE_PROPERTY',
  'PATTERN_MISMATCH',
  'INVALID_ENUM_VALUE',
  'INVALID_DEPENDENCIES',
  'NOT_KEYWORD_SCHEMA_VALIDATION_FAILED',
  'KEYWORD_ONE_OF',
  'MISSING_REQUIRED_PROPERTY',
]);

/** `screens[0].layout.children[1]['on-click-action'].name` → ['screens', 0, 'layout', …]. */
export function parseFindingPath(path: string): JsonPath {
  const out: (string | number)[] = [];
  const token = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/y;
  let match: RegExpExecArray | null;
  while (token.lastIndex < path.length && (match = token.exec(path)) !== null) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else out.push((match[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  return out;
}

function position(span: Span) {
  return {
    line_start: span.lineStart,
    line_end: span.lineEnd,
    column_start: span.columnStart,
    column_end: span.columnEnd,
  };
}

function toMeta(finding: FlowFinding, located: Located): FlowValidationError {
  const path = parseFindingPath(finding.path);
  const span = finding.code === 'INVALID_PROPERTY_KEY' ? located.keySpan(path) : located.span(path);
  const at = position(span);
  return {
    error: finding.code,
    error_type: SCHEMA_CODES.has(finding.code) ? 'JSON_SCHEMA_ERROR' : 'FLOW_JSON_ERROR',
    message: finding.message,
    ...at,
    pointers: [{ ...at, path: finding.path }],
  };
}

function stringAt(root: unknown, key: string): string | null {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return null;
  const value = (root as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/** Validates uploaded Flow JSON text; never throws. */
export function checkFlowJsonAsset(text: string): FlowJsonCheck {
  let located: Located;
  try {
    located = parseLocated(text);
  } catch (error) {
    const span =
      error instanceof JsonSyntaxError ? error.span : { lineStart: 1, lineEnd: 1, columnStart: 1, columnEnd: 1 };
    const reason = error instanceof Error ? error.message : 'unreadable input';
    const errors: FlowValidationError[] = [
      {
        error: 'INVALID_FLOW_JSON',
        error_type: 'FLOW_JSON_ERROR',
        message: `The Flow JSON is not valid JSON: ${reason}.`,
        ...position(span),
        pointers: [],
      },
    ];
    return { errors, jsonVersion: null, dataApiVersion: null };
  }
  // validateFlowJson reads a string as JSON text: a file holding a JSON string is refused here instead.
  const findings: FlowFinding[] =
    typeof located.value === 'string'
      ? [{ code: 'INVALID_FLOW_JSON', severity: 'error', message: 'Flow JSON must be a JSON object.', path: '' }]
      : validateFlowJson(located.value);
  const errors = findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => toMeta(finding, located));
  return {
    errors,
    jsonVersion: stringAt(located.value, 'version'),
    dataApiVersion: stringAt(located.value, 'data_api_version'),
  };
}
