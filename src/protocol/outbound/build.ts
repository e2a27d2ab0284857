// Outbound message builders: typed camelCase input → the exact JSON body of
// `POST /<PHONE_NUMBER_ID>/messages` (SPEC D.2). Pure: no I/O, no clock. Every documented limit is
// checked here, so a message Meta would reject fails with MessageValidationError before a request.

import { buildContacts, buildLocation, buildMedia, buildReaction, buildText } from './build-basic.js';
import {
  buildFlow,
  buildInteractiveButtons,
  buildInteractiveCtaUrl,
  buildInteractiveList,
} from './build-interactive.js';
import { buildTemplate } from './build-template.js';
import { describe, fail, object, optionalBoolean, optionalText, required } from './check.js';
import { LIMITS } from './limits.js';
import { normalizeRecipient } from './recipient.js';
import type { BuildOptions, MarkReadOptions, OutboundMessage } from './types.js';
import type { WireMarkRead, WireOutboundMessage, WireOutboundPayload } from './wire.js';

/**
 * The send body for `message` to `to` ("+16505551234" or "16505551234"; sent as digits).
 * Throws MessageValidationError, naming the wire path and the broken limit, when Meta would reject it.
 */
export function buildMessage(to: string, message: OutboundMessage, options: BuildOptions = {}): WireOutboundMessage {
  const recipient = normalizeRecipient(to);
  const payload = buildPayload(message);
  const replyTo = options.replyTo === undefined ? undefined : required(options.replyTo, 'context.message_id');
  if (replyTo !== undefined && payload.type === 'reaction') {
    fail('context', 'a reaction cannot be sent as a reply; reaction.message_id already names the message');
  }
  const callbackData = optionalText(
    options.bizOpaqueCallbackData,
    'biz_opaque_callback_data',
    LIMITS.bizOpaqueCallbackData,
  );
  // Key order follows Meta's samples: envelope, context, type, payload.
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: recipient,
    ...(replyTo === undefined ? {} : { context: { message_id: replyTo } }),
    ...payload,
    ...(callbackData === undefined ? {} : { biz_opaque_callback_data: callbackData }),
  };
}

function buildPayload(message: OutboundMessage): WireOutboundPayload {
  object(message, 'message');
  switch (message.type) {
    case 'text':
      return buildText(message);
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return buildMedia(message);
    case 'location':
      return buildLocation(message);
    case 'contacts':
      return buildContacts(message);
    case 'reaction':
      return buildReaction(message);
    case 'template':
      return buildTemplate(message);
    case 'interactive_buttons':
      return buildInteractiveButtons(message);
    case 'interactive_list':
      return buildInteractiveList(message);
    case 'interactive_cta_url':
      return buildInteractiveCtaUrl(message);
    case 'flow':
      return buildFlow(message);
    default:
      return unsupported(message);
  }
}

function unsupported(message: never): never {
  const type: unknown = (message as { type?: unknown }).type;
  return fail('type', `unsupported message type ${describe(type)}`);
}

/**
 * The body that marks an incoming message (and every earlier one in the chat) as read; with
 * `typing`, it also shows the typing indicator until you reply or 25 seconds pass.
 */
export function buildMarkRead(messageId: string, options: MarkReadOptions = {}): WireMarkRead {
  const id = required(messageId, 'message_id');
  const typing = optionalBoolean(options.typing, 'typing_indicator') ?? false;
  return {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: id,
    ...(typing ? { typing_indicator: { type: 'text' as const } } : {}),
  };
}

/**
 * Whether the message is free-form, i.e. may be sent only within 24 hours of the user's last
 * message (Meta error 131047 otherwise). Templates are the only kind allowed outside that window.
 */
export function isFreeForm(message: OutboundMessage): boolean {
  return message.type !== 'template';
}

/** A short label for logs and errors: the message type, and the template name for templates. */
export function describeMessage(message: OutboundMessage): string {
  return message.type === 'template' ? `template:${message.name}` : message.type;
}
