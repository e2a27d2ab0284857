// Runs one screen handler for an INIT, BACK or data_exchange request: builds its context, enforces the
// budget, checks the answer against the Flow JSON, and falls back to a safe error on the same screen when
// the handler throws, runs over budget or answers something WhatsApp's client would reject.
import type { Logger } from '../log/index.js';
import { screenById, type FlowJson } from '../protocol/index.js';
import { allowedTargets, checkResponse, emptyValue, entryScreens, type ResponseProblem } from './check-response.js';
import type { FlowDefinition } from './definition.js';
import { updatesOwnData } from './data-sources.js';
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
 * The data last answered per screen with the request's own screen as this copy of it shows it: what its
 * data_exchange payload echoed back of the screen's data (`${data.x}`, see echoedData) in place of what was
 * last answered for the token. A token's form may be open twice (phone and desktop), and the data last
 * answered may be the other copy's: an error answer must not hand this copy the other's revision, so that its
 * next submission passed as current. For what is sent only: what is stored, and what later requests are
 * validated against, stays the server's own answer (the echo is the client's word).
 */
export function screensAsShown(
  def: FlowDefinition,
  req: Pick<ScreenRequest, 'screen' | 'screens'> & { action?: unknown; data?: Record<string, unknown> },
): Record<string, Record<string, unknown>> {
  if (req.action !== 'data_exchange' || req.data === undefined) return req.screens;
  const screen = screenById(def.json, req.screen);
  const echoed = screen === undefined ? {} : echoedData(screen, req.data);
  if (Object.keys(echoed).length === 0) return req.screens;
  return { ...req.screens, [req.screen]: { ...req.screens[req.screen], ...echoed } };
}

/**
 * FlowOptions.formCopy: the answer to a data_exchange request from another copy of the form than the one
 * last answered for its screen (it echoes another value of the field), or null. Where the screen changes its
 * own data on the phone (update_data), what was last answered is not what it shows, and nothing is refused;
 * nor where the server never answered the field (a screen reached by navigate, whose error answer stored
 * the field's empty placeholder): the one copy there is must not be locked out of its screen.
 */
export function otherCopyResponse(def: FlowDefinition, req: ScreenRequest): FlowEndpointResponse | null {
  const message = otherCopyMessage(def, req);
  return message === null ? null : errorResponse(def.json, req.screen, message, screensAsShown(def, req));
}

/**
 * FlowOptions.formCopy's message when a request comes from another copy of the form than the one last
 * answered (see otherCopyResponse), else null.
 */
export function otherCopyMessage(
  def: FlowDefinition,
  req: Pick<ScreenRequest, 'screen' | 'data' | 'screens'> & { action: unknown },
): string | null {
  const copy = def.formCopy;
  if (copy === undefined || req.action !== 'data_exchange') return null;
  const screen = screenById(def.json, req.screen);
  if (screen === undefined || updatesOwnData(def.json, req.screen)) return null;
  const sent = echoedData(screen, req.data)[copy.field];
  const answered = req.screens[req.screen]?.[copy.field];
  const declared = screen.data?.[copy.field];
  if (sent === undefined || answered === undefined || sent === answered) return null;
  return declared !== undefined && answered === emptyValue(declared) ? null : copy.message;
}

/**
 * The error answer ctx.error made, as sent to the client: built the same way over screensAsShown, so the
 * handler's own data still comes last. Kept beside the reply's response object (never on it), for the
 * endpoint to send: a handler that returns a copy of the reply (`{ ...ctx.error(…) }`) keeps the response.
 */
const sentCopies = new WeakMap<FlowEndpointResponse, FlowEndpointResponse>();

/** What to send for `reply`: ctx.error's copy for this client, else the reply's own response. */
export function sentResponse(reply: FlowReply): FlowEndpointResponse {
  return sentCopies.get(reply.response) ?? reply.response;
}

/** The safe error answer: the request's screen again with SAFE_ERROR_MESSAGE (see errorResponse). */
export function safeErrorResponse(
  def: FlowDefinition,
  req: Parameters<typeof screensAsShown>[1],
): FlowEndpointResponse {
  // Never stored: sent as this copy of the screen shows it.
  return errorResponse(def.json, currentScreen(def, req), SAFE_ERROR_MESSAGE, screensAsShown(def, req));
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
    error: (message, data = {}) => {
      const reply: FlowReply = { kind: 'error', response: errorResponse(def.json, here, message, req.screens, data) };
      if (here === req.screen)
        sentCopies.set(reply.response, errorResponse(def.json, here, message, screensAsShown(def, req), data));
      return reply;
    },
    complete: (params = {}, options = {}) => ({
      kind: 'complete',
      response: {
        screen: 'SUCCESS',
        data: { extension_message_response: { params: { ...params, flow_token: req.token.token } } },
      },
      // As given: isReply refuses anything but an array of ids (a plain-JS handler's single id), and the
      // checked reply holds a copy.
      ...(options.keepOnlyMedia === undefined ? {} : { keepOnlyMedia: options.keepOnlyMedia }),
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
  const v = value as { kind?: unknown; response?: unknown; keepOnlyMedia?: unknown };
  return (
    (v.kind === 'next' || v.kind === 'error' || v.kind === 'complete') &&
    typeof v.response === 'object' &&
    v.response !== null &&
    (v.keepOnlyMedia === undefined ||
      (v.kind === 'complete' &&
        Array.isArray(v.keepOnlyMedia) &&
        v.keepOnlyMedia.every((id) => typeof id === 'string')))
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
    // A screen of the Flow JSON without a handler is the flow's bug; a screen the Flow JSON does not have is
    // the client's (anyone holding a token can send one), so it is no error for people to be woken for.
    const known = screenById(def.json, req.screen) !== undefined;
    (known ? log.error.bind(log) : log.warn.bind(log))(
      { action: req.action, screen: loggedScreen(req.screen) },
      known
        ? 'flow has no handler for this screen; answered a safe error'
        : 'flow request for a screen the Flow JSON does not have; answered a safe error',
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
  const checked: FlowReply =
    reply.keepOnlyMedia === undefined
      ? { kind: reply.kind, response }
      : { kind: reply.kind, response, keepOnlyMedia: [...reply.keepOnlyMedia] };
  // ctx.error's copy for this client goes with the checked reply (it differs only by echoed primitives of
  // the screen's declared types, so it passes the same check).
  const sent = sentCopies.get(reply.response);
  if (sent !== undefined) sentCopies.set(response, JSON.parse(JSON.stringify(sent)) as FlowEndpointResponse);
  return { kind: 'answer', reply: checked };
}
