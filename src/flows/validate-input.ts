// Server-side validation of the form values a data_exchange request carries, before any handler
// sees them: WhatsApp's client checks most of this already, but the endpoint must not trust it.
// The payload is mapped back to the screen's input components through the action that sent it
// (validate-input-map.ts); keys that are not form references pass through unchecked.

import { compareVersions, screenById, type FlowJson, type InputConstraints, type InputField } from '../protocol/index.js';
import { dataKey } from './data-sources.js';
import { referencedFields, valueAt } from './validate-input-map.js';
import {
  checkDate,
  checkDateRange,
  checkMultiChoice,
  checkOptIn,
  checkPicker,
  checkSingleChoice,
  checkTextArea,
  checkTextInput,
  plural,
  pickerNoun,
  type FieldErrorCode,
  type Issue,
  type RangeEnd,
  type RuleContext,
} from './validate-input-rules.js';

export type { FieldErrorCode } from './validate-input-rules.js';

export interface FieldError {
  /** The component `name` (what Form `error-messages` and `${form.…}` use). */
  field: string;
  /** The component's label when it is plain text, for a message naming the field. */
  label?: string;
  /** Short, specific, for the person filling in the form. */
  message: string;
  /** Stable machine-readable reason. */
  code: FieldErrorCode;
  /** Where the value sits in the payload, dot-joined (the payload key for top-level values). */
  key: string;
}

/** A data-source id, or a data-source item as sent to the screen in `data`. */
export type DataSourceOption = string | { id: string };

export interface ValidateSubmissionOptions {
  /** Today as "YYYY-MM-DD"; reserved — Meta's pickers have no implicit bound relative to today. */
  today?: string;
  /** Options a dynamic (`${data.…}`) data-source offered, by component name. */
  dataSources?: Readonly<Record<string, readonly DataSourceOption[]>>;
  /** Bounds a component took from the screen's data (`"min-date": "${data.from}"`), by component name. */
  constraints?: Readonly<Record<string, Partial<InputConstraints>>>;
  /**
   * The data the screen was shown with: a `visible`, `enabled` or `required` that is exactly `${data.x}`
   * takes its boolean from here (otherwise such a field may be hidden, so an empty value passes).
   */
  data?: Readonly<Record<string, unknown>>;
  /** False: values with a pattern are refused unmatched (see FlowEndpoint's pattern penalty). */
  runPatterns?: boolean;
}

/** `flag` itself, or the boolean a lone `${data.x}` names in `data`; undefined when it cannot be known. */
function resolveFlag(flag: unknown, data: Readonly<Record<string, unknown>> | undefined): boolean | undefined {
  if (typeof flag === 'boolean') return flag;
  if (typeof flag !== 'string' || data === undefined) return undefined;
  const key = dataKey(flag.trim());
  const value = key === undefined ? undefined : data[key];
  return typeof value === 'boolean' ? value : undefined;
}

/** The field with its data-bound flags resolved against what the screen was shown with. */
function withFlags(field: InputField, data: Readonly<Record<string, unknown>> | undefined): InputField {
  const bound =
    typeof field.visible === 'string' || typeof field.enabled === 'string' || typeof field.required === 'string';
  if (data === undefined || !bound) return field;
  const out = { ...field };
  const visible = resolveFlag(field.visible, data);
  const enabled = resolveFlag(field.enabled, data);
  const required = typeof field.required === 'string' ? resolveFlag(field.required, data) : undefined;
  if (visible !== undefined) out.visible = visible;
  if (enabled !== undefined) out.enabled = enabled;
  if (required !== undefined) out.required = required;
  return out;
}

/** Zero-width characters: a value of only these (and spaces) shows nothing. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.replace(INVISIBLE, '').trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Whether the person could have seen and changed the field, as far as the static JSON tells. */
function shownAndEnabled(field: InputField): boolean {
  if (field.conditional) return false;
  if (field.visible !== undefined && field.visible !== true) return false;
  return field.enabled === undefined || field.enabled === true;
}

function requiredEnds(field: InputField): Record<RangeEnd, boolean> {
  const { required } = field;
  if (typeof required === 'boolean') return { 'start-date': required, 'end-date': required };
  if (typeof required === 'string') return { 'start-date': false, 'end-date': false };
  return { 'start-date': required['start-date'] === true, 'end-date': required['end-date'] === true };
}

function requiredMessage(field: InputField): string {
  switch (field.type) {
    case 'TextInput':
    case 'TextArea':
      return 'Fill in this field';
    case 'Dropdown':
    case 'RadioButtonsGroup':
      return 'Choose an option';
    case 'CheckboxGroup':
    case 'ChipsSelector':
      return `Choose at least ${plural(Math.max(1, field.constraints.minSelectedItems ?? 1), 'option')}`;
    case 'DatePicker':
    case 'CalendarPicker':
      return field.constraints.mode === 'range' ? 'Choose a start and an end date' : 'Choose a date';
    case 'OptIn':
      return 'Tick this box to continue';
    case 'PhotoPicker':
    case 'DocumentPicker':
      return `Add at least ${plural(Math.max(1, field.constraints.minUploads ?? 1), pickerNoun(field))}`;
    default:
      return 'Fill in this field';
  }
}

function isRequired(field: InputField): boolean {
  if (field.type === 'PhotoPicker' || field.type === 'DocumentPicker') return (field.constraints.minUploads ?? 0) > 0;
  if (field.type === 'CalendarPicker' && field.constraints.mode === 'range') {
    const ends = requiredEnds(field);
    return ends['start-date'] || ends['end-date'];
  }
  return field.required === true;
}

function checkPresent(field: InputField, value: unknown, ctx: RuleContext): Issue | null {
  switch (field.type) {
    case 'TextInput':
      return checkTextInput(field, value, ctx);
    case 'TextArea':
      return checkTextArea(field, value);
    case 'Dropdown':
    case 'RadioButtonsGroup':
      return checkSingleChoice(field, value, ctx);
    case 'CheckboxGroup':
    case 'ChipsSelector':
      return checkMultiChoice(field, value, ctx);
    case 'DatePicker':
      return checkDate(field, value, ctx);
    case 'CalendarPicker':
      return field.constraints.mode === 'range'
        ? checkDateRange(
            field,
            value,
            shownAndEnabled(field) ? requiredEnds(field) : { 'start-date': false, 'end-date': false },
            ctx,
          )
        : checkDate(field, value, ctx);
    case 'OptIn':
      if (field.required === true && value !== true && shownAndEnabled(field)) {
        return { code: 'required', message: requiredMessage(field) };
      }
      return checkOptIn(value);
    case 'PhotoPicker':
    case 'DocumentPicker':
      return checkPicker(field, value);
    default:
      return null;
  }
}

function dynamicOptions(field: InputField, options: ValidateSubmissionOptions): readonly string[] | undefined {
  const given = options.dataSources?.[field.name];
  if (given === undefined) return undefined;
  return given.map((item) => (typeof item === 'string' ? item : item.id));
}

/**
 * Problems with the form values in `payload`, as submitted from screen `screenId` of `flow`; an
 * empty list means the handler may see them. An unknown screen yields no errors (the endpoint
 * rejects unknown screens on its own).
 */
export function validateSubmission(
  flow: FlowJson,
  screenId: string,
  payload: Record<string, unknown>,
  options: ValidateSubmissionOptions = {},
): FieldError[] {
  const screen = screenById(flow, screenId);
  if (screen === undefined) return [];
  const errors: FieldError[] = [];
  const isoDates = compareVersions(flow.version, '5.0') >= 0;
  for (const { field: declared, keyPath, global } of referencedFields(screen, payload, flow)) {
    // What the screen's data offered (options, date bounds) is this screen's; another screen's field is
    // checked against its static declaration only.
    const shown = global ? {} : options;
    const dynamic = shown.constraints?.[declared.name];
    const field = withFlags(
      dynamic === undefined ? declared : { ...declared, constraints: { ...declared.constraints, ...dynamic } },
      shown.data,
    );
    const value = valueAt(payload, keyPath);
    const key = keyPath.join('.');
    let found: Issue | null;
    if (isEmpty(value)) {
      found =
        isRequired(field) && shownAndEnabled(field) ? { code: 'required', message: requiredMessage(field) } : null;
    } else {
      found = checkPresent(field, value, {
        dynamicOptions: dynamicOptions(field, shown),
        isoDates,
        ...(options.runPatterns === false ? { runPatterns: false } : {}),
      });
    }
    if (found)
      errors.push({
        field: field.name,
        ...(field.label === undefined ? {} : { label: field.label }),
        message: found.message,
        code: found.code,
        key,
      });
  }
  return errors;
}

/**
 * The snackbar message for refused input: one message per field (a field sent under two keys may fail under
 * both), the first three fields, each named by its label when there is more than one ("Full name: Fill in
 * this field. Email: Enter a valid email address.").
 */
export function refusalMessage(errors: readonly Pick<FieldError, 'field' | 'label' | 'message'>[]): string {
  const perField = new Map<string, Pick<FieldError, 'label' | 'message'>>();
  for (const e of errors) if (!perField.has(e.field)) perField.set(e.field, e);
  const first = [...perField.values()].slice(0, 3);
  if (first.length === 1) return first[0]?.message ?? '';
  return first.map((e) => `${e.label === undefined ? '' : `${e.label}: `}${e.message}.`).join(' ');
}
