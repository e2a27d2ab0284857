// Wire types of a Flow JSON document up to version 7.3 (SPEC E.1, E.2, E.6, E.7): the top level,
// screens, the screen data model, actions and dynamic references. Keys mirror Meta's spelling
// exactly (snake_case at the top level, kebab-case inside components); components live in
// components.ts.

import type { Component } from './components.js';
import type { DataApiVersion, FlowJsonVersion } from './version.js';

/**
 * A dynamic value: a reference such as `${data.x}`, `${form.x}`, `${screen.ID.form.x}`, or a
 * nested expression in backticks (Flow JSON 6.0+), e.g. "`'Hello ' ${form.name}`".
 */
export type Dynamic = `\${${string}}` | `\`${string}\``;

// The type an expression built with `expr` (expressions.ts) evaluates to lives only in TypeScript:
// on the wire it is the plain backtick string. A phantom property keyed by a symbol that exists
// nowhere at runtime keeps a number expression out of `visible` and a boolean one out of `text`,
// while untyped strings fit wherever they did before.
declare const evaluatesTo: unique symbol;

export type ExpressionType = 'string' | 'number' | 'boolean' | 'condition';

/** A nested expression (Flow JSON 6.0+) known to evaluate to T. */
export type Typed<T extends ExpressionType> = string & { readonly [evaluatesTo]: T };

/** A string that is either untyped (a literal, a reference, a hand-written expression) or a T expression. */
export type UntypedOr<T extends ExpressionType> = string & { readonly [evaluatesTo]?: T };

/** A name (component `name`, a screen to navigate to): never an expression (SPEC E.7). */
export type Name = string & { readonly [evaluatesTo]?: never };

export type StringExpression = Typed<'string'>;
export type NumberExpression = Typed<'number'>;
export type BooleanExpression = Typed<'boolean'>;
/**
 * A boolean only an `If` condition may hold: it uses `!`, which SPEC E.7 lists for `If.condition`
 * and not for nested expressions in other properties.
 */
export type Condition = Typed<'condition'>;

export type BooleanOrDynamic = boolean | Dynamic | BooleanExpression;
export type NumberOrDynamic = number | Dynamic | NumberExpression;
/** A text property: any string, a reference, or a string or number expression (not a boolean one). */
export type TextOrDynamic = UntypedOr<'string' | 'number'>;

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** Values sent with an action: literals, references or nested objects of them. */
export type Payload = Record<string, JsonValue>;

export type NavigateAction = {
  name: 'navigate';
  next: { type: 'screen'; name: Name };
  payload?: Payload;
};

export type CompleteAction = {
  name: 'complete';
  payload?: Payload;
};

export type DataExchangeAction = {
  name: 'data_exchange';
  payload?: Payload;
};

/** Flow JSON 6.0+: updates the current screen's data without a request. */
export type UpdateDataAction = {
  name: 'update_data';
  payload: Payload;
};

/** Flow JSON 6.0+: EmbeddedLink and OptIn only. */
export type OpenUrlAction = {
  name: 'open_url';
  url: string;
};

export type Action = NavigateAction | CompleteAction | DataExchangeAction | UpdateDataAction | OpenUrlAction;
export type ActionName = Action['name'];

/** Schema of one field of a screen's `data` (a JSON-schema-like subset; `null` is not supported). */
export type DataSchema =
  | { type: 'string'; __example__?: string }
  | { type: 'number'; __example__?: number }
  | { type: 'boolean'; __example__?: boolean }
  | { type: 'object'; properties?: Record<string, DataSchema>; __example__?: { [key: string]: JsonValue } }
  /** `items: true` allows any item and `false` none (JSON Schema; Meta's validator takes a boolean or an object). */
  | { type: 'array'; items: DataSchema | boolean; __example__?: JsonValue[] };

export type DataSchemaType = DataSchema['type'];

/** A screen's declared dynamic data: field name → schema (with `__example__` at the top level). */
export type ScreenData = Record<string, DataSchema>;

export interface Layout {
  type: 'SingleColumnLayout';
  children: Component[];
}

export interface Screen {
  id: string;
  title?: string;
  terminal?: boolean;
  /** Only on terminal screens; default true. */
  success?: boolean;
  /** Only for flows with an endpoint (`data_api_version`). */
  refresh_on_back?: boolean;
  data?: ScreenData;
  layout: Layout;
  /** Flow JSON 5.1+: field names masked in the response summary. */
  sensitive?: string[];
}

/** Forward edges: screen id → the screen ids it may go to (at most 10 each). */
export type RoutingModel = Record<string, string[]>;

export interface FlowJson {
  version: FlowJsonVersion;
  /** Marks the flow as endpoint-powered; requires `routing_model`. */
  data_api_version?: DataApiVersion;
  routing_model?: RoutingModel;
  /** Endpoint URL, Flow JSON below 3.0 only. */
  data_channel_uri?: string;
  screens: Screen[];
}

export type { FlowJsonVersion, DataApiVersion };
