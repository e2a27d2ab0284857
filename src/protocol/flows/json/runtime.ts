// Pure lookups the flow endpoint needs at request time: a screen by id, the screens a screen may
// hand over to (routing_model, or the navigate actions of an endpoint-less flow), the input
// components of a screen with their constraints, the actions of a screen by name (the endpoint maps
// data_exchange payloads back to form fields through them), and the data keys a screen declares.

import { isInputType } from './catalog.js';
import type { InputComponentType } from './components.js';
import type { FlowJson, Screen } from './types.js';
import { asArray, asString, componentActions, isObject, navigateEdges, walkComponents } from './walk.js';

export function screenById(flow: FlowJson, id: string): Screen | undefined {
  return flow.screens.find((screen) => screen.id === id);
}

/**
 * Screen ids `from` may go to next: its routing_model entry when the flow has one (what Meta checks
 * endpoint answers against, `invalid-screen-transition`), else the targets of its navigate actions.
 */
export function allowedTransitions(flow: FlowJson, from: string): string[] {
  if (flow.routing_model !== undefined) return [...(flow.routing_model[from] ?? [])];
  const targets = navigateEdges(flow.screens)
    .filter((edge) => edge.from === from)
    .map((edge) => edge.to);
  return [...new Set(targets)];
}

/** Static constraints of an input (documented defaults filled in); dynamic values are left out. */
export interface InputConstraints {
  inputType?: string;
  minChars?: number;
  maxChars?: number;
  maxLength?: number;
  pattern?: string;
  minSelectedItems?: number;
  maxSelectedItems?: number;
  /** Ids of a static data-source. */
  options?: string[];
  mode?: 'single' | 'range';
  minDate?: string;
  maxDate?: string;
  unavailableDates?: string[];
  includeDays?: string[];
  minDays?: number;
  maxDays?: number;
  minUploads?: number;
  maxUploads?: number;
  maxFileSizeKb?: number;
  allowedMimeTypes?: string[];
  photoSource?: string;
}

export interface InputField {
  name: string;
  type: InputComponentType;
  /** `true`/`false`, a dynamic expression, or per range end for a CalendarPicker in range mode. */
  required: boolean | string | Record<string, unknown>;
  /** Inside an If or Switch branch, so it may not be shown. */
  conditional: boolean;
  inForm: boolean;
  constraints: InputConstraints;
  /** `visible` when the component sets it (`false` or a dynamic expression). */
  visible?: boolean | string;
  /** `enabled` when the component sets it (`false` or a dynamic expression). */
  enabled?: boolean | string;
  /** The `${data.…}` expression of a dynamic data-source, whose ids are only known at run time. */
  dynamicDataSource?: string;
  /** The label as the screen shows it, when it is plain text (not an expression, not one per range end). */
  label?: string;
}

const DEFAULTS: Partial<Record<InputComponentType, InputConstraints>> = {
  TextInput: { inputType: 'text', maxChars: 80 },
  TextArea: { maxLength: 600 },
  CalendarPicker: { mode: 'single' },
  PhotoPicker: { minUploads: 0, maxUploads: 30, maxFileSizeKb: 25600, photoSource: 'camera_gallery' },
  DocumentPicker: { minUploads: 0, maxUploads: 30, maxFileSizeKb: 25600 },
};

const NUMBERS: Record<string, keyof InputConstraints> = {
  'min-chars': 'minChars',
  'max-chars': 'maxChars',
  'max-length': 'maxLength',
  'min-selected-items': 'minSelectedItems',
  'max-selected-items': 'maxSelectedItems',
  'min-days': 'minDays',
  'max-days': 'maxDays',
  'min-uploaded-photos': 'minUploads',
  'max-uploaded-photos': 'maxUploads',
  'min-uploaded-documents': 'minUploads',
  'max-uploaded-documents': 'maxUploads',
  'max-file-size-kb': 'maxFileSizeKb',
};

const STRINGS: Record<string, keyof InputConstraints> = {
  'input-type': 'inputType',
  pattern: 'pattern',
  mode: 'mode',
  'min-date': 'minDate',
  'max-date': 'maxDate',
  'photo-source': 'photoSource',
};

const STRING_LISTS: Record<string, keyof InputConstraints> = {
  'unavailable-dates': 'unavailableDates',
  'include-days': 'includeDays',
  'allowed-mime-types': 'allowedMimeTypes',
};

/** The kind of value each constraint property takes, by property (what a `${data.x}` there must hold). */
export type ConstraintKind = 'number' | 'string' | 'strings';

export const CONSTRAINT_PROPERTIES: Readonly<Record<string, { key: keyof InputConstraints; kind: ConstraintKind }>> =
  Object.fromEntries(
    (
      [
        [NUMBERS, 'number'],
        [STRINGS, 'string'],
        [STRING_LISTS, 'strings'],
      ] as const
    ).flatMap(([table, kind]) => Object.entries(table).map(([prop, key]) => [prop, { key, kind }])),
  );

function constraintsOf(type: InputComponentType, node: Record<string, unknown>): InputConstraints {
  const out: Record<string, unknown> = { ...DEFAULTS[type] };
  for (const [prop, key] of Object.entries(NUMBERS)) if (typeof node[prop] === 'number') out[key] = node[prop];
  for (const [prop, key] of Object.entries(STRINGS)) {
    const value = node[prop];
    if (typeof value === 'string' && !value.includes('${')) out[key] = value;
  }
  for (const [prop, key] of Object.entries(STRING_LISTS)) {
    const value = node[prop];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) out[key] = [...value];
  }
  const source = node['data-source'];
  if (Array.isArray(source)) {
    out.options = source.flatMap((item) => (isObject(item) && typeof item.id === 'string' ? [item.id] : []));
  }
  return out;
}

/** The input components of a screen (through Form, If and Switch), in document order. */
export function inputComponents(screen: Screen): InputField[] {
  const fields: InputField[] = [];
  for (const visit of walkComponents(screen.layout.children, '')) {
    const type = visit.type;
    const name = asString(visit.node.name);
    if (!isInputType(type) || name === undefined) continue;
    const required = visit.node.required;
    const field: InputField = {
      name,
      type,
      required: typeof required === 'boolean' || typeof required === 'string' || isObject(required) ? required : false,
      conditional: visit.branches.length > 0,
      inForm: visit.form !== undefined,
      constraints: constraintsOf(type, visit.node),
    };
    const { visible, enabled } = visit.node;
    const source = visit.node['data-source'];
    if (typeof visible === 'boolean' || typeof visible === 'string') field.visible = visible;
    if (typeof enabled === 'boolean' || typeof enabled === 'string') field.enabled = enabled;
    if (typeof source === 'string') field.dynamicDataSource = source;
    const label = visit.node.label;
    if (typeof label === 'string' && label.trim() !== '' && !label.includes('${') && !label.startsWith('`'))
      field.label = label.trim();
    fields.push(field);
  }
  return fields;
}

/** An action of a screen component with a payload (data_exchange, complete, navigate, update_data). */
export interface ScreenAction {
  name: string;
  /** `on-click-action`, `on-select-action` or `on-unselect-action`. */
  event: string;
  componentType: string | undefined;
  componentName: string | undefined;
  /** JSON path of the action inside the screen's layout children. */
  path: string;
  payload: Record<string, unknown>;
}

/** The actions of a screen (through Form, If and Switch) named `name`, in document order. */
export function screenActionsNamed(screen: Screen, name: string): ScreenAction[] {
  return walkComponents(screen.layout.children, '')
    .flatMap(componentActions)
    .filter((visit) => visit.name === name)
    .map((visit) => ({
      name,
      event: visit.event,
      componentType: visit.component.type,
      componentName: asString(visit.component.node.name),
      path: visit.path,
      payload: isObject(visit.action.payload) ? visit.action.payload : {},
    }));
}

/** Keys of the screen's declared `data` model. */
export function declaredDataKeys(screen: Screen): string[] {
  return Object.keys(screen.data ?? {});
}

/** Ids of screens marked terminal. */
export function terminalScreens(flow: FlowJson): string[] {
  return asArray(flow.screens).flatMap((screen) =>
    isObject(screen) && screen.terminal === true && typeof screen.id === 'string' ? [screen.id] : [],
  );
}
