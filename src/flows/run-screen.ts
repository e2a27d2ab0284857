// Runs one screen handler for an INIT, BACK or data_exchange request: builds its context, enforces the
// budget, checks the answer against the Flow JSON, and falls back to a safe error on the same screen when
// the handler throws, runs over budget or answers something WhatsApp's client would reject.
import type { Logger } from '../log/index.js';
import { screenById, type FlowJson } from '../protocol/index.js';
import { allowedTargets, checkResponse, emptyValue, entryScreens, type ResponseProblem } from './check-response.js';
import type { FlowDefinition } from './definition.js';
import { echoedData } from './validate-input-map.js';
import type {
  FlowAction,
  FlowContact,
  FlowEndpointResponse,
  FlowReply,
  FlowScreenContext,
  FlowScreenHandler,
  FlowTokenRecord,
  ScreenDataValues,
  StoredFlowMedia,
} from './types.js';

export const SAFE_ERROR_MESSAGE = 'Something went wrong. Please try again.';

/** A client-sent screen id as logged: bounded, whatever the client sent. */
export function loggedScreen(screen: string): string {
  return screen.length > 80 ? `${screen.slice(0, 80)}…` : screen;
}

export interface ScreenRequest {
  action: FlowAction;
  screen: string;
  data: Record<string, unknown>;
  token: FlowTokenRecord;
  contact: FlowContact;
  /** Screen id → the data last answered for it. */
  screens: Record<string, Record<string, unknown>>;
  media: readonly StoredFlowMedia[];
  mediaErrors: Readonly<Record<string, string>>;
}

export type ScreenOutcome =
  | { kind: 'answer'; reply: FlowReply }
  | {
      kind: 'failed';
      reason: 'no_handler' | 'threw' | 'over_budget' | 'invalid_response';
      response: FlowEndpointResponse;
      /** over_budget: the handler, still running (its signal is aborted). */
      running?: Promise<unknown>;
    };

class OverBudget extends Error {
  override readonly name = 'FlowHandlerOverBudget';
}

/** The screen a request stays on when it is answered with an error. */
export function currentScreen(def: FlowDefinition, req: { screen: string }): string {
  if (req.screen !== '' && def.json.screens.some((s) => s.id === req.screen)) return req.screen;
  return entryScreens(def.json)[0] ?? def.json.screens[0]?.id ?? '';
}

/**
 * `screen` again with `message` as its snackbar error: the data last answered for it, then `extra`, and for
 * any declared field still without a value an empty one of its type. The client checks the data model even
 * here, and on INIT (or a screen never answered) nothing is stored yet.
 */
export function errorResponse(
  flow: FlowJson,
  screen: string,
  message: string,
  screens: Record<string, Record<string, unknown>>,
  extra: ScreenDataValues = {},
): FlowEndpointResponse {
  const { error_message: _previous, ...last } = screens[screen] ?? {};
  const data: Record<string, unknown> = { ...last, ...extra };
  for (const [key, schema] of Object.entries(screenById(flow, screen)?.data ?? {})) {
    if (data[key] === undefined) data[key] = emptyValue(schema);
  }
  return { screen, data: { ...data, error_message: message } };
}

/**
 * `response` as sent to the client that made `req`: an error answer on the request's own screen shows the
 * screen data its data_exchange payload echoed back (`${data.x}`, see echoedData) wherever the answer carries
 * the value last answered for the token unchanged. A token's form may be open twice (phone and desktop), and
 * the data last answered may be the other copy's: an error must not hand this copy the other's revision, so
 * that its next submission passed as current. Only what is sent: what is stored, and what later requests
 * are validated against, stays the server's own answer (the echo is the client's word).
 */
export function asShownTo(
  def: FlowDefinition,
  req: Pick<ScreenRequest, 'action' | 'screen' | 'data' | 'screens'>,
  response: FlowEndpointResponse,
): FlowEndpointResponse {
  if (req.action !== 'data_exchange' || response.screen !== req.screen) return response;
  const data = response.data as Record<string, unknown>;
  if (data.error_message === undefined) return response;
  const screen = screenById(def.json, req.screen);
  if (screen === undefined) return response;
  const remembered = req.screens[req.screen] ?? {};
  const declared = screen.data ?? {};
  const shown: Record<string, unknown> = { ...data };
  let changed = false;
  for (const [key, value] of Object.entries(echoedData(screen, req.data))) {
    const schema = declared[key];
    if (schema === undefined) continue;
    // errorResponse's value when the handler gave none: a value the handler gave the error (ctx.error's data) stays.
    const last = Object.hasOwn(remembered, key) ? remembered[key] : emptyValue(schema);
    if (data[key] !== last || data[key] === value) continue;
    shown[key] = value;
    changed = true;
  }
  return changed ? { screen: response.screen, data: shown } : response;
}

/** The safe error answer: the request's screen again with SAFE_ERROR_MESSAGE (see errorResponse). */
export function safeErrorResponse(
  def: FlowDefinition,
  req: Pick<ScreenRequest, 'screen' | 'screens'>,
): FlowEndpointResponse {
  return errorResponse(def.json, currentScreen(def, req), SAFE_ERROR_MESSAGE, req.screens);
}

/**
 * The handler's AbortSignal, made only when the handler reads `ctx.signal`: an AbortController costs more
 * than the rest of the context, and most handlers never look at it.
 */
class LazyAbort {
  private controller: AbortController | null = null;
  private reason: { value: unknown } | null = null;

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.reason !== null) this.controller.abort(this.reason.value);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.reason ??= { value: reason };
    this.controller?.abort(reason);
  }
}

function buildContext(def: FlowDefinition, req: ScreenRequest, abort: LazyAbort, log: Logger): FlowScreenContext {
  const here = currentScreen(def, req);
  return {
    flow: def.name,
    action: req.action,
    screen: req.screen,
    data: req.data,
    token: req.token,
    contact: req.contact,
    media: req.media,
    mediaErrors: req.mediaErrors,
    get signal() {
      return abort.signal;
    },
    log,
    next: (screen, data = {}) => ({ kind: 'next', response: { screen, data } }),
    error: (message, data = {}) => ({
      kind: 'error',
      response: errorResponse(def.json, here, message, req.screens, data),
    }),
    complete: (params = {}) => ({
      kind: 'complete',
      response: {
        screen: 'SUCCESS',
        data: { extension_message_response: { params: { ...params, flow_token: req.token.token } } },
      },
    }),
  };
}

/** The default INIT answer: the routing model's entry screen, with no data. */
function defaultInit(def: FlowDefinition): FlowScreenHandler {
  return (ctx) => ctx.next(entryScreens(def.json)[0] ?? '', {});
}

function handlerFor(def: FlowDefinition, req: ScreenRequest): FlowScreenHandler | undefined {
  if (req.action === 'INIT') return def.init ?? defaultInit(def);
  // Own keys only: a screen called "constructor" or "toString" is no handler.
  return Object.hasOwn(def.screens, req.screen) ? def.screens[req.screen] : undefined;
}

async function withBudget<T>(work: Promise<T>, budgetMs: number, abort: LazyAbort): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort(new OverBudget(`over the ${budgetMs} ms budget`));
      reject(new OverBudget(`over the ${budgetMs} ms budget`));
    }, budgetMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function isReply(value: unknown): value is FlowReply {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; response?: unknown };
  return (
    (v.kind === 'next' || v.kind === 'error' || v.kind === 'complete') &&
    typeof v.response === 'object' &&
    v.response !== null
  );
}

export async function runScreen(
  def: FlowDefinition,
  req: ScreenRequest,
  options: { budgetMs: number; log: Logger },
): Promise<ScreenOutcome> {
  // Built only when a handler fails: it fills the screen's declared data, which a good answer never needs.
  const safe = (): FlowEndpointResponse => safeErrorResponse(def, req);
  const log = options.log;
  const handler = handlerFor(def, req);
  if (handler === undefined) {
    log.error(
      { action: req.action, screen: loggedScreen(req.screen) },
      'flow has no handler for this screen; answered a safe error',
    );
    return { kind: 'failed', reason: 'no_handler', response: safe() };
  }
  const abort = new LazyAbort();
  const running = Promise.resolve().then(() => handler(buildContext(def, req, abort, log)));
  let reply: unknown;
  try {
    reply = await withBudget(running, options.budgetMs, abort);
  } catch (error) {
    const overBudget = error instanceof OverBudget;
    log.error(
      {
        err: overBudget ? undefined : error,
        action: req.action,
        screen: loggedScreen(req.screen),
        budgetMs: options.budgetMs,
      },
      overBudget
        ? 'flow handler ran over its budget; answered a safe error'
        : 'flow handler threw; answered a safe error',
    );
    if (overBudget) return { kind: 'failed', reason: 'over_budget', response: safe(), running };
    return { kind: 'failed', reason: 'threw', response: safe() };
  }
  if (!isReply(reply)) {
    log.error(
      { action: req.action, screen: loggedScreen(req.screen) },
      'flow handler did not return ctx.next/ctx.error/ctx.complete',
    );
    return { kind: 'failed', reason: 'invalid_response', response: safe() };
  }
  // Checked as the client receives it: what JSON makes of it (toJSON, dropped undefined), not the object.
  let response: FlowEndpointResponse;
  try {
    response = JSON.parse(JSON.stringify(reply.response)) as FlowEndpointResponse;
  } catch (error) {
    log.error(
      { err: error, action: req.action, screen: loggedScreen(req.screen) },
      'flow handler answered something JSON cannot carry; answered a safe error',
    );
    return { kind: 'failed', reason: 'invalid_response', response: safe() };
  }
  const problems: ResponseProblem[] = checkResponse(def.json, req.action, req.screen, response, req.token.token);
  if (problems.length > 0) {
    log.error(
      {
        action: req.action,
        screen: loggedScreen(req.screen),
        target: response.screen,
        allowed: allowedTargets(def.json, req.action, req.screen),
        problems,
      },
      'flow handler answer would be rejected by WhatsApp; answered a safe error',
    );
    return { kind: 'failed', reason: 'invalid_response', response: safe() };
  }
  return { kind: 'answer', reply: { kind: reply.kind, response } };
}
