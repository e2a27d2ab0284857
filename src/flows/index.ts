// Public surface of the flow runtime. Re-exports only.
export type * from './types.js';
export { FlowDefinition, FlowDefinitionError, FlowRegistry, DEFAULT_TOKEN_TTL_MS, MAX_TOKEN_TTL_MS } from './definition.js';
export {
  FlowEndpoint,
  FLOW_REQUEST_MAX_BYTES,
  type FieldError,
  type FlowEndpointDeps,
  type FlowHttpResponse,
  type ValidateInput,
} from './endpoint.js';
export { checkResponse, entryScreens, allowedTargets, type ResponseProblem } from './check-response.js';
export { SAFE_ERROR_MESSAGE } from './run-screen.js';
export { FlowMetrics, type FlowOutcome } from './metrics.js';
export {
  FLOW_MEDIA_QUEUE,
  FlowMediaService,
  pickerItems,
  type FlowMediaJob,
  type PickerFile,
  type PickerFileContext,
  type PickerFileLimits,
  type PickerItem,
  type StoreItem,
} from './picker-media.js';
export { createCompletionHandler, FLOW_COMPLETION_HANDLER } from './completion.js';
export { FlowSendConflictError, FlowSendInvalidError, flowMessage, sendFlow, type FlowSendSpec, type SendFlowDeps } from './send.js';
export { newFlowToken, TOKEN_MESSAGES } from './tokens.js';
export { FlowRuntime, type FlowRuntimeOptions } from './runtime.js';
