// Checks an endpoint answer the way WhatsApp's client does before it renders it (SPEC A.5, E.4): the target
// screen exists, routing_model allows the transition, and the data matches the screen's declared data model
// (RFC 8927 style: every declared key present, no undeclared keys, basic types). A failed check means a
// handler bug: the endpoint logs it and answers a safe error instead, never a response the client rejects.
import { allowedTransitions, screenById, type DataSchema, type FlowJson } from '../protocol/index.js';
import type { FlowAction, FlowEndpointResponse } from './types.js';

export interface ResponseProblem {
  code: 'unknown_screen' | 'invalid_transition' | 'undeclared_data' | 'missing_data' | 'data_type' | 'bad_shape';
  message: string;
}

/** Screens with no inbound routing edge: where a flow may start (INIT answers). */
export function entryScreens(flow: FlowJson): string[] {
  const routing = flow.routing_model;
  if (routing === undefined)
    return flow.screens.length > 0 && flow.screens[0] !== undefined ? [flow.screens[0].id] : [];
  const targets = new Set(Object.values(routing).flat());
  return flow.screens.map((s) => s.id).filter((id) => !targets.has(id));
}

/** Screens whose routing edges lead to `screen` (where BACK returns to). */
function predecessors(flow: FlowJson, screen: string): string[] {
  return flow.screens.map((s) => s.id).filter((id) => allowedTransitions(flow, id).includes(screen));
}

export function allowedTargets(flow: FlowJson, action: FlowAction, from: string): string[] {
  if (action === 'INIT' || from === '') return entryScreens(flow);
  if (action === 'BACK') return [...predecessors(flow, from), from];
  return [...allowedTransitions(flow, from), from];
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkValue(schema: DataSchema, value: unknown, path: string): ResponseProblem | null {
  const actual = typeOf(value);
  if (actual !== schema.type) {
    return { code: 'data_type', message: `data.${path} must be ${schema.type}, got ${actual}` };
  }
  // JSON.stringify turns NaN and ±Infinity into null, which the client rejects as not a number.
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { code: 'data_type', message: `data.${path} must be a finite number, got ${String(value)}` };
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    const items = schema.items;
    if (items === false && value.length > 0) {
      return { code: 'data_type', message: `data.${path} must be an empty array (its items schema is false)` };
    }
    if (typeof items === 'object') {
      for (const [i, item] of value.entries()) {
        const problem = checkValue(items, item, `${path}[${i}]`);
        if (problem !== null) return problem;
      }
    }
  }
  if (schema.type === 'object' && schema.properties !== undefined && typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (record[key] === undefined) continue; // nested properties are not all required by Meta's examples
      const problem = checkValue(sub, record[key], `${path}.${key}`);
      if (problem !== null) return problem;
    }
  }
  return null;
}

/** A value of the declared type that carries nothing: what an error answer puts in data it has no value for. */
export function emptyValue(schema: DataSchema): unknown {
  switch (schema.type) {
    case 'string':
      return '';
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, sub]) => [k, emptyValue(sub)]));
  }
}

/** Problems of `response` answered to a request `action` from screen `from`; empty when the client accepts it. */
export function checkResponse(
  flow: FlowJson,
  action: FlowAction,
  from: string,
  response: FlowEndpointResponse,
  /** The request's flow token: a SUCCESS must carry exactly this one (the client checks it). */
  token?: string,
): ResponseProblem[] {
  // Typed, but a handler's JavaScript (or a cast) can answer anything.
  const shape: { screen: unknown; data: unknown } = response;
  if (typeof shape.screen !== 'string' || typeof shape.data !== 'object' || shape.data === null || Array.isArray(shape.data)) {
    return [{ code: 'bad_shape', message: 'a response needs a screen string and a data object' }];
  }
  if (response.screen === 'SUCCESS') {
    const params = (response.data as { extension_message_response?: { params?: unknown } }).extension_message_response
      ?.params;
    const ok =
      typeof params === 'object' &&
      params !== null &&
      typeof (params as { flow_token?: unknown }).flow_token === 'string';
    if (!ok) return [{ code: 'bad_shape', message: 'SUCCESS needs extension_message_response.params.flow_token' }];
    const answered = (params as { flow_token: string }).flow_token;
    return token === undefined || answered === token
      ? []
      : [{ code: 'bad_shape', message: 'SUCCESS carries another flow token than the request' }];
  }
  const screen = screenById(flow, response.screen);
  if (screen === undefined) {
    return [{ code: 'unknown_screen', message: `screen ${response.screen} is not in the Flow JSON` }];
  }
  const problems: ResponseProblem[] = [];
  if (!allowedTargets(flow, action, from).includes(response.screen)) {
    problems.push({
      code: 'invalid_transition',
      message: `${action} from ${from === '' ? '(start)' : from} may not go to ${response.screen}`,
    });
  }
  const declared = screen.data ?? {};
  const data = response.data as Record<string, unknown>;
  const hasError = typeof data.error_message === 'string';
  if (data.error_message !== undefined && !hasError) {
    problems.push({ code: 'data_type', message: 'data.error_message must be a string' });
  }
  for (const [key, value] of Object.entries(data)) {
    if (key === 'error_message' || value === undefined) continue;
    const schema = declared[key];
    if (schema === undefined) {
      problems.push({ code: 'undeclared_data', message: `data.${key} is not declared by screen ${screen.id}` });
      continue;
    }
    const problem = checkValue(schema, value, key);
    if (problem !== null) problems.push(problem);
  }
  // Only a re-render of the screen on display may leave declared data out (the client keeps what it shows).
  if (!(hasError && response.screen === from)) {
    for (const key of Object.keys(declared)) {
      if (data[key] === undefined) {
        problems.push({ code: 'missing_data', message: `data.${key} declared by screen ${screen.id} is missing` });
      }
    }
  }
  return problems;
}
