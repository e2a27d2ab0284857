// Flows management (SPEC D.6): create (JSON, urlencoded or multipart), Flow JSON assets with
// validation errors in Meta's shape, the DRAFT → PUBLISHED → DEPRECATED lifecycle with Meta's
// error codes for invalid transitions (139001 update, 139002 publish, 139003 deprecate), the WABA's
// flow list with cursors, and optional FLOW_STATUS_CHANGE webhooks. The /{flow-id} node itself
// (details, update, delete) is in flow-node.ts.

import type { Context, Hono } from 'hono';
import { FROZEN_FLOW_JSON_VERSIONS, LATEST_FLOW_JSON_VERSION, type FlowJsonVersion } from '../protocol/index.js';
import { checkFlowJsonAsset } from './flow-asset-check.js';
import { endpointHealthProblem } from './flow-health-check.js';
import { flowError, nameClash, parseCategories, validationErrorsField } from './flow-node.js';
import {
  booleanParam,
  invalidParameter,
  missingParameter,
  origin,
  readParams,
  unknownObject,
  VERSION,
  type Params,
} from './graph-common.js';
import { unixSeconds, type EmulatorContext, type FlowStatus, type StoredFlow } from './state.js';

const ASSET_PATH = '/flow-assets';

async function flowJsonParam(value: unknown): Promise<string | null> {
  if (value === undefined || value === null) return null;
  if (value instanceof File) return value.text();
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function setFlowJson(flow: StoredFlow, text: string): void {
  const check = checkFlowJsonAsset(text);
  flow.flowJson = text;
  flow.validationErrors = check.errors;
  flow.jsonVersion = check.jsonVersion;
  flow.dataApiVersion = check.dataApiVersion;
}

function changeStatus(ctx: EmulatorContext, flow: StoredFlow, to: FlowStatus): void {
  const from = flow.status;
  flow.status = to;
  if (!ctx.config.flowWebhooks) return;
  ctx.notify({
    field: 'flows',
    time: unixSeconds(ctx.config.now()),
    value: {
      event: 'FLOW_STATUS_CHANGE',
      message: `Flow ${flow.name} changed status from ${from} to ${to}`,
      flow_id: flow.id,
      old_status: from,
      new_status: to,
    },
  });
}

/** Why the flow cannot be published as it stands (139002), or null; the endpoint health check is apart. */
function staticPublishProblem(ctx: EmulatorContext, flow: StoredFlow): string | null {
  if (flow.status !== 'DRAFT') return `Only DRAFT Flows can be published; this Flow is ${flow.status}.`;
  if (flow.flowJson === null) return 'The Flow has no Flow JSON.';
  if (flow.validationErrors.length > 0) return "You can't publish a Flow with validation errors.";
  // Frozen: no new flows are published on that version (SPEC E.9); the asset itself only gets a warning.
  const frozen = flow.jsonVersion === null ? undefined : FROZEN_FLOW_JSON_VERSIONS[flow.jsonVersion as FlowJsonVersion];
  if (frozen !== undefined)
    return `Flow JSON version ${String(flow.jsonVersion)} is frozen since ${frozen}: new Flows can't be published on it. Use version ${LATEST_FLOW_JSON_VERSION}.`;
  if (flow.dataApiVersion === null) return null;
  if (flow.endpointUri === null) return 'The Flow uses an endpoint (data_api_version) but has no endpoint_uri.';
  if (ctx.state.businessKey === null || ctx.state.keyStatus !== 'VALID')
    return 'The Flow uses an endpoint but the phone number has no validly signed business public key.';
  return null;
}

/**
 * Why the flow cannot be published now (139002), or null: the checks, the endpoint's health check (SPEC
 * A.7), then the checks again on the flow as it is after that wait — it may have been changed or
 * published by another call meanwhile.
 */
async function publishProblem(ctx: EmulatorContext, flow: StoredFlow): Promise<string | null> {
  const problem = staticPublishProblem(ctx, flow);
  if (problem !== null || flow.dataApiVersion === null || flow.endpointUri === null || !ctx.config.flowHealthCheck)
    return problem;
  const seen = { json: flow.flowJson, endpoint: flow.endpointUri, key: ctx.state.businessKey ?? '' };
  const health = await endpointHealthProblem({
    endpointUri: seen.endpoint,
    version: flow.dataApiVersion,
    publicKeyPem: seen.key,
    appSecret: ctx.config.appSecret,
    fetch: ctx.config.fetch,
  });
  if (health !== null) return health;
  if (flow.flowJson !== seen.json || flow.endpointUri !== seen.endpoint || ctx.state.businessKey !== seen.key)
    return 'The Flow or its endpoint changed while the endpoint was being checked; publish it again.';
  return null;
}

async function createFlow(ctx: EmulatorContext, c: Context, params: Params): Promise<Response> {
  if (typeof params.name !== 'string' || params.name.trim() === '') return missingParameter(ctx, 'name');
  const clash = nameClash(ctx, params.name);
  if (clash !== null) return clash;
  if (params.categories === undefined) return missingParameter(ctx, 'categories');
  const categories = parseCategories(params.categories);
  if (typeof categories === 'string') return invalidParameter(ctx, categories);
  const publish = params.publish === undefined ? false : booleanParam(params.publish);
  if (publish === null) return invalidParameter(ctx, 'Param publish must be a boolean.');
  let flowJson = await flowJsonParam(params.flow_json);
  if (flowJson === null && typeof params.clone_flow_id === 'string') {
    const source = ctx.state.flows.get(params.clone_flow_id);
    if (source === undefined)
      return invalidParameter(ctx, `Param clone_flow_id: flow ${params.clone_flow_id} does not exist.`);
    flowJson = source.flowJson;
  }
  const flow: StoredFlow = {
    id: ctx.ids.numeric(),
    name: params.name,
    categories,
    status: 'DRAFT',
    flowJson: null,
    validationErrors: [],
    jsonVersion: null,
    dataApiVersion: null,
    endpointUri: typeof params.endpoint_uri === 'string' && params.endpoint_uri !== '' ? params.endpoint_uri : null,
    applicationId: null,
    preview: null,
    createdAt: ctx.config.now(),
  };
  if (flowJson !== null) setFlowJson(flow, flowJson);
  // publish is applied only with a valid flow_json (SPEC D.6); other failures refuse the call.
  if (publish && flowJson !== null && flow.validationErrors.length === 0) {
    // Checked again after the awaited health check, as in the publish route.
    const problem = (await publishProblem(ctx, flow)) ?? staticPublishProblem(ctx, flow);
    if (problem !== null)
      return flowError(ctx, 139002, 'Publishing Flow in invalid state', "Flow can't be published", problem);
    // Another flow may have taken the name while the endpoint was checked.
    const taken = nameClash(ctx, params.name);
    if (taken !== null) return taken;
  }
  ctx.state.flows.set(flow.id, flow);
  if (ctx.config.flowWebhooks) {
    ctx.notify({
      field: 'flows',
      time: unixSeconds(ctx.config.now()),
      value: {
        event: 'FLOW_STATUS_CHANGE',
        message: `Flow ${flow.name} has been created with DRAFT status`,
        flow_id: flow.id,
        new_status: 'DRAFT',
      },
    });
  }
  if (publish && flowJson !== null && flow.validationErrors.length === 0) changeStatus(ctx, flow, 'PUBLISHED');
  const body: Record<string, unknown> = { id: flow.id, success: true };
  if (flowJson !== null) body.validation_errors = validationErrorsField(flow);
  return c.json(body);
}

function listFlows(ctx: EmulatorContext, c: Context): Response {
  const all = [...ctx.state.flows.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 25) || 25, 1), 100);
  const after = c.req.query('after');
  const afterId = after === undefined ? null : Buffer.from(after, 'base64url').toString('utf8');
  const start = afterId === null ? 0 : all.findIndex((f) => f.id === afterId) + 1;
  const page = all.slice(start, start + limit);
  const cursor = (flow: StoredFlow | undefined): string =>
    flow === undefined ? '' : Buffer.from(flow.id).toString('base64url');
  const paging: Record<string, unknown> = { cursors: { before: cursor(page[0]), after: cursor(page.at(-1)) } };
  if (start + limit < all.length) {
    const next = new URL(c.req.url);
    next.searchParams.set('after', cursor(page.at(-1)));
    paging.next = next.href;
  }
  return c.json({
    data: page.map((f) => ({
      name: f.name,
      status: f.status,
      categories: [...f.categories],
      validation_errors: validationErrorsField(f),
      id: f.id,
    })),
    paging,
  });
}

export function mountFlows(app: Hono, ctx: EmulatorContext): void {
  app.post(`${VERSION}/:wabaId/flows`, async (c) => {
    const wabaId = c.req.param('wabaId');
    if (wabaId !== ctx.config.wabaId) return unknownObject(ctx, 'POST', wabaId);
    const params = await readParams(c);
    return typeof params === 'string' ? invalidParameter(ctx, params) : createFlow(ctx, c, params);
  });

  app.get(`${VERSION}/:wabaId/flows`, (c) => {
    const wabaId = c.req.param('wabaId');
    return wabaId === ctx.config.wabaId ? listFlows(ctx, c) : unknownObject(ctx, 'GET', wabaId);
  });

  app.post(`${VERSION}/:flowId/assets`, async (c) => {
    const flow = ctx.state.flows.get(c.req.param('flowId'));
    if (flow === undefined) return unknownObject(ctx, 'POST', c.req.param('flowId'));
    const params = await readParams(c);
    if (typeof params === 'string') return invalidParameter(ctx, params);
    if (params.asset_type !== undefined && params.asset_type !== 'FLOW_JSON')
      return invalidParameter(ctx, 'Param asset_type must be FLOW_JSON.');
    const text = await flowJsonParam(params.file);
    if (text === null) return missingParameter(ctx, 'file');
    if (text.length > 10 * 1024 * 1024) return invalidParameter(ctx, 'The Flow JSON file must be at most 10 MB.');
    if (flow.status !== 'DRAFT') {
      return flowError(
        ctx,
        139001,
        "Flow can't be updated",
        "Flow can't be updated",
        `The Flow JSON of a ${flow.status} Flow cannot be changed; clone the Flow instead.`,
      );
    }
    setFlowJson(flow, text);
    return c.json({ success: true, validation_errors: validationErrorsField(flow) });
  });

  app.get(`${VERSION}/:flowId/assets`, (c) => {
    const flow = ctx.state.flows.get(c.req.param('flowId'));
    if (flow === undefined) return unknownObject(ctx, 'GET', c.req.param('flowId'));
    const data =
      flow.flowJson === null
        ? []
        : [
            {
              name: 'flow.json',
              asset_type: 'FLOW_JSON',
              download_url: new URL(`${ASSET_PATH}/${flow.id}/flow.json`, origin(c)).href,
            },
          ];
    return c.json({ data, paging: { cursors: { before: '', after: '' } } });
  });

  app.post(`${VERSION}/:flowId/publish`, async (c) => {
    const flow = ctx.state.flows.get(c.req.param('flowId'));
    if (flow === undefined) return unknownObject(ctx, 'POST', c.req.param('flowId'));
    const problem = await publishProblem(ctx, flow);
    // Deleted while its endpoint was checked.
    if (ctx.state.flows.get(flow.id) !== flow) return unknownObject(ctx, 'POST', flow.id);
    // Checked again in the synchronous step that publishes: another call may have published it meanwhile.
    const refused = problem ?? staticPublishProblem(ctx, flow);
    if (refused !== null)
      return flowError(ctx, 139002, 'Publishing Flow in invalid state', "Flow can't be published", refused);
    changeStatus(ctx, flow, 'PUBLISHED');
    return c.json({ success: true });
  });

  app.post(`${VERSION}/:flowId/deprecate`, (c) => {
    const flow = ctx.state.flows.get(c.req.param('flowId'));
    if (flow === undefined) return unknownObject(ctx, 'POST', c.req.param('flowId'));
    if (flow.status !== 'PUBLISHED') {
      return flowError(
        ctx,
        139003,
        'Deprecating Flow in invalid state',
        "Flow can't be deprecated",
        `Only PUBLISHED Flows can be deprecated; this Flow is ${flow.status}.`,
      );
    }
    changeStatus(ctx, flow, 'DEPRECATED');
    return c.json({ success: true });
  });

  // The public asset download (a CDN URL at Meta) and the preview link.
  app.get(`${ASSET_PATH}/:flowId/flow.json`, (c) => {
    const json = ctx.state.flows.get(c.req.param('flowId'))?.flowJson;
    return json === undefined || json === null
      ? c.text('Not Found', 404)
      : c.body(json, 200, { 'content-type': 'application/json' });
  });
  app.get('/wa/manage/flows/:flowId/preview/', (c) => {
    const flow = ctx.state.flows.get(c.req.param('flowId'));
    const live =
      flow?.preview !== null &&
      flow?.preview !== undefined &&
      flow.preview.token === c.req.query('token') &&
      flow.preview.expiresAt > ctx.config.now();
    if (!live) return c.text('Not Found', 404);
    return c.json({ id: flow.id, name: flow.name, status: flow.status, flow_json: flow.flowJson });
  });
}
