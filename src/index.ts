// The `flowgate` package: the app builder and handler types. Protocol-level functions are in `flowgate/protocol`.
export { createApp, FlowgateApp, type CreateAppOptions, type Listening } from './server/app.js';
export type { EventPattern, EventForPattern, Handler, HandlerContext } from './gateway/index.js';
export { HandlerFailedError, ForwardError, signForward, FORWARD_SIGNATURE_HEADER } from './gateway/index.js';
export { loadConfig, ConfigError, type FlowgateConfig } from './config/index.js';
export type { AppName } from './config/schema.js';
export type { WebhookEvent, WebhookEventKind } from './protocol/index.js';
export { FlowDefinition, FlowDefinitionError, SAFE_ERROR_MESSAGE, FLOW_COMPLETION_HANDLER } from './flows/index.js';
export type {
  FlowAction,
  FlowCompletionContext,
  FlowCompletionHandler,
  FlowContact,
  FlowEndpointResponse,
  FlowKeySource,
  FlowOptions,
  FlowReply,
  FlowScreenContext,
  FlowScreenHandler,
  FlowSubmission,
  FlowTokenRecord,
  SendFlowOptions,
  SendFlowResult,
  StoredFlowMedia,
} from './flows/index.js';
