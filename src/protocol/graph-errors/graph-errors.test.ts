// graphErrorFromResponse against Meta's documented 130429 error body, one table of codes → class,
// stable code and transience, odd bodies that must not throw, and Retry-After parsing.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AccountRestrictedError,
  AuthError,
  FlowBlockedError,
  FlowManagementError,
  FlowThrottledError,
  GRAPH_ERROR_TABLE,
  GraphApiError,
  graphErrorFromResponse,
  InvalidParameterError,
  MediaError,
  parseRetryAfter,
  PermissionError,
  RateLimitError,
  ReengagementWindowError,
  ServiceUnavailableError,
  TemplateError,
  UndeliverableError,
  type GraphErrorClass,
} from './index.js';

const FIXTURE = new URL(
  '../../../../shared/protocol/fixtures/graph_api/error_response_130429_meta_docs.json',
  import.meta.url,
);
const fixtureText = readFileSync(FIXTURE, 'utf8');

function body(code: number, extra: Record<string, unknown> = {}): unknown {
  return { error: { message: `(#${code}) Something`, type: 'OAuthException', code, fbtrace_id: 'TRACE', ...extra } };
}

describe('graphErrorFromResponse: the Meta docs 130429 body', () => {
  it('maps every field', () => {
    const error = graphErrorFromResponse(400, JSON.parse(fixtureText), new Headers());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'RateLimitError',
      code: 'flowgate.graph.rate_limited',
      metaCode: 130429,
      subcode: 2494055,
      type: 'OAuthException',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      httpStatus: 400,
      transient: true,
      retrySafe: true,
      retryAfterMs: null,
      userTitle: null,
      userMessage: null,
    });
    expect(error.message).toBe('(#130429) Rate limit hit: Cloud API message throughput has been reached.');
    expect(error.hint).toMatch(/throughput/);
  });

  it('parses the same body given as raw text', () => {
    const error = graphErrorFromResponse(400, fixtureText);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.fbtraceId).toBe('Az8or2yhqkZfEZ-_4Qn_Bam');
  });
});

// code → [class, stable code, transient, retrySafe]
const CASES: [number, GraphErrorClass, string, boolean, boolean][] = [
  [130429, RateLimitError, 'flowgate.graph.rate_limited', true, true],
  [4, RateLimitError, 'flowgate.graph.rate_limited', true, true],
  [80007, RateLimitError, 'flowgate.graph.rate_limited', true, true],
  [131048, RateLimitError, 'flowgate.graph.spam_rate_limited', true, false],
  [131056, RateLimitError, 'flowgate.graph.pair_rate_limited', true, true],
  [131047, ReengagementWindowError, 'flowgate.graph.reengagement_window_closed', false, false],
  [190, AuthError, 'flowgate.graph.auth_failed', false, false],
  [0, AuthError, 'flowgate.graph.auth_failed', false, false],
  [100, InvalidParameterError, 'flowgate.graph.invalid_parameter', false, false],
  [131008, InvalidParameterError, 'flowgate.graph.missing_parameter', false, false],
  [131009, InvalidParameterError, 'flowgate.graph.invalid_parameter', false, false],
  [131051, InvalidParameterError, 'flowgate.graph.unsupported_message_type', false, false],
  [3, PermissionError, 'flowgate.graph.permission_denied', false, false],
  [10, PermissionError, 'flowgate.graph.permission_denied', false, false],
  [200, PermissionError, 'flowgate.graph.permission_denied', false, false],
  [250, PermissionError, 'flowgate.graph.permission_denied', false, false],
  [299, PermissionError, 'flowgate.graph.permission_denied', false, false],
  [131026, UndeliverableError, 'flowgate.graph.undeliverable', false, false],
  [131031, AccountRestrictedError, 'flowgate.graph.account_restricted', false, false],
  [368, AccountRestrictedError, 'flowgate.graph.account_restricted', false, false],
  [131052, MediaError, 'flowgate.graph.media_download_failed', false, false],
  [131053, MediaError, 'flowgate.graph.media_upload_failed', false, false],
  [131000, ServiceUnavailableError, 'flowgate.graph.unknown_error', true, false],
  [131016, ServiceUnavailableError, 'flowgate.graph.service_unavailable', true, false],
  [131057, ServiceUnavailableError, 'flowgate.graph.maintenance', true, false],
  [132000, TemplateError, 'flowgate.graph.template_rejected', false, false],
  [132016, TemplateError, 'flowgate.graph.template_rejected', false, false],
  [132068, FlowBlockedError, 'flowgate.graph.flow_blocked', false, false],
  [132069, FlowThrottledError, 'flowgate.graph.flow_throttled', false, false],
  [139000, FlowManagementError, 'flowgate.graph.flow_integrity_blocked', false, false],
  [139001, FlowManagementError, 'flowgate.graph.flow_update_failed', false, false],
  [139002, FlowManagementError, 'flowgate.graph.flow_publish_failed', false, false],
  [139003, FlowManagementError, 'flowgate.graph.flow_deprecate_failed', false, false],
  [139004, FlowManagementError, 'flowgate.graph.flow_delete_failed', false, false],
  [139005, FlowManagementError, 'flowgate.graph.flow_management_failed', false, false],
  [139006, FlowManagementError, 'flowgate.graph.flow_metrics_unavailable', false, false],
];

describe('graphErrorFromResponse: code table', () => {
  it.each(CASES)('code %i → %o', (metaCode, errorClass, code, transient, retrySafe) => {
    const error = graphErrorFromResponse(400, body(metaCode));
    expect(error).toBeInstanceOf(errorClass);
    expect(error.name).toBe(errorClass.name);
    expect({
      code: error.code,
      transient: error.transient,
      retrySafe: error.retrySafe,
      metaCode: error.metaCode,
    }).toEqual({ code, transient, retrySafe, metaCode });
  });

  it.each([300, 132017, 131999, 139007, 999999])('unknown code %i → base GraphApiError', (metaCode) => {
    const error = graphErrorFromResponse(400, body(metaCode));
    expect(error.constructor).toBe(GraphApiError);
    expect(error.name).toBe('GraphApiError');
    expect(error.code).toBe('flowgate.graph.error');
    expect(error.transient).toBe(false);
    expect(error.hint).toContain(String(metaCode));
    expect(error.hint).toContain('TRACE');
  });

  it('unknown codes are transient on HTTP 5xx or when Meta says is_transient', () => {
    expect(graphErrorFromResponse(503, body(999999)).transient).toBe(true);
    expect(graphErrorFromResponse(400, body(999999, { is_transient: true })).transient).toBe(true);
    // is_transient never downgrades the table.
    expect(graphErrorFromResponse(400, body(130429, { is_transient: false })).transient).toBe(true);
  });

  it('every rule has a stable namespaced code and a one-sentence hint', () => {
    for (const rule of GRAPH_ERROR_TABLE) {
      expect(rule.code).toMatch(/^flowgate\.graph\.[a-z_]+$/);
      expect(rule.hint).toMatch(/^[A-Z].*\.$/);
      expect(rule.hint.slice(0, -1)).not.toMatch(/\.\s+[A-Z]/);
    }
  });

  it('HTTP 429 without a known code is a retry-safe RateLimitError', () => {
    const error = graphErrorFromResponse(429, '');
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retrySafe).toBe(true);
    expect(error.metaCode).toBeNull();
  });

  it('reads user title/message, numeric-string codes and error_data given as a string', () => {
    const error = graphErrorFromResponse(400, {
      error: { code: '131047', error_user_title: 'T', error_user_msg: 'M', error_data: '{"details":"window"}' },
    });
    expect(error).toBeInstanceOf(ReengagementWindowError);
    expect(error).toMatchObject({ userTitle: 'T', userMessage: 'M', details: 'window', subcode: null });
    expect(graphErrorFromResponse(400, { error: { code: 100, error_data: 'plain words' } }).details).toBe(
      'plain words',
    );
  });

  it('keeps a cause', () => {
    const cause = new Error('x');
    expect(graphErrorFromResponse(500, {}, undefined, { cause }).cause).toBe(cause);
  });
});

describe('graphErrorFromResponse: odd bodies never throw', () => {
  const odd: unknown[] = [
    null,
    undefined,
    '',
    '<html><body>502 Bad Gateway</body></html>',
    '{"error":',
    42,
    [],
    [{ error: { code: 4 } }],
    { error: 'string' },
    { error: null },
    { error: { code: 'abc', message: 7, error_data: [1], fbtrace_id: {} } },
    { error: { code: 1.5 } },
    { error: { code: { valueOf: 4 } } },
  ];
  it.each(odd)('%o', (value) => {
    const error = graphErrorFromResponse(502, value);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error.metaCode).toBeNull();
    expect(error.httpStatus).toBe(502);
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/^Graph API answered HTTP 502/);
  });

  it('includes a short snippet of a non-JSON body', () => {
    const error = graphErrorFromResponse(502, `<html>${'x'.repeat(1000)}</html>`);
    expect(error.message.length).toBeLessThan(260);
    expect(error.message).toContain('<html>');
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['2', 2000],
    [' 0 ', 0],
    ['1.5', 1500],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['-5', null],
    ['soon', null],
    ['', null],
  ] as const)('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads the header from Headers or any-case records', () => {
    expect(graphErrorFromResponse(429, '', new Headers({ 'Retry-After': '3' })).retryAfterMs).toBe(3000);
    expect(graphErrorFromResponse(429, '', { 'RETRY-AFTER': '4' }).retryAfterMs).toBe(4000);
    expect(graphErrorFromResponse(429, '', { 'retry-after': ['5'] }).retryAfterMs).toBe(5000);
    const dated = graphErrorFromResponse(429, '', { 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, { now });
    expect(dated.retryAfterMs).toBe(10_000);
  });
});
