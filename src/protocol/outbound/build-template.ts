// Builder for template messages: name, language and the parameters of header, body and buttons.
// Templates are the only kind allowed outside the 24-hour customer service window.

import {
  array,
  compact,
  describe,
  fail,
  integer,
  mediaItem,
  nonEmptyObject,
  object,
  optional,
  optionalInteger,
  required,
  text,
} from './check.js';
import { LIMITS } from './limits.js';
import type { OutboundTemplate } from './types.js';
import type {
  WireOutboundPayload,
  WireTemplateComponent,
  WireTemplateDateTime,
  WireTemplateParameter,
} from './wire.js';

// Every code in Meta's supported-languages list has this shape: "en", "fil", "en_US", "zh_HK".
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const CURRENCY = /^[A-Z]{3}$/;
// Meta rejects such parameter text with "Param text cannot have new-line/tab characters or more
// than 4 consecutive spaces".
const BAD_PARAMETER_TEXT = /[\n\t]| {5}/;

export function buildTemplate(message: OutboundTemplate): WireOutboundPayload {
  const name = required(message.name, 'template.name');
  const code = required(message.language, 'template.language.code');
  if (!LANGUAGE.test(code)) {
    fail('template.language.code', `must be a language code such as "en" or "en_US" (got ${describe(code)})`);
  }
  const components =
    message.components === undefined ? undefined : templateComponents(message.components, 'template.components');
  return { type: 'template', template: compact({ name, language: { code }, components }) };
}

function templateComponents(value: unknown, path: string): WireTemplateComponent[] {
  const items = array(value, path, 0, Number.POSITIVE_INFINITY, 'components');
  // The body text limit depends on whether the body is the only component.
  const bodyLimit = items.length === 1 ? LIMITS.templateBodyTextAlone : LIMITS.templateBodyText;
  const seen = new Set<string>();
  const buttonIndexes = new Set<number>();
  return items.map((item, i): WireTemplateComponent => {
    const at = `${path}[${i}]`;
    const component = object(item, at);
    const type = component.type;
    if (type === 'header' || type === 'body') {
      if (seen.has(type)) fail(at, `at most one ${type} component`);
      seen.add(type);
      const parameters =
        type === 'header'
          ? array(component.parameters, `${at}.parameters`, 1, 1, 'header parameter (one text or one media item)').map(
              (p, j) => headerParameter(p, `${at}.parameters[${j}]`),
            )
          : array(component.parameters, `${at}.parameters`, 1, Number.POSITIVE_INFINITY, 'body parameters').map(
              (p, j) => bodyParameter(p, `${at}.parameters[${j}]`, bodyLimit),
            );
      return { type, parameters };
    }
    if (type === 'button') return button(component, at, buttonIndexes);
    return fail(`${at}.type`, `must be "header", "body" or "button" (got ${describe(type)})`);
  });
}

function headerParameter(value: unknown, path: string): WireTemplateParameter {
  const parameter = object(value, path);
  switch (parameter.type) {
    case 'text':
      return textParameter(parameter, path, LIMITS.templateHeaderText);
    case 'image':
    case 'video':
    case 'document':
      return mediaParameter(parameter, parameter.type, path);
    default:
      return fail(
        `${path}.type`,
        `a header parameter is text, image, video or document (got ${describe(parameter.type)})`,
      );
  }
}

function bodyParameter(value: unknown, path: string, textLimit: number): WireTemplateParameter {
  const parameter = object(value, path);
  const parameterName = optional(parameter.parameterName, `${path}.parameter_name`);
  switch (parameter.type) {
    case 'text':
      return textParameter(parameter, path, textLimit);
    case 'currency':
      return compact({
        type: 'currency',
        parameter_name: parameterName,
        currency: {
          fallback_value: required(parameter.fallbackValue, `${path}.currency.fallback_value`),
          code: currencyCode(parameter.code, `${path}.currency.code`),
          amount_1000: amount1000(parameter.amount1000, `${path}.currency.amount_1000`),
        },
      });
    case 'date_time':
      return compact({ type: 'date_time', parameter_name: parameterName, date_time: dateTime(parameter, path) });
    default:
      return fail(`${path}.type`, `a body parameter is text, currency or date_time (got ${describe(parameter.type)})`);
  }
}

function textParameter(parameter: Record<string, unknown>, path: string, limit: number): WireTemplateParameter {
  const value = text(parameter.text, `${path}.text`, limit);
  if (BAD_PARAMETER_TEXT.test(value)) {
    fail(`${path}.text`, 'must not contain new lines, tabs or more than 4 consecutive spaces');
  }
  return compact({
    type: 'text' as const,
    parameter_name: optional(parameter.parameterName, `${path}.parameter_name`),
    text: value,
  });
}

function mediaParameter(
  parameter: Record<string, unknown>,
  type: 'image' | 'video' | 'document',
  path: string,
): WireTemplateParameter {
  const wire = mediaItem(parameter, type, `${path}.${type}`);
  if (type === 'image') return { type, image: wire };
  if (type === 'video') return { type, video: wire };
  return { type, document: wire };
}

function currencyCode(value: unknown, path: string): string {
  const code = required(value, path);
  if (!CURRENCY.test(code))
    fail(path, `must be an ISO 4217 code of 3 upper-case letters such as "USD" (got ${describe(code)})`);
  return code;
}

function amount1000(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    fail(path, `must be an integer: the amount multiplied by 1000, 100.99 → 100990 (got ${describe(value)})`);
  }
  return value;
}

const CALENDARS: readonly unknown[] = ['GREGORIAN', 'SOLAR_HIJRI'];

function dateTime(parameter: Record<string, unknown>, path: string): WireTemplateDateTime {
  const at = `${path}.date_time`;
  const calendar = parameter.calendar;
  if (calendar !== undefined && !CALENDARS.includes(calendar)) {
    fail(`${at}.calendar`, `must be "GREGORIAN" or "SOLAR_HIJRI" (got ${describe(calendar)})`);
  }
  return compact({
    fallback_value: required(parameter.fallbackValue, `${at}.fallback_value`),
    day_of_week: optionalInteger(parameter.dayOfWeek, `${at}.day_of_week`, 1, 7),
    year: optionalInteger(parameter.year, `${at}.year`, 0, 9999),
    month: optionalInteger(parameter.month, `${at}.month`, 1, 12),
    day_of_month: optionalInteger(parameter.dayOfMonth, `${at}.day_of_month`, 1, 31),
    hour: optionalInteger(parameter.hour, `${at}.hour`, 0, 23),
    minute: optionalInteger(parameter.minute, `${at}.minute`, 0, 59),
    calendar: calendar as string | undefined,
  });
}

function button(component: Record<string, unknown>, path: string, indexes: Set<number>): WireTemplateComponent {
  const index = integer(component.index, `${path}.index`, 0, LIMITS.templateButtonIndexMax);
  if (indexes.has(index)) fail(`${path}.index`, `duplicate button index ${index} (each button is given once)`);
  indexes.add(index);
  const at = `${path}.parameters[0]`;
  // Meta's samples send the position as a string.
  const position = String(index);
  switch (component.subType) {
    case 'quick_reply': {
      const payload = required(component.payload, `${at}.payload`);
      return { type: 'button', sub_type: 'quick_reply', index: position, parameters: [{ type: 'payload', payload }] };
    }
    case 'url': {
      const suffix = required(component.text, `${at}.text`);
      return { type: 'button', sub_type: 'url', index: position, parameters: [{ type: 'text', text: suffix }] };
    }
    case 'flow': {
      const data = component.flowActionData;
      const action = compact({
        flow_token: optional(component.flowToken, `${at}.action.flow_token`),
        flow_action_data: data === undefined ? undefined : nonEmptyObject(data, `${at}.action.flow_action_data`),
      });
      return { type: 'button', sub_type: 'flow', index: position, parameters: [{ type: 'action', action }] };
    }
    default:
      return fail(`${path}.sub_type`, `must be "quick_reply", "url" or "flow" (got ${describe(component.subType)})`);
  }
}
