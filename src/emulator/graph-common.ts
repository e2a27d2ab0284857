// Shared Graph plumbing: Meta-shaped error answers, the Bearer-token check (code 190), the
// latency and server-error fault knobs, and reading request parameters the way Graph accepts them
// (JSON, urlencoded or multipart body, merged over the query string).

import type { Context, MiddlewareHandler } from 'hono';
import type { EmulatorContext } from './state.js';

/** `/v24.0`, `/v19.0`…: Graph answers under any vNN.N prefix. */
export const VERSION = '/:version{v[0-9]+\\.[0-9]+}';

export interface GraphErrorInit {
  code: number;
  message: string;
  /** error_data.details (with messaging_product "whatsapp"), the Cloud API's usual carrier. */
  details?: string;
  type?: string;
  subcode?: number;
  userTitle?: string;
  userMessage?: string;
  transient?: boolean;
}

export function graphError(
  ctx: EmulatorContext,
  status: number,
  init: GraphErrorInit,
  headers: Record<string, string> = {},
): Response {
  const error: Record<string, unknown> = {
    message: init.message,
    type: init.type ?? 'OAuthException',
    code: init.code,
  };
  if (init.subcode !== undefined) error.error_subcode = init.subcode;
  if (init.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: init.details };
  if (init.transient !== undefined) error.is_transient = init.transient;
  if (init.userTitle !== undefined) error.error_user_title = init.userTitle;
  if (init.userMessage !== undefined) error.error_user_msg = init.userMessage;
  error.fbtrace_id = ctx.ids.fbtrace();
  return Response.json({ error }, { status, headers });
}

/** 400 / (#100) Invalid parameter with the specific reason in error_data.details. */
export function invalidParameter(ctx: EmulatorContext, details: string): Response {
  return graphError(ctx, 400, { code: 100, message: '(#100) Invalid parameter', details });
}

/** 400 / (#100) The parameter X is required. */
export function missingParameter(ctx: EmulatorContext, name: string): Response {
  return graphError(ctx, 400, {
    code: 100,
    message: `(#100) The parameter ${name} is required`,
    details: `The parameter ${name} is required.`,
  });
}

/** Graph's answer for an id it does not know (or that does not support the operation). */
export function unknownObject(ctx: EmulatorContext, method: string, id: string): Response {
  return graphError(ctx, 400, {
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to ` +
      'missing permissions, or does not support this operation. Please read the Graph API documentation at ' +
      'https://developers.facebook.com/docs/graph-api',
  });
}

export function unknownPath(ctx: EmulatorContext, path: string): Response {
  return graphError(ctx, 400, { code: 2500, message: `Unknown path components: ${path}` });
}

/** The Bearer token from the Authorization header, or Graph's `access_token` query parameter. */
export function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1] ?? null;
  }
  return c.req.query('access_token') ?? null;
}

export function unauthorized(ctx: EmulatorContext): Response {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return graphError(
    ctx,
    401,
    { code: 190, message },
    {
      'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"`,
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Auth first (as Graph does), then the latency and server-error knobs. */
export function graphGuard(ctx: EmulatorContext): MiddlewareHandler {
  return async (c, next) => {
    if (bearerToken(c) !== ctx.config.accessToken) return unauthorized(ctx);
    const { latencyMs, serverErrorRate } = ctx.state.faults;
    if (latencyMs > 0) await sleep(latencyMs);
    if (serverErrorRate > 0 && ctx.config.random() < serverErrorRate) {
      return graphError(ctx, 500, {
        code: 131000,
        message: '(#131000) Something went wrong',
        details: 'Something went wrong',
        transient: true,
      });
    }
    await next();
    return undefined;
  };
}

export type Params = Record<string, unknown>;

/**
 * Request parameters: query string, overridden by a JSON object body, an urlencoded body or a
 * multipart body (files stay File objects). Returns an error string for a body Graph could not read.
 */
export async function readParams(c: Context): Promise<Params | string> {
  // access_token authenticates the call; it is not a parameter of it.
  const { access_token: _token, ...query } = c.req.query();
  const params: Params = { ...query };
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const text = type.startsWith('multipart/form-data') ? null : await c.req.text();
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      return 'The multipart body could not be parsed';
    }
    for (const [key, value] of form.entries()) params[key] = value;
    return params;
  }
  if (text === null || text.trim() === '') return params;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
    return params;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'The request body is not valid JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'The request body must be a JSON object';
  return { ...params, ...(json as Params) };
}

/** A form value that holds JSON (Graph lets nested objects travel as JSON strings). */
export function jsonish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/** Boolean parameter: true/false or their string forms. */
export function booleanParam(value: unknown): boolean | null {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function origin(c: Context): string {
  return new URL(c.req.url).origin;
}
