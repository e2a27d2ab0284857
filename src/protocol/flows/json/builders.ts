// Builders for the Flow JSON document, screens, the data model and actions: camelCase options in,
// Meta's wire spelling out (`data_api_version`, `refresh_on_back`, …). Component builders are in
// component-builders.ts. Builders only shape data; validateFlowJson checks the rules.

import type { Component, DataSourceItem } from './components.js';
import { dataRef, formRef, screenRef } from './references.js';
import type {
  CompleteAction,
  DataExchangeAction,
  DataSchema,
  FlowJson,
  JsonValue,
  NavigateAction,
  OpenUrlAction,
  Name,
  Payload,
  RoutingModel,
  Screen,
  ScreenData,
  UpdateDataAction,
} from './types.js';
import type { DataApiVersion, FlowJsonVersion } from './version.js';

type KebabCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `-${Lowercase<Head>}`}${KebabCase<Tail>}`
  : S;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** camelCase keys of a wire object (without its `type`); of each member, for a union (CalendarPicker's modes). */
export type Options<T> = T extends unknown
  ? { [K in keyof Omit<T, 'type'> as K extends string ? CamelCase<K> : never]: Omit<T, 'type'>[K] }
  : never;

export type Kebab<T> = { [K in keyof T as K extends string ? KebabCase<K> : never]: T[K] };

/** Renames camelCase keys to Meta's kebab-case (`minChars` → `min-chars`) and drops undefined values. */
export function kebab<T extends object>(options: T): Kebab<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) out[key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)] = value;
  }
  return out as Kebab<T>;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

export interface FlowOptions {
  version: FlowJsonVersion;
  /** Marks the flow as endpoint-powered; Meta then requires `routingModel`. */
  dataApiVersion?: DataApiVersion;
  routingModel?: RoutingModel;
  /** Endpoint URL for Flow JSON below 3.0 only. */
  dataChannelUri?: string;
  screens: Screen[];
}

export function flow(options: FlowOptions): FlowJson {
  return defined({
    version: options.version,
    data_api_version: options.dataApiVersion,
    routing_model: options.routingModel,
    data_channel_uri: options.dataChannelUri,
    screens: options.screens,
  });
}

export interface ScreenOptions {
  title?: string;
  terminal?: boolean;
  success?: boolean;
  refreshOnBack?: boolean;
  data?: ScreenData;
  sensitive?: string[];
  children: Component[];
}

export function screen(id: string, options: ScreenOptions): Screen {
  return defined({
    id,
    title: options.title,
    terminal: options.terminal,
    success: options.success,
    refresh_on_back: options.refreshOnBack,
    data: options.data,
    sensitive: options.sensitive,
    layout: { type: 'SingleColumnLayout' as const, children: options.children },
  });
}

/** `schema` without `__example__` at any depth: only the top level of a screen's data model may have one. */
function nested(schema: DataSchema | boolean): DataSchema | boolean {
  if (typeof schema === 'boolean') return schema;
  switch (schema.type) {
    case 'array':
      return { type: 'array', items: nested(schema.items) };
    case 'object':
      return schema.properties === undefined
        ? { type: 'object' }
        : {
            type: 'object',
            properties: Object.fromEntries(
              Object.entries(schema.properties).map(([key, sub]) => [key, nested(sub) as DataSchema]),
            ),
          };
    default:
      return { type: schema.type };
  }
}

/**
 * Schemas for a screen's `data`, each with its `__example__` (mandatory at the top level, SPEC E.2). The
 * items of `array` and the properties of `object` may be built with these too: their examples are dropped.
 */
export const field = {
  string: (example: string): DataSchema => ({ type: 'string', __example__: example }),
  number: (example: number): DataSchema => ({ type: 'number', __example__: example }),
  boolean: (example: boolean): DataSchema => ({ type: 'boolean', __example__: example }),
  array: (items: DataSchema | boolean, example: JsonValue[]): DataSchema => ({
    type: 'array',
    items: nested(items),
    __example__: example,
  }),
  object: (properties: Record<string, DataSchema>, example: { [key: string]: JsonValue }): DataSchema => ({
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, nested(sub) as DataSchema])),
    __example__: example,
  }),
  /**
   * An array of options, the shape of a dynamic `data-source`: `id` and `title`, and whichever other option
   * properties (description, metadata, enabled, image, alt-text, color, on-select-action…) the example uses.
   */
  options: (example: DataSourceItem[]): DataSchema => {
    const properties: Record<string, DataSchema> = { id: { type: 'string' }, title: { type: 'string' } };
    for (const key of new Set(example.flatMap((item) => Object.keys(item)))) {
      if (key in properties) continue;
      properties[key] =
        key === 'enabled' ? { type: 'boolean' } : key.startsWith('on-') ? { type: 'object' } : { type: 'string' };
    }
    return { type: 'array', items: { type: 'object', properties }, __example__: example };
  },
} as const;

export function navigate(next: Name, payload?: Payload): NavigateAction {
  return defined({ name: 'navigate' as const, next: { type: 'screen' as const, name: next }, payload });
}

export function complete(payload: Payload = {}): CompleteAction {
  return { name: 'complete', payload };
}

export function dataExchange(payload: Payload = {}): DataExchangeAction {
  return { name: 'data_exchange', payload };
}

export function updateData(payload: Payload): UpdateDataAction {
  return { name: 'update_data', payload };
}

export function openUrl(url: string): OpenUrlAction {
  return { name: 'open_url', url };
}

/** `${data.x}`, `${form.x}` and `${screen.ID.form|data.x}` strings, typed as dynamic values. */
export const ref = {
  data: dataRef,
  form: formRef,
  screen: (screenId: string) => ({
    form: (name: string) => screenRef(screenId, 'form', name),
    data: (name: string) => screenRef(screenId, 'data', name),
  }),
} as const;
