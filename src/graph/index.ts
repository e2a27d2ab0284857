// Public surface of the Graph API client. Re-exports only.

export { GraphClient, type GraphClientOptions } from './client.js';
export {
  GraphArgumentError,
  GraphNetworkError,
  GraphRequestError,
  GraphTimeoutError,
  GraphUncertainError,
  GraphUnexpectedResponseError,
  MediaUrlExpiredError,
} from './errors.js';
export type { FetchLike } from './transport.js';
export { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, type RetryPolicy } from './retry.js';
export type * from './types.js';
