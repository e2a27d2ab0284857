// Public surface of the gateway module.
export { Gateway, type GatewayOptions } from './runtime.js';
export {
  WebhookIngress,
  constantTimeEqual,
  type IngressResponse,
  type IngressOutcome,
  type InboxSink,
} from './ingress.js';
export {
  Dispatcher,
  HANDLER_QUEUE,
  FORWARD_QUEUE,
  type DispatchResult,
  type HandlerJob,
  type ForwardJob,
} from './dispatcher.js';
export {
  HandlerRouter,
  patternMatches,
  type EventPattern,
  type EventForPattern,
  type Handler,
  type HandlerContext,
} from './router.js';
export { HandlerFailedError } from './handle-job.js';
export { ForwardError, forwardBody, signForward, FORWARD_SIGNATURE_HEADER } from './forwarder.js';
export { GatewayMetrics } from './metrics.js';
export { GroupCommitter } from './group-commit.js';
export {
  OutboundService,
  OutboundConfigError,
  OUTBOUND_QUEUE,
  createOutboundProcessor,
  type SendOptions,
  type SendResult,
  type OutboundJob,
} from './outbound.js';
export { SlidingWindowLimiter, type RateLimiterOptions } from './rate-limiter.js';
export { OutsideWindowError, assertWithinWindow, CUSTOMER_SERVICE_WINDOW_MS } from './window.js';
