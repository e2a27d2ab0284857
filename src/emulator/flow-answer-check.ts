// Checks a decrypted endpoint answer the way WhatsApp's client does before rendering it (SPEC
// A.5): `screen` is required, SUCCESS carries extension_message_response.params with the flow
// token, and, given the Flow JSON, the target screen exists, the routing model allows the move
// (else invalid-screen-transition) and the data matches the target screen's declared data model
// (else payload-schema-error).

import { allowedTransitions, screenById, type DataSchema, type FlowJson } from '../protocol/index.js';
import { FlowClientError } from './flow-client-errors.js';
import type { CheckedAnswer } from './flow-client-types.js';
import { isRecord } from './graph-common.js';

export type FlowAction = 'INIT' | 'BACK' | 'data_exchange';

export interface AnswerContext {
  flow: FlowJson | null;
  action: FlowAction;
  /** The screen the request was sent from ("" or null when not populated). */
  from: string | null;
  flowToken: string;
}

function schemaError(message: string): FlowClientError {
  return new FlowClientError('payload-schema-error', message, { status: 200 });
}

function transitionError(message: string): FlowClientError {
  return new FlowClientError('invalid-screen-transition', message, { status: 200 });
}

/** Parses Flow JSON text (or takes the object) far enough to look screens up. */
export function parseFlowJson(json: FlowJson | string): FlowJson {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isRecord(value) || !Array.isArray(value.screens)) throw new TypeError('flowJson must be a Flow JSON object');
  return value as unknown as FlowJson;
}

/** Why `value` does not fit `schema`, or null. */
function mismatch(schema: DataSchema, value: unknown, path: string): string | null {
  switch (schema.type) {
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? null : `${path} must be a ${schema.type}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${path} must be a number`;
    case 'array': {
      if (!Array.isArray(value)) return `${path} must be an array`;
      const items = schema.items;
      if (items === false) return value.length === 0 ? null : `${path} must be empty`;
      if (items === true) return null;
      for (const [i, item] of value.entries()) {
        const problem = mismatch(items, item, `${path}[${i}]`);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'object': {
      if (!isRecord(value)) return `${path} must be an object`;
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (!(key in value)) continue;
        const problem = mismatch(child, value[key], `${path}.${key}`);
        if (problem !== null) return problem;
      }
      return null;
    }
  }
}

/** Screens that have a route into `to`. */
function predecessors(flow: FlowJson, to: string): string[] {
  return flow.screens.map((s) => s.id).filter((id) => allowedTransitions(flow, id).includes(to));
}

function checkTransition(ctx: AnswerContext, flow: FlowJson, target: string): void {
  if (screenById(flow, target) === undefined)
    throw transitionError(`The answer names screen "${target}", which the Flow JSON does not have.`);
  const from = ctx.from === null || ctx.from === '' ? null : ctx.from;
  if (from === null || from === target) {
    if (ctx.action !== 'INIT' || flow.routing_model === undefined) return;
    // A flow opens on an entry screen: one no route leads into.
    if (predecessors(flow, target).length > 0)
      throw transitionError(`INIT answered with "${target}", which is not an entry screen of the routing model.`);
    return;
  }
  const allowed = ctx.action === 'BACK' ? predecessors(flow, from) : allowedTransitions(flow, from);
  if (!allowed.includes(target)) {
    const verb = ctx.action === 'BACK' ? 'go back from' : 'go from';
    throw transitionError(`The routing model does not allow to ${verb} "${from}" to "${target}".`);
  }
}

function checkScreenData(flow: FlowJson, target: string, data: Record<string, unknown>, rerender: boolean): void {
  const declared = screenById(flow, target)?.data ?? {};
  for (const [key, value] of Object.entries(data)) {
    const schema = declared[key];
    if (schema === undefined) throw schemaError(`Screen "${target}" does not declare the data field "${key}".`);
    const problem = mismatch(schema, value, key);
    if (problem !== null) throw schemaError(`Data for screen "${target}" does not match its model: ${problem}.`);
  }
  // An error_message re-render of the same screen keeps the data it already has.
  if (rerender) return;
  const missing = Object.keys(declared).filter((key) => !(key in data));
  if (missing.length > 0)
    throw schemaError(`Data for screen "${target}" lacks the declared field(s) ${missing.join(', ')}.`);
}

function successAnswer(ctx: AnswerContext, body: Record<string, unknown>, data: Record<string, unknown>) {
  const extension = data.extension_message_response;
  const params = isRecord(extension) ? extension.params : undefined;
  if (!isRecord(params)) throw schemaError('A SUCCESS answer needs data.extension_message_response.params (object).');
  if (typeof params.flow_token !== 'string' || params.flow_token === '')
    throw schemaError('extension_message_response.params.flow_token is required.');
  if (params.flow_token !== ctx.flowToken)
    throw schemaError('extension_message_response.params.flow_token is not the flow token of this flow.');
  const flowToken = params.flow_token;
  return { kind: 'success' as const, params: { ...params, flow_token: flowToken }, body };
}

/** Validates a decrypted answer to INIT/BACK/data_exchange; throws FlowClientError. */
export function checkFlowAnswer(ctx: AnswerContext, body: unknown): CheckedAnswer {
  if (!isRecord(body)) throw schemaError('The decrypted answer is not a JSON object.');
  const screen = body.screen;
  if (typeof screen !== 'string' || screen === '') throw schemaError('The answer has no "screen".');
  const rawData = body.data ?? {};
  if (!isRecord(rawData)) throw schemaError('The answer\'s "data" must be an object.');
  if (screen === 'SUCCESS') return successAnswer(ctx, body, rawData);
  const { error_message: errorMessage, ...data } = rawData;
  if (errorMessage !== undefined && typeof errorMessage !== 'string')
    throw schemaError('data.error_message must be a string.');
  if (ctx.flow !== null) {
    checkTransition(ctx, ctx.flow, screen);
    const rerender = errorMessage !== undefined && screen === ctx.from;
    checkScreenData(ctx.flow, screen, data, rerender);
  }
  return { kind: 'screen', screen, data, errorMessage: errorMessage ?? null, body };
}

function isPickerItems(value: unknown): boolean {
  return Array.isArray(value) && value.some((item) => isRecord(item) && 'media_id' in item && 'cdn_url' in item);
}

/**
 * A navigate action the client performs itself (SPEC E.6): the next screen exists, the routing
 * model has the edge, the payload is the next screen's data and matches its model, and holds no
 * picker files. Throws FlowClientError (no HTTP status: no endpoint was involved).
 */
export function checkNavigate(flow: FlowJson, from: string, to: string, payload: Record<string, unknown>): void {
  const local = (error: FlowClientError): FlowClientError => new FlowClientError(error.code, error.message);
  try {
    if (screenById(flow, to) === undefined)
      throw transitionError(`navigate names screen "${to}", which the Flow JSON does not have.`);
    if (!allowedTransitions(flow, from).includes(to))
      throw transitionError(`The routing model does not allow to go from "${from}" to "${to}".`);
    for (const [key, value] of Object.entries(payload))
      if (isPickerItems(value)) throw schemaError(`A navigate payload cannot carry picker files ("${key}").`);
    checkScreenData(flow, to, payload, false);
  } catch (error) {
    throw error instanceof FlowClientError ? local(error) : error;
  }
}

/**
 * An update_data action (SPEC E.6, 6.0+): its payload updates the current screen's data, so each
 * key must be declared by that screen and match its type; undeclared keys are payload-schema-error.
 */
export function checkUpdateData(flow: FlowJson, screen: string, payload: Record<string, unknown>): void {
  try {
    checkScreenData(flow, screen, payload, true);
  } catch (error) {
    throw error instanceof FlowClientError ? new FlowClientError(error.code, error.message) : error;
  }
}
