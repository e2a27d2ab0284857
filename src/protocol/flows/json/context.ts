// The finding type and the per-document context every validation rule reads: the effective Flow
// JSON version, whether the flow has an endpoint, and each screen pre-walked once.

import { isComponentType } from './catalog.js';
import {
  FLOW_JSON_VERSIONS,
  LATEST_FLOW_JSON_VERSION,
  isFlowJsonVersion,
  parseVersion,
  versionAtLeast,
} from './version.js';
import {
  type ActionVisit,
  type ComponentVisit,
  type Json,
  asArray,
  asString,
  isObject,
  joinPath,
  screenActions,
  screenComponents,
} from './walk.js';

/** Meta's static validation error names (SPEC E.8) this validator reports. */
export type FlowErrorCode =
  | 'INVALID_FLOW_JSON'
  | 'INVALID_PROPERTY_KEY'
  | 'INVALID_PROPERTY_VALUE'
  | 'INVALID_PROPERTY_TYPE'
  | 'INVALID_PROPERTY_VALUE_FORMAT'
  | 'MIN_ITEMS_REQUIRED'
  | 'MIN_CHARS_REQUIRED'
  | 'MISSING_REQUIRED_TYPE_PROPERTY'
  | 'PATTERN_MISMATCH'
  | 'INVALID_ENUM_VALUE'
  | 'INVALID_DEPENDENCIES'
  | 'NOT_KEYWORD_SCHEMA_VALIDATION_FAILED'
  | 'KEYWORD_ONE_OF'
  | 'INVALID_FLOW_JSON_VERSION'
  | 'MISSING_FLOW_JSON_VERSION'
  | 'UNSUPPORTED_FLOW_JSON_VERSION'
  | 'UNAVAILABLE_FLOW_JSON_VERSION'
  | 'NO_SUPPORTED_DATA_API_VERSION'
  | 'INVALID_ROUTING_MODEL'
  | 'INVALID_ON_CLICK_ACTION_PAYLOAD'
  | 'INVALID_COMPLETE_ACTION'
  | 'INVALID_NAVIGATE_ACTION_PAYLOAD'
  | 'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME'
  | 'INVALID_ACTION_PAYLOAD_PROPERTY'
  | 'INVALID_SCREEN_DYNAMIC_DATA'
  | 'INVALID_SCREEN_DATA'
  | 'MAX_SCREENS_NUMBER'
  | 'MAX_EMBEDDED_LINK_PER_SCREEN'
  | 'MAX_FOOTER_PER_SCREEN'
  | 'MAX_IMAGE_PER_SCREEN'
  | 'MAX_OPT_IN_PER_SCREEN'
  | 'MIN_VALUE_GREATER_THAN_MAX'
  | 'MINIMUM_VALUE_REQUIRED'
  | 'MAXIMUM_VALUE_REQUIRED'
  | 'MISSING_REQUIRED_PROPERTY'
  | 'DUPLICATE_FORM_COMPONENT_NAMES'
  | 'DUPLICATE_SCREEN_IDS'
  | 'SCREEN_ID_IS_RESERVED_KEYWORD'
  | 'MISSING_FOOTER_ON_TERMINAL_SCREEN'
  | 'MISSING_TERMINAL_SCREEN'
  | 'COMPONENTS_OUTSIDE_FORM'
  | 'MISSING_FOOTER_IN_IF_ELSE_BRANCHES'
  | 'MISSING_FOOTER_IN_SWITCH_BRANCHES'
  | 'MORE_THAN_ONE_FOOTER'
  | 'NATIVE_COMPONENT_IN_FORM_INIT_VALUES';

export type FlowFindingSeverity = 'error' | 'warning';

export interface FlowFinding {
  readonly code: FlowErrorCode;
  readonly severity: FlowFindingSeverity;
  /** One specific sentence naming the offending value. */
  readonly message: string;
  /** JSON path, e.g. `screens[2].layout.children[0]['on-click-action'].payload`. */
  readonly path: string;
}

export interface ScreenInfo {
  readonly index: number;
  readonly node: Json;
  readonly id: string | undefined;
  readonly path: string;
  readonly terminal: boolean;
  /** The screen declares a `data` object (possibly empty). */
  readonly hasData: boolean;
  readonly dataKeys: ReadonlySet<string>;
  readonly components: readonly ComponentVisit[];
  readonly actions: readonly ActionVisit[];
  /** Named components (not Forms) by name; the first one wins. */
  readonly named: ReadonlyMap<string, ComponentVisit>;
}

export interface Ctx {
  readonly root: Json;
  /** The declared version when known; otherwise the closest known one, so version gates still apply. */
  readonly version: string;
  readonly hasEndpoint: boolean;
  readonly screens: readonly ScreenInfo[];
  /** Screens by id; with duplicate ids the first one wins. */
  readonly byId: ReadonlyMap<string, ScreenInfo>;
  atLeast(version: string): boolean;
  report(code: FlowErrorCode, path: string, message: string, severity?: FlowFindingSeverity): void;
}

/** An unknown `M.m` version is read as the newest known one not above it (the oldest if below all). */
function effectiveVersion(value: unknown): string {
  if (isFlowJsonVersion(value)) return value;
  if (typeof value === 'string' && parseVersion(value) !== undefined) {
    const below = FLOW_JSON_VERSIONS.filter((known) => versionAtLeast(value, known));
    return below.at(-1) ?? FLOW_JSON_VERSIONS[0];
  }
  return LATEST_FLOW_JSON_VERSION;
}

function screenInfo(node: Json, index: number): ScreenInfo {
  const path = joinPath('screens', index);
  const components = screenComponents(node, path);
  const named = new Map<string, ComponentVisit>();
  for (const visit of components) {
    const name = asString(visit.node.name);
    if (name !== undefined && visit.type !== 'Form' && isComponentType(visit.type) && !named.has(name)) {
      named.set(name, visit);
    }
  }
  return {
    index,
    node,
    id: asString(node.id),
    path,
    terminal: node.terminal === true,
    hasData: isObject(node.data),
    dataKeys: new Set(isObject(node.data) ? Object.keys(node.data) : []),
    components,
    actions: screenActions(components),
    named,
  };
}

export function createContext(root: Json, findings: FlowFinding[]): Ctx {
  const version = effectiveVersion(root.version);
  const screens: ScreenInfo[] = [];
  asArray(root.screens).forEach((node, index) => {
    if (isObject(node)) screens.push(screenInfo(node, index));
  });
  const byId = new Map<string, ScreenInfo>();
  for (const screen of screens) if (screen.id !== undefined && !byId.has(screen.id)) byId.set(screen.id, screen);
  return {
    root,
    version,
    hasEndpoint: root.data_api_version !== undefined,
    screens,
    byId,
    atLeast: (minimum) => versionAtLeast(version, minimum),
    report: (code, path, message, severity = 'error') => {
      findings.push({ code, severity, message, path });
    },
  };
}
