// POST /{phone-number-id}/messages (SPEC D.2): fault knobs (429 every N-th send, 130429 over the
// throughput), Meta-like validation, the success shape with a fresh wamid, then the status
// webhooks sent → delivered → read (or `failed` with 131047 when a free-form message goes out after
// the 24-hour customer service window closed; templates always deliver). Marks-as-read answer
// {"success": true}.

import type { Hono } from 'hono';
import {
  graphError,
  invalidParameter,
  jsonish,
  readParams,
  unknownObject,
  VERSION,
  type Params,
} from './graph-common.js';
import { validateSend, type SendRequest } from './message-validation.js';
import { messagesValue, unixSeconds, type EmulatorContext } from './state.js';
import type { SentMessage, SentMessageStatus } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ERROR_CODES_HREF = '/documentation/business-messaging/whatsapp/support/error-codes';

export function mountMessages(app: Hono, ctx: EmulatorContext): void {
  app.post(`${VERSION}/:phoneNumberId/messages`, async (c) => {
    const phoneNumberId = c.req.param('phoneNumberId');
    if (phoneNumberId !== ctx.config.phoneNumberId) return unknownObject(ctx, 'POST', phoneNumberId);
    const params = await readParams(c);
    if (typeof params === 'string') return invalidParameter(ctx, params);
    const body: Params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, jsonish(v)]));

    if (body.status === undefined) {
      const refused = sendFaults(ctx);
      if (refused !== null) return refused;
    }
    const result = validateSend(body);
    if (!result.ok) {
      return result.missing === undefined
        ? invalidParameter(ctx, result.details)
        : graphError(ctx, 400, {
            code: 100,
            message: `(#100) The parameter ${result.missing} is required`,
            details: result.details,
          });
    }
    const request = result.request;
    if (request.kind === 'read') return c.json({ success: true });

    if (request.waId === ctx.config.displayPhoneNumber) {
      return graphError(ctx, 400, {
        code: 131021,
        message: '(#131021) Recipient cannot be sender.',
        details: 'Sender and recipient phone number is the same.',
      });
    }
    for (const id of request.mediaIds) {
      const media = ctx.state.media.get(id);
      if (media === undefined || media.expiresAt <= ctx.config.now()) {
        return invalidParameter(ctx, `Param ${request.type}['id'] is not a valid media id: ${id}`);
      }
    }
    const wamid = ctx.ids.wamid(request.waId);
    const sent: SentMessage = {
      wamid,
      to: request.waId,
      type: request.type,
      body: structuredClone(body),
      at: ctx.config.now(),
      status: 'accepted',
    };
    ctx.state.sent.push(sent);
    ctx.state.sentById.set(wamid, sent);
    if (ctx.state.faults.throughputPerSecond !== null) ctx.state.recentSends.push(sent.at);
    scheduleStatuses(ctx, sent, request, graphMajor(c.req.param('version')));
    return c.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: request.input, wa_id: request.waId }],
      messages: [{ id: wamid }],
    });
  });
}

function graphMajor(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? '0');
}

/** 429 on every N-th send (rateLimit), 130429 when the sliding second is full (throughput). */
function sendFaults(ctx: EmulatorContext): Response | null {
  const { state, config } = ctx;
  state.sendAttempts += 1;
  const rateLimit = state.faults.rateLimit;
  if (rateLimit !== null) {
    const every = Math.max(1, Math.floor(rateLimit.every ?? 1));
    if (state.sendAttempts % every === 0) {
      return rateLimited(ctx, 429, { 'retry-after': String(rateLimit.retryAfterSeconds ?? 1) });
    }
  }
  const limit = state.faults.throughputPerSecond;
  if (limit !== null) {
    const now = config.now();
    state.recentSends = state.recentSends.filter((at) => at > now - 1000);
    if (state.recentSends.length >= limit) return rateLimited(ctx, 400, {});
  }
  return null;
}

function rateLimited(ctx: EmulatorContext, status: number, headers: Record<string, string>): Response {
  return graphError(
    ctx,
    status,
    {
      code: 130429,
      message: '(#130429) Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
      subcode: 2494055,
    },
    headers,
  );
}

interface Billing {
  category: string;
  type: string;
  billable: boolean;
}

function scheduleStatuses(
  ctx: EmulatorContext,
  sent: SentMessage,
  request: Extract<SendRequest, { kind: 'message' }>,
  graphMajorVersion: number,
): void {
  const { config, state, timers } = ctx;
  const lastInbound = state.lastInbound.get(request.waId);
  const windowOpen = lastInbound !== undefined && sent.at - lastInbound < DAY_MS;
  const delay = config.statusDelayMs;
  const emit = (status: SentMessageStatus, extra: Record<string, unknown>): void => {
    sent.status = status;
    const item: Record<string, unknown> = {
      id: sent.wamid,
      status,
      timestamp: String(unixSeconds(config.now())),
      recipient_id: request.waId,
    };
    if (request.bizOpaqueCallbackData !== null) item.biz_opaque_callback_data = request.bizOpaqueCallbackData;
    ctx.notify({ field: 'messages', value: messagesValue(config, { statuses: [{ ...item, ...extra }] }) });
  };

  if (!request.template && !windowOpen) {
    timers.after(delay, () => {
      emit('failed', { errors: [reengagementError()] });
    });
    return;
  }

  const billing: Billing = request.template
    ? { category: 'utility', type: windowOpen ? 'free_customer_service' : 'regular', billable: !windowOpen }
    : { category: 'service', type: 'free_customer_service', billable: false };
  const pricing = { billable: billing.billable, pricing_model: 'PMP', type: billing.type, category: billing.category };
  // v24.0+ omits `conversation`; up to v23 its id is unique per message (SPEC C.5).
  const conversationId = graphMajorVersion < 24 ? ctx.ids.hex32() : null;
  const conversation = (withExpiry: boolean): Record<string, unknown> => {
    if (conversationId === null) return {};
    const value: Record<string, unknown> = { id: conversationId };
    if (withExpiry) value.expiration_timestamp = String(unixSeconds(sent.at + DAY_MS));
    value.origin = { type: billing.category };
    return { conversation: value };
  };
  timers.after(delay, () => {
    emit('sent', { ...conversation(true), pricing });
  });
  timers.after(delay * 2, () => {
    emit('delivered', { ...conversation(false), pricing });
  });
  timers.after(delay * 3, () => {
    emit('read', {});
  });
}

function reengagementError(): Record<string, unknown> {
  return {
    code: 131047,
    title: 'Re-engagement message',
    message: 'Re-engagement message',
    error_data: {
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    },
    href: ERROR_CODES_HREF,
  };
}
