// The flow node, /{flow-id}: GET with `fields` (incl. preview.invalidate(…) and health_status),
// metadata updates, and deletes (DRAFT only, else 139004); plus the helpers the Flows routes share
// (categories, Meta-shaped flow errors, name uniqueness).

import type { Context } from 'hono';
import { graphError, invalidParameter, jsonish, origin, readParams } from './graph-common.js';
import type { EmulatorContext, StoredFlow } from './state.js';

export const FLOW_CATEGORIES = [
  'SIGN_UP',
  'SIGN_IN',
  'APPOINTMENT_BOOKING',
  'LEAD_GENERATION',
  'CONTACT_US',
  'CUSTOMER_SUPPORT',
  'SURVEY',
  'OTHER',
];
const PREVIEW_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_FIELDS = ['id', 'name', 'status', 'categories', 'validation_errors'];

export function flowError(
  ctx: EmulatorContext,
  code: number,
  message: string,
  userTitle: string,
  userMessage: string,
): Response {
  return graphError(ctx, 400, { code, message: `(#${code}) ${message}`, userTitle, userMessage, transient: false });
}

/** categories as a JSON array, a JSON-array string (the Postman form) or a comma list; or an error. */
export function parseCategories(value: unknown): string[] | string {
  const raw = jsonish(value);
  const list: unknown[] | null = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw.split(',').map((s) => s.trim())
      : null;
  if (list === null || list.length === 0 || !list.every((c): c is string => typeof c === 'string' && c !== '')) {
    return 'Param categories must be a non-empty array of flow categories.';
  }
  const bad = list.find((c) => !FLOW_CATEGORIES.includes(c));
  if (bad !== undefined) {
    return `Param categories[] must be one of {${FLOW_CATEGORIES.join(', ')}} - got ${JSON.stringify(bad)}.`;
  }
  return [...new Set(list)];
}

export function validationErrorsField(flow: StoredFlow): unknown[] {
  return flow.validationErrors.map((e) => ({ ...e }));
}

function preview(ctx: EmulatorContext, c: Context, flow: StoredFlow, invalidate: boolean): Record<string, string> {
  const now = ctx.config.now();
  if (invalidate || flow.preview === null || flow.preview.expiresAt <= now) {
    flow.preview = { token: ctx.ids.token(40), expiresAt: now + PREVIEW_TTL_MS };
  }
  const url = new URL(`/wa/manage/flows/${flow.id}/preview/`, origin(c));
  url.searchParams.set('token', flow.preview.token);
  return {
    preview_url: url.href,
    expires_at: new Date(flow.preview.expiresAt).toISOString().replace(/\.\d{3}Z$/, '+0000'),
  };
}

/** Splits `a,b.c(x,y),d` at top-level commas. */
function splitFields(fields: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of fields) {
    if (ch === '(' || ch === '{') depth += 1;
    if (ch === ')' || ch === '}') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

type FieldReader = (ctx: EmulatorContext, c: Context, flow: StoredFlow, field: string) => unknown;

/** Readable fields of a flow node; a reader returning undefined leaves the field out. */
const FLOW_FIELDS: ReadonlyMap<string, FieldReader> = new Map<string, FieldReader>([
  ['id', (_ctx, _c, flow) => flow.id],
  ['name', (_ctx, _c, flow) => flow.name],
  ['status', (_ctx, _c, flow) => flow.status],
  ['categories', (_ctx, _c, flow) => [...flow.categories]],
  ['validation_errors', (_ctx, _c, flow) => validationErrorsField(flow)],
  ['json_version', (_ctx, _c, flow) => flow.jsonVersion ?? undefined],
  ['data_api_version', (_ctx, _c, flow) => flow.dataApiVersion ?? undefined],
  ['endpoint_uri', (_ctx, _c, flow) => flow.endpointUri ?? undefined],
  // Deprecated in v19.0 in favour of endpoint_uri; older clients still ask for it.
  ['data_channel_uri', (_ctx, _c, flow) => flow.endpointUri ?? undefined],
  ['preview', (ctx, c, flow, field) => preview(ctx, c, flow, /invalidate\(\s*true\s*\)/.test(field))],
  [
    'whatsapp_business_account',
    (ctx) => ({
      id: ctx.config.wabaId,
      name: 'Flowgate Emulator WABA',
      timezone_id: '1',
      message_template_namespace: 'flowgate_emulator',
    }),
  ],
  [
    'application',
    (ctx, _c, flow) => {
      const id = flow.applicationId ?? ctx.config.appId;
      return { link: `https://www.facebook.com/games/?app_id=${id}`, name: 'Flowgate Emulator', id };
    },
  ],
  [
    'health_status',
    (ctx, _c, flow) => {
      const flowState = flow.status === 'DEPRECATED' ? 'BLOCKED' : 'AVAILABLE';
      return {
        can_send_message: flowState,
        entities: [
          { entity_type: 'FLOW', id: flow.id, can_send_message: flowState },
          { entity_type: 'WABA', id: ctx.config.wabaId, can_send_message: 'AVAILABLE' },
          { entity_type: 'APP', id: flow.applicationId ?? ctx.config.appId, can_send_message: 'AVAILABLE' },
        ],
      };
    },
  ],
]);

/** GET /{flow-id}; null when the id is not a flow. */
export function getFlow(ctx: EmulatorContext, c: Context, id: string): Response | null {
  const flow = ctx.state.flows.get(id);
  if (flow === undefined) return null;
  const requested = c.req.query('fields');
  const fields = requested === undefined || requested.trim() === '' ? DEFAULT_FIELDS : splitFields(requested);
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const base = field.split(/[.({]/)[0] ?? field;
    const read = FLOW_FIELDS.get(base);
    if (read === undefined) {
      return graphError(ctx, 400, {
        code: 100,
        message: `(#100) Tried accessing nonexisting field (${base}) on node type (WhatsAppFlow)`,
      });
    }
    const value = read(ctx, c, flow, field);
    if (value !== undefined) out[base] = value;
  }
  out.id = flow.id;
  return c.json(out);
}

/** POST /{flow-id}: metadata update; null when the id is not a flow. */
export async function updateFlow(ctx: EmulatorContext, c: Context, id: string): Promise<Response | null> {
  const flow = ctx.state.flows.get(id);
  if (flow === undefined) return null;
  const params = await readParams(c);
  if (typeof params === 'string') return invalidParameter(ctx, params);
  if (flow.status === 'DEPRECATED')
    return flowError(
      ctx,
      139001,
      "Flow can't be updated",
      "Flow can't be updated",
      'A deprecated Flow cannot be updated.',
    );
  const categories = params.categories === undefined ? null : parseCategories(params.categories);
  if (typeof categories === 'string') return invalidParameter(ctx, categories);
  if (typeof params.name === 'string' && params.name !== flow.name) {
    const clash = nameClash(ctx, params.name);
    if (clash !== null) return clash;
    flow.name = params.name;
  }
  if (categories !== null) flow.categories = categories;
  if (typeof params.endpoint_uri === 'string') flow.endpointUri = params.endpoint_uri;
  if (typeof params.application_id === 'string') flow.applicationId = params.application_id;
  return c.json({ success: true });
}

/** DELETE /{flow-id}: only DRAFT (else 139004); null when the id is not a flow. */
export function deleteFlow(ctx: EmulatorContext, c: Context, id: string): Response | null {
  const flow = ctx.state.flows.get(id);
  if (flow === undefined) return null;
  if (flow.status !== 'DRAFT') {
    return flowError(
      ctx,
      139004,
      "Flow can't be deleted",
      "Flow can't be deleted",
      `Only DRAFT Flows can be deleted; this Flow is ${flow.status}. Deprecate it instead.`,
    );
  }
  ctx.state.flows.delete(id);
  return c.json({ success: true });
}

export function nameClash(ctx: EmulatorContext, name: string): Response | null {
  for (const flow of ctx.state.flows.values()) {
    if (flow.name === name) {
      return graphError(ctx, 400, {
        code: 100,
        message: '(#100) Invalid parameter',
        details: `Flow name "${name}" is already used by flow ${flow.id}.`,
        userTitle: 'Flow name not unique',
        userMessage: 'Please use a different name for your Flow.',
      });
    }
  }
  return null;
}
