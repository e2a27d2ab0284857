// Turns a Graph API error response (status, body, headers) into the typed error for its Meta code.
// Never throws: odd bodies (HTML, empty, error_data as a string) still yield a GraphApiError.

import { isRecord, num, prop, rec, str, type JsonRecord } from '../webhook/read.js';
import { GraphApiError } from './errors.js';
import { HTTP_429_RULE, ruleForMetaCode } from './table.js';

/** A fetch `Headers`, or a plain record with any key casing. */
export type HeadersLike = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface GraphErrorOptions {
  /** The current time in ms, for a `Retry-After` given as an HTTP date; defaults to Date.now(). */
  now?: number;
  cause?: unknown;
}

const MAX_TEXT_IN_MESSAGE = 200;

/**
 * Builds the error for a non-2xx Graph response. `body` is the parsed JSON, or the raw text (it is
 * parsed here when it holds JSON).
 */
export function graphErrorFromResponse(
  status: number,
  body: unknown,
  headers?: HeadersLike,
  options: GraphErrorOptions = {},
): GraphApiError {
  const parsed = typeof body === 'string' ? tryParseJson(body) : body;
  const error = isRecord(parsed) ? rec(parsed, 'error') : null;
  const metaCode = error ? integer(error, 'code') : null;
  const errorData = error ? errorDataOf(error) : null;
  const details = errorData ? str(errorData, 'details') : null;
  const metaMessage = error ? str(error, 'message') : null;
  const fbtraceId = error ? str(error, 'fbtrace_id') : null;
  const isTransient = error !== null && prop(error, 'is_transient') === true;

  const rule =
    (metaCode === null ? undefined : ruleForMetaCode(metaCode)) ?? (status === 429 ? HTTP_429_RULE : undefined);
  const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), options.now ?? Date.now());

  const init = {
    message: composeMessage(status, metaMessage, details, error === null ? body : null),
    code: rule?.code ?? 'flowgate.graph.error',
    hint: rule?.hint ?? unknownHint(metaCode, fbtraceId),
    metaCode,
    subcode: error ? integer(error, 'error_subcode') : null,
    type: error ? str(error, 'type') : null,
    details,
    fbtraceId,
    userTitle: error ? str(error, 'error_user_title') : null,
    userMessage: error ? str(error, 'error_user_msg') : null,
    httpStatus: status,
    // Meta's is_transient may upgrade a code to transient, never downgrade the table.
    transient: (rule?.transient ?? status >= 500) || isTransient,
    retrySafe: rule?.retrySafe ?? false,
    retryAfterMs,
  };
  const ErrorClass = rule?.errorClass ?? GraphApiError;
  return new ErrorClass(init, options.cause === undefined ? undefined : { cause: options.cause });
}

/**
 * `Retry-After` as milliseconds to wait: delta-seconds or an HTTP date (RFC 9110 §10.2.3). A date in
 * the past yields 0; anything unparseable yields null.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/[a-z]/i.test(trimmed)) return null; // "-5", "" and such are not dates either
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function integer(obj: JsonRecord, key: string): number | null {
  const value = num(obj, key);
  return value !== null && Number.isSafeInteger(value) ? value : null;
}

/** error_data is usually an object, but older Graph responses send it JSON-encoded or as plain text. */
function errorDataOf(error: JsonRecord): JsonRecord | null {
  const value = prop(error, 'error_data');
  if (isRecord(value)) return value;
  if (typeof value !== 'string' || value === '') return null;
  const parsed = tryParseJson(value);
  return isRecord(parsed) ? parsed : { details: value };
}

function composeMessage(status: number, metaMessage: string | null, details: string | null, rawBody: unknown): string {
  const base = metaMessage ?? `Graph API answered HTTP ${status}`;
  if (details !== null && details !== '' && !base.includes(details)) return `${base}: ${details}`;
  if (metaMessage === null && typeof rawBody === 'string' && rawBody.trim() !== '') {
    const snippet = rawBody.trim().replace(/\s+/g, ' ');
    const cut = snippet.length > MAX_TEXT_IN_MESSAGE ? `${snippet.slice(0, MAX_TEXT_IN_MESSAGE)}…` : snippet;
    return `${base}: ${cut}`;
  }
  return base;
}

function unknownHint(metaCode: number | null, fbtraceId: string | null): string {
  const trace = fbtraceId === null ? '' : ` and quote fbtrace_id ${fbtraceId} to Meta support`;
  return metaCode === null
    ? `Graph answered without a recognizable error body; check the endpoint URL and API version${trace}.`
    : `Look up code ${metaCode} in Meta's Cloud API error-code reference${trace}.`;
}

function headerValue(headers: HeadersLike | undefined, name: string): string | null {
  if (headers === undefined) return null;
  if (headers instanceof Headers) return headers.get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return (value as readonly string[])[0] ?? null;
  }
  return null;
}
