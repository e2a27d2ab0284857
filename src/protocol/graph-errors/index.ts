// Typed Graph API errors and the parser that builds them from an error response. Re-exports only.

export * from './errors.js';
export { graphErrorFromResponse, parseRetryAfter, type GraphErrorOptions, type HeadersLike } from './parse.js';
export {
  GRAPH_ERROR_TABLE,
  ruleForMetaCode,
  type GraphErrorRule,
  type GraphErrorClass,
  type CodeSpec,
} from './table.js';
