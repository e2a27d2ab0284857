// Per-component checks of one submitted value that is present (emptiness and `required` are
// decided by the caller). Each returns the first problem as a short message a person can act on,
// or null. Limits come from the screen's static Flow JSON (SPEC E.5, B.1).

import { pickerItem } from './picker-item.js';
import type { InputField } from '../protocol/index.js';
import { PatternSandbox } from './pattern-sandbox.js';
import { formatDay, parseDay, weekdayOf } from './validate-input-dates.js';

export type FieldErrorCode =
  | 'required'
  | 'invalid_value'
  | 'too_short'
  | 'too_long'
  | 'not_a_number'
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_passcode'
  | 'invalid_date'
  | 'pattern_mismatch'
  /** The pattern could not be decided in time (a backtracking regex); the value is refused. */
  | 'pattern_unchecked'
  | 'not_an_option'
  | 'too_few_selected'
  | 'too_many_selected'
  | 'date_too_early'
  | 'date_too_late'
  | 'date_unavailable'
  | 'day_not_included'
  | 'range_reversed'
  | 'range_too_short'
  | 'range_too_long'
  | 'too_few_files'
  | 'too_many_files'
  /** Control characters, direction overrides or a broken surrogate pair: nothing a keyboard types. */
  | 'invalid_characters';

export interface Issue {
  code: FieldErrorCode;
  message: string;
}

export interface RuleContext {
  /** Ids a dynamic data-source offered, when the caller knows them. */
  dynamicOptions: readonly string[] | undefined;
  /** False: refuse values with a pattern without matching them (a sender whose value ran a match out). */
  runPatterns?: boolean;
  /**
   * Date values are "YYYY-MM-DD" only: the flow's Flow JSON is 5.0 or later, where the client sends no other
   * form (SPEC E.5; before 5.0 a DatePicker sends millisecond timestamps).
   */
  isoDates?: boolean;
}

const issue = (code: FieldErrorCode, message: string): Issue => ({ code, message });

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function chars(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Longest value a pattern is run against; longer ones are refused (TextInput max-chars defaults to 80). */
const MAX_PATTERN_INPUT = 4096;
/** Patterns run on a worker with a time bound, so a careless regex cannot stall the endpoint. One per process. */
export const patternSandbox = new PatternSandbox();
const patternCache = new Map<string, RegExp | null>();

/** The Flow JSON pattern as a JS RegExp (Unicode mode if it parses so), or null if invalid. */
export function compilePattern(source: string): RegExp | null {
  const cached = patternCache.get(source);
  if (cached !== undefined) return cached;
  let compiled: RegExp | null = null;
  for (const flags of ['u', '']) {
    try {
      compiled = new RegExp(source, flags);
      break;
    } catch {
      // Try without Unicode mode; an invalid pattern is skipped rather than blocking every user.
    }
  }
  if (patternCache.size > 500) patternCache.clear();
  patternCache.set(source, compiled);
  return compiled;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;
const PHONE = /^\+?\d{4,15}$/;
const DIGITS = /^\d+$/;

function checkInputType(type: string, text: string): Issue | null {
  switch (type) {
    case 'number':
      return NUMBER.test(text) ? null : issue('not_a_number', 'Enter a number');
    case 'email':
      return EMAIL.test(text) ? null : issue('invalid_email', 'Enter a valid email address');
    case 'phone':
      return PHONE.test(text.replace(/[\s().-]/g, '')) ? null : issue('invalid_phone', 'Enter a valid phone number');
    case 'passcode':
      return DIGITS.test(text) ? null : issue('invalid_passcode', 'Enter digits only');
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && parseDay(text) !== null
        ? null
        : issue('invalid_date', 'Enter a date as YYYY-MM-DD');
    default:
      return null;
  }
}

/**
 * Characters no keyboard types into a text field and that stored text must not carry: C0 controls and DEL
 * (a TextArea keeps tab and line breaks), the two direction overrides (LRO, RLO) that make text read in another
 * order than it is stored ("a\u202Egnp.exe" shows as "aexe.png"), and halves of broken surrogate pairs. The
 * direction marks, embeddings and isolates stay: Hebrew and Arabic keyboards type them, and phones add them
 * to names and numbers copied from contacts.
 */
// eslint-disable-next-line no-control-regex
const LINE_CONTROLS = /[\u0000-\u001F\u007F\u202D\u202E]/;
// eslint-disable-next-line no-control-regex
const TEXT_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202D\u202E]/;
const BROKEN_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The issue for text holding `controls` or a broken surrogate pair, else null. */
function untypeable(text: string, controls: RegExp): Issue | null {
  return controls.test(text) || BROKEN_SURROGATE.test(text)
    ? issue('invalid_characters', 'Remove the special characters')
    : null;
}

export function checkTextInput(field: InputField, value: unknown, ctx?: RuleContext): Issue | null {
  const c = field.constraints;
  const numeric = c.inputType === 'number' && typeof value === 'number' && Number.isFinite(value);
  if (typeof value !== 'string' && !numeric) return issue('invalid_value', 'Enter a valid value');
  const text = String(value);
  const typedOdd = untypeable(text, LINE_CONTROLS);
  if (typedOdd) return typedOdd;
  const length = chars(text);
  if (c.maxChars !== undefined && length > c.maxChars) {
    return issue('too_long', `Enter at most ${plural(c.maxChars, 'character')}`);
  }
  if (c.minChars !== undefined && length < c.minChars) {
    return issue('too_short', `Enter at least ${plural(c.minChars, 'character')}`);
  }
  const typed = checkInputType(c.inputType ?? 'text', text.trim());
  if (typed) return typed;
  if (c.pattern !== undefined) return checkPattern(c.pattern, text, length, ctx?.runPatterns !== false);
  return null;
}

function checkPattern(source: string, text: string, length: number, run: boolean): Issue | null {
  const pattern = compilePattern(source);
  if (pattern === null) return null;
  if (length > MAX_PATTERN_INPUT) return issue('too_long', `Enter at most ${plural(MAX_PATTERN_INPUT, 'character')}`);
  const verdict = run ? patternSandbox.test(source, pattern.flags, text) : 'unavailable';
  if (verdict === 'match') return null;
  if (verdict === 'mismatch') return issue('pattern_mismatch', 'Enter a value in the format shown');
  // The endpoint logs the field (never the value): see FlowEndpoint.validate.
  return issue('pattern_unchecked', 'This value could not be checked; enter it in the format shown');
}

export function checkTextArea(field: InputField, value: unknown): Issue | null {
  if (typeof value !== 'string') return issue('invalid_value', 'Enter a valid value');
  const typedOdd = untypeable(value, TEXT_CONTROLS);
  if (typedOdd) return typedOdd;
  const max = field.constraints.maxLength;
  if (max !== undefined && chars(value) > max) return issue('too_long', `Enter at most ${plural(max, 'character')}`);
  return null;
}

function optionIds(field: InputField, ctx: RuleContext): readonly string[] | undefined {
  return field.dynamicDataSource === undefined ? field.constraints.options : ctx.dynamicOptions;
}

function asId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function checkSingleChoice(field: InputField, value: unknown, ctx: RuleContext): Issue | null {
  const id = asId(value);
  const ids = optionIds(field, ctx);
  if (id === null || (ids !== undefined && !ids.includes(id))) {
    return issue('not_an_option', 'Choose an option from the list');
  }
  return null;
}

export function checkMultiChoice(field: InputField, value: unknown, ctx: RuleContext): Issue | null {
  if (!Array.isArray(value)) return issue('not_an_option', 'Choose options from the list');
  const ids = optionIds(field, ctx);
  const chosen = value.map(asId);
  if (chosen.some((id) => id === null || (ids !== undefined && !ids.includes(id)))) {
    return issue('not_an_option', 'Choose options from the list');
  }
  if (new Set(chosen).size !== chosen.length) return issue('invalid_value', 'Choose each option only once');
  const { minSelectedItems: min, maxSelectedItems: max } = field.constraints;
  if (min !== undefined && chosen.length < min)
    return issue('too_few_selected', `Choose at least ${plural(min, 'option')}`);
  if (max !== undefined && chosen.length > max)
    return issue('too_many_selected', `Choose at most ${plural(max, 'option')}`);
  return null;
}

/** One chosen day against min-date, max-date, unavailable-dates and include-days. */
function checkDay(field: InputField, value: unknown, ctx: RuleContext): Issue | { day: number } {
  const day = parseDay(value, ctx.isoDates === true);
  if (day === null) return issue('invalid_date', 'Choose a valid date');
  const c = field.constraints;
  const min = c.minDate === undefined ? null : parseDay(c.minDate);
  const max = c.maxDate === undefined ? null : parseDay(c.maxDate);
  if (min !== null && day < min) return issue('date_too_early', `Choose a date on or after ${formatDay(min)}`);
  if (max !== null && day > max) return issue('date_too_late', `Choose a date on or before ${formatDay(max)}`);
  if (c.unavailableDates?.some((text) => parseDay(text) === day)) {
    return issue('date_unavailable', 'This date is not available');
  }
  if (c.includeDays !== undefined && c.includeDays.length > 0 && !c.includeDays.includes(weekdayOf(day))) {
    return issue('day_not_included', `Choose a date on ${c.includeDays.join(', ')}`);
  }
  return { day };
}

export function checkDate(field: InputField, value: unknown, ctx: RuleContext): Issue | null {
  const result = checkDay(field, value, ctx);
  return 'code' in result ? result : null;
}

export type RangeEnd = 'start-date' | 'end-date';

/** A CalendarPicker range; `required` says which ends must be present. */
export function checkDateRange(
  field: InputField,
  value: unknown,
  required: Record<RangeEnd, boolean>,
  ctx: RuleContext,
): Issue | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return issue('invalid_date', 'Choose a start and an end date');
  }
  const range = value as Record<string, unknown>;
  const days: Partial<Record<RangeEnd, number>> = {};
  for (const end of ['start-date', 'end-date'] as const) {
    const raw = range[end];
    const label = end === 'start-date' ? 'a start date' : 'an end date';
    if (raw === undefined || raw === null || raw === '') {
      if (required[end]) return issue('required', `Choose ${label}`);
      continue;
    }
    const result = checkDay(field, raw, ctx);
    if ('code' in result) return result;
    days[end] = result.day;
  }
  const { 'start-date': start, 'end-date': finish } = days;
  if (start === undefined || finish === undefined) return null;
  if (finish < start) return issue('range_reversed', 'The end date must not be before the start date');
  const length = finish - start + 1;
  const { minDays, maxDays } = field.constraints;
  if (minDays !== undefined && length < minDays)
    return issue('range_too_short', `Choose at least ${plural(minDays, 'day')}`);
  if (maxDays !== undefined && length > maxDays)
    return issue('range_too_long', `Choose at most ${plural(maxDays, 'day')}`);
  return null;
}

export function checkOptIn(value: unknown): Issue | null {
  return typeof value === 'boolean' ? null : issue('invalid_value', 'Tick or untick this box');
}

export function pickerNoun(field: InputField): string {
  return field.type === 'PhotoPicker' ? 'photo' : 'document';
}

export function checkPicker(field: InputField, value: unknown): Issue | null {
  const noun = pickerNoun(field);
  // The media service's own reading of a picker file: what passes here is what it downloads.
  if (!Array.isArray(value) || !value.every((item) => pickerItem(item) !== null)) {
    return issue('invalid_value', `Upload the ${noun}s again`);
  }
  const { minUploads: min, maxUploads: max } = field.constraints;
  if (min !== undefined && value.length < min) return issue('too_few_files', `Add at least ${plural(min, noun)}`);
  if (max !== undefined && value.length > max) return issue('too_many_files', `Add at most ${plural(max, noun)}`);
  return null;
}
