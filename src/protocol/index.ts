// Public API of `flowgate/protocol`: pure WhatsApp webhook protocol code (parsing, signatures,
// normalized event and wire types). Re-exports only.

export { parseWebhook } from './webhook/parse.js';
export { signBody, verifyWebhookSignature, type SignatureCheck } from './webhook/signature.js';
export { toE164 } from './webhook/normalize.js';
export type * from './webhook/events.js';
export type * from './webhook/wire.js';
export { buildMarkRead, buildMessage, describeMessage, isFreeForm } from './outbound/build.js';
export { normalizeRecipient } from './outbound/recipient.js';
export { MessageValidationError } from './outbound/errors.js';
export { LIMITS as MESSAGE_LIMITS } from './outbound/limits.js';
export type * from './outbound/types.js';
export type * from './outbound/wire.js';
export * from './graph-errors/index.js';
export * from './flows/index.js';
