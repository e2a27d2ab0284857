// Sending a flow: a new token, and the interactive Flow message carrying it queued through the gateway's
// outbound path, both in one transaction. A refused message (validation, 24-hour window) leaves no token,
// and a queued message always has its token, linked to it (an idempotent retry finds it).
import { normalizeRecipient, type FlowJson, type OutboundFlow } from '../protocol/index.js';
import { checkResponse } from './check-response.js';
import type { OutboundService } from '../gateway/index.js';
import type { Store } from '../store/index.js';
import { newFlowToken } from './tokens.js';
import { tokenTtlRule, validTokenTtl } from './definition.js';
import type { SendFlowOptions, SendFlowResult } from './types.js';

export interface SendFlowDeps {
  store: Store;
  outbound: OutboundService;
  now: () => number;
  phoneNumberId: string | null;
}

/** What sending needs to know of a flow; FlowDefinition has it, and the CLI builds one without a Flow JSON. */
export interface FlowSendSpec {
  readonly name: string;
  readonly tokenTtlMs: number;
  /** Send with flow_action data_exchange by default (the flow answers INIT). */
  readonly startsWithInit: boolean;
  /** The first entry screen, for navigate without initialScreen. */
  readonly entryScreen: string | undefined;
  /** The Flow JSON when known: a navigate message's screen and data are checked against it. */
  readonly json?: FlowJson;
  target(override?: { flowId?: string; flowName?: string }): { flowId: string } | { flowName: string };
}

/** The Flow message for a token (exported for the CLI and tests). */
export function flowMessage(def: FlowSendSpec, token: string, options: SendFlowOptions): OutboundFlow {
  const wantsNavigate = options.initialScreen !== undefined || options.data !== undefined;
  const action = options.action ?? (wantsNavigate || !def.startsWithInit ? 'navigate' : 'data_exchange');
  const common = {
    type: 'flow' as const,
    body: options.body ?? def.name,
    cta: options.cta,
    flowToken: token,
    ...(options.header === undefined ? {} : { header: { type: 'text' as const, text: options.header } }),
    ...(options.footer === undefined ? {} : { footer: options.footer }),
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...def.target(pick(options)),
  };
  if (action === 'data_exchange') return { ...common, action: 'data_exchange' };
  const screen = options.initialScreen ?? def.entryScreen;
  return {
    ...common,
    action: 'navigate',
    ...(screen === undefined ? {} : { screen }),
    ...(options.data === undefined || Object.keys(options.data).length === 0 ? {} : { data: options.data }),
  };
}

export async function sendFlow(
  deps: SendFlowDeps,
  def: FlowSendSpec,
  to: string,
  options: SendFlowOptions,
): Promise<SendFlowResult> {
  const waId = normalizeRecipient(to);
  if (options.tokenTtlMs !== undefined && !validTokenTtl(options.tokenTtlMs))
    throw new FlowSendInvalidError(tokenTtlRule(options.tokenTtlMs), 'flowgate.flows.invalid_option');
  if (options.action === 'data_exchange' && (options.initialScreen !== undefined || options.data !== undefined))
    throw new FlowSendInvalidError(
      'initialScreen and data open a screen directly (navigate); a data_exchange Flow message opens with INIT, ' +
        'where the flow answers with its first screen',
      'flowgate.flows.invalid_option',
    );
  const token = newFlowToken();
  const now = deps.now();
  const expiresAt = now + (options.tokenTtlMs ?? def.tokenTtlMs);
  const phoneNumberId = options.phoneNumberId ?? deps.phoneNumberId;
  const message = flowMessage(def, token, options);
  if (def.json !== undefined && message.action === 'navigate') checkFirstScreen(def.json, message.screen, options.data);
  // The first screen's data is what its input is checked against (data-bound options and dates).
  const first = message.action === 'navigate' && message.screen !== undefined ? message.screen : undefined;
  const sent = await deps.outbound.send(
    to,
    message,
    {
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      ...(options.phoneNumberId === undefined ? {} : { phoneNumberId: options.phoneNumberId }),
    },
    // The token is committed with the message that carries it, or not at all.
    (trx, outboundId) =>
      deps.store.flows.issueToken(
        {
          token,
          flow: def.name,
          waId,
          phoneNumberId,
          data: options.data ?? null,
          screens: first === undefined || options.data === undefined ? null : { [first]: options.data },
          now,
          expiresAt,
          outboundId,
        },
        trx,
      ),
  );
  if (sent.created) return { token, outboundId: sent.id, expiresAt };
  // Same idempotency key as an earlier send: that message carries its own token.
  const earlier = await earlierToken(deps, sent.id, def.name, waId);
  return { token: earlier.token, outboundId: sent.id, expiresAt: earlier.expires_at };
}

export class FlowSendInvalidError extends Error {
  override readonly name = 'FlowSendInvalidError';
  readonly status = 400;
  constructor(
    message: string,
    readonly code:
      'flowgate.flows.invalid_first_screen' | 'flowgate.flows.invalid_option' = 'flowgate.flows.invalid_first_screen',
  ) {
    super(message);
  }
}

/**
 * A navigate Flow message opens `screen` with `data` on the phone, and WhatsApp's client checks them like
 * any answer: the screen exists, is an entry screen, and the data fills its declared model (types
 * included). Refused here rather than sent to a customer who could not open it.
 */
function checkFirstScreen(json: FlowJson, screen: string | undefined, data: Record<string, unknown> | undefined): void {
  if (screen === undefined) throw new FlowSendInvalidError('a navigate Flow message needs a screen to open');
  // As INIT's answer: the screen must also be an entry screen of the routing model (SPEC D.2: a navigate
  // message's screen "must be an entry screen").
  const problems = checkResponse(json, 'INIT', '', { screen, data: data ?? {} });
  if (problems.length === 0) return;
  throw new FlowSendInvalidError(
    `cannot open screen "${screen}" with that data: ${problems.map((p) => p.message).join('; ')}`,
  );
}

export class FlowSendConflictError extends Error {
  override readonly name = 'FlowSendConflictError';
  readonly code = 'flowgate.flows.idempotency_conflict';
  readonly status = 409;
}

/**
 * The token of the message an earlier send with the same idempotency key queued (committed with it, so
 * there is nothing to wait for). A key first used for another message, flow or recipient has none for
 * this send: the caller's error.
 */
async function earlierToken(
  deps: SendFlowDeps,
  outboundId: string,
  flow: string,
  waId: string,
): Promise<{ token: string; expires_at: number }> {
  const row = await deps.store.flows.tokenByOutboundId(outboundId);
  if (row !== null && row.flow === flow && row.wa_id === waId) return row;
  throw new FlowSendConflictError(
    `the idempotency key was already used for outbound message ${outboundId}, which is not this flow's ` +
      'message to this customer (another message, another flow or recipient): use a new key',
  );
}

function pick(options: SendFlowOptions): { flowId?: string; flowName?: string } {
  return {
    ...(options.flowId === undefined ? {} : { flowId: options.flowId }),
    ...(options.flowName === undefined ? {} : { flowName: options.flowName }),
  };
}
