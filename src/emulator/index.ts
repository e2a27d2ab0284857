// Public API of the emulator: a faithful local Meta (Graph API, signed webhooks, simulated
// customers) for tests and `flowgate dev`. Re-exports only.

export { createEmulator } from './emulator.js';
export { serializeLikeMeta } from './webhooks.js';
export {
  createWebhookReceiver,
  manualClock,
  seededRandom,
  type ReceivedWebhook,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './testing.js';
export { checkFlowJsonAsset, type FlowJsonCheck } from './flow-asset-check.js';
export type { FlowValidationError } from './state.js';
export { FlowClientError, type FlowClientErrorCode } from './flow-client-errors.js';
export type {
  FlowClientOptions,
  FlowErrorReport,
  FlowResponse,
  FlowSession,
  FlowSubmitOptions,
  FlowSubmitResult,
  WirePickerItem,
  WireResponseMedia,
} from './flow-client-types.js';
export type {
  DeliveryRecord,
  Emulator,
  EmulatorOptions,
  Faults,
  KeyStatus,
  LocationInput,
  RateLimitFault,
  SentMessage,
  SentMessageStatus,
  SimulatedCustomer,
} from './types.js';
