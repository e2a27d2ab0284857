// GraphClient Flows management calls against the in-process fake Meta server: paths, methods, JSON
// and multipart bodies, and mapping of Meta's flows_* response fixtures to camelCase.

import { describe, expect, it } from 'vitest';
import { FlowManagementError } from '../protocol/graph-errors/index.js';
import { createFakeMeta, fixture, newClient } from './fake-meta.test-util.js';

const SPEC_VALIDATION_ERROR = {
  error: 'INVALID_PROPERTY_VALUE',
  error_type: 'FLOW_JSON_ERROR',
  message: "Invalid value found for property 'type'.",
  line_start: 10,
  line_end: 10,
  column_start: 21,
  column_end: 34,
  pointers: [
    { line_start: 10, line_end: 10, column_start: 21, column_end: 34, path: 'screens [0]. layout.children [0].type' },
  ],
};

const FIXTURE_VALIDATION_ERROR = {
  error: 'INVALID_PROPERTY',
  errorType: 'JSON_SCHEMA_ERROR',
  message: 'The property "initial-text" cannot be specified at "$root/screens/0/layout/children/2/children/0".',
  lineStart: 46,
  lineEnd: 46,
  columnStart: 17,
  columnEnd: 30,
  pointers: [],
};

describe('createFlow', () => {
  it('POSTs /<WABA_ID>/flows with snake_case JSON and maps the Postman response', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:waba/flows', (c) => c.json(fixture('flows_create__response.json')));
    const created = await newClient(meta.fetch).createFlow('waba-1', {
      name: 'my first flow',
      categories: ['SIGN_UP', 'OTHER'],
      endpointUri: 'https://example.com',
    });
    expect(created).toEqual({ id: 'flow-1', validationErrors: [] });
    const request = meta.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v24.0/waba-1/flows');
    expect(request.json()).toEqual({
      name: 'my first flow',
      categories: ['SIGN_UP', 'OTHER'],
      endpoint_uri: 'https://example.com',
    });
  });

  it('sends flow_json, publish and clone_flow_id and camelCases validation errors with pointers', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:waba/flows', (c) =>
      c.json({ id: '123', success: true, validation_errors: [SPEC_VALIDATION_ERROR] }),
    );
    const created = await newClient(meta.fetch).createFlow('1', {
      name: 'n',
      categories: ['OTHER'],
      flowJson: '{"version":"7.3","screens":[]}',
      publish: true,
      cloneFlowId: '99',
    });
    expect(meta.requests[0]?.json()).toEqual({
      name: 'n',
      categories: ['OTHER'],
      flow_json: '{"version":"7.3","screens":[]}',
      publish: true,
      clone_flow_id: '99',
    });
    expect(created.validationErrors).toEqual([
      {
        error: 'INVALID_PROPERTY_VALUE',
        errorType: 'FLOW_JSON_ERROR',
        message: "Invalid value found for property 'type'.",
        lineStart: 10,
        lineEnd: 10,
        columnStart: 21,
        columnEnd: 34,
        pointers: [
          { path: 'screens [0]. layout.children [0].type', lineStart: 10, lineEnd: 10, columnStart: 21, columnEnd: 34 },
        ],
      },
    ]);
  });

  it('a 100 "name not unique" answer is an InvalidParameterError', async () => {
    const meta = createFakeMeta();
    meta.app.post('*', (c) => c.json({ error: { message: 'Invalid parameter', code: 100 } }, 400));
    const error = await newClient(meta.fetch)
      .createFlow('1', { name: 'dup', categories: ['OTHER'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidParameterError', metaCode: 100 });
  });
});

describe('updating, uploading, publishing, deprecating, deleting', () => {
  it('updateFlowMetadata POSTs /<FLOW_ID>', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:flow', (c) => c.json({ success: true }));
    await newClient(meta.fetch).updateFlowMetadata('flow-1', { name: 'renamed', applicationId: 'app-1' });
    expect(meta.requests[0]?.path).toBe('/v24.0/flow-1');
    expect(meta.requests[0]?.json()).toEqual({ name: 'renamed', application_id: 'app-1' });
  });

  it('uploadFlowJson sends file=flow.json, name=flow.json, asset_type=FLOW_JSON and maps validation errors', async () => {
    const meta = createFakeMeta();
    meta.app.post('/v24.0/:flow/assets', (c) =>
      c.json(fixture('flows_assets_upload__response_with_validation_errors.json')),
    );
    const flowJson = JSON.stringify({ version: '7.3', screens: [{ id: 'WELCOME', title: 'Hé ✓' }] });
    const result = await newClient(meta.fetch).uploadFlowJson('flow-1', flowJson);
    expect(result).toEqual({ validationErrors: [FIXTURE_VALIDATION_ERROR] });
    const request = meta.requests[0]!;
    expect(request.path).toBe('/v24.0/flow-1/assets');
    const form = await request.form();
    const postmanKeys = (fixture('flows_assets_upload__postman_formdata.json') as unknown as { key: string }[]).map(
      (f) => f.key,
    );
    expect(Object.keys(form).sort()).toEqual([...postmanKeys].sort());
    expect(form.name).toBe('flow.json');
    expect(form.asset_type).toBe('FLOW_JSON');
    const file = form.file as File;
    expect(file.name).toBe('flow.json');
    expect(file.type).toBe('application/json');
    expect(await file.text()).toBe(flowJson);
  });

  it.each([
    ['publishFlow', 'POST', '/v24.0/flow-1/publish', 'flows_publish__response.json'],
    ['deprecateFlow', 'POST', '/v24.0/flow-1/deprecate', 'flows_deprecate__response.json'],
    ['deleteFlow', 'DELETE', '/v24.0/flow-1', 'flows_delete__response.json'],
  ] as const)('%s → %s %s', async (method, httpMethod, path, response) => {
    const meta = createFakeMeta();
    meta.app.on(httpMethod, path, (c) => c.json(fixture(response)));
    await expect(newClient(meta.fetch)[method]('flow-1')).resolves.toBeUndefined();
    expect(meta.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`${httpMethod} ${path}`]);
  });

  it('deleting a published Flow (139004) is a FlowManagementError', async () => {
    const meta = createFakeMeta();
    meta.app.delete('*', (c) => c.json({ error: { message: 'Cannot delete', code: 139004 } }, 400));
    await expect(newClient(meta.fetch).deleteFlow('flow-1')).rejects.toBeInstanceOf(FlowManagementError);
  });
});

describe('reading Flows', () => {
  it('getFlow asks for the given fields and maps the full details fixture', async () => {
    const meta = createFakeMeta();
    meta.app.get('/v24.0/:flow', (c) => c.json(fixture('flows_get_details__response.json')));
    const fields = ['id', 'name', 'categories', 'preview', 'status', 'validation_errors', 'health_status'];
    const flow = await newClient(meta.fetch).getFlow('flow-1', fields);
    expect(meta.requests[0]?.query.get('fields')).toBe(fields.join(','));
    expect(flow).toMatchObject({
      id: 'flow-1',
      name: 'my first flow',
      status: 'DRAFT',
      categories: ['OTHER'],
      validationErrors: [],
      jsonVersion: '2.1',
      dataApiVersion: '3.0',
      endpointUri: 'https://example.com',
      preview: {
        previewUrl: 'https://business.facebook.com/wa/manage/flows/55000..../preview/?token=b9d6.....',
        expiresAt: '2023-05-21T11:18:09+0000',
      },
      whatsappBusinessAccount: { id: 'waba-1', name: 'My Awesome WABA' },
      application: { id: 'app-1', name: 'My Awesome App', link: 'https://www.facebook.com/games/?app_id=app-1' },
    });
    expect(flow.healthStatus?.canSendMessage).toBe('BLOCKED');
    expect(flow.healthStatus?.entities.map((e) => `${e.entityType}:${e.canSendMessage}`)).toEqual([
      'FLOW:AVAILABLE',
      'WABA:BLOCKED',
      'BUSINESS:LIMITED',
      'APP:AVAILABLE',
    ]);
    expect(flow.healthStatus?.entities[1]?.errors[1]).toEqual({
      errorCode: 141014,
      errorDescription: 'The WABA is banned.',
      possibleSolution:
        'Please visit Business Support Home for more details (https://business.facebook.com/accountquality) on how to appeal the ban.',
    });
  });

  it('getFlow without fields sends none; absent fields are null', async () => {
    const meta = createFakeMeta();
    meta.app.get('/v24.0/:flow', (c) => c.json({ id: 'flow-1', status: 'PUBLISHED' }));
    const flow = await newClient(meta.fetch).getFlow('flow-1');
    expect(meta.requests[0]?.query.has('fields')).toBe(false);
    expect(flow).toMatchObject({ id: 'flow-1', status: 'PUBLISHED', name: null, categories: null, preview: null });
  });

  it.each([
    [undefined, 'preview.invalidate(false)'],
    [true, 'preview.invalidate(true)'],
  ])('getFlowPreview(invalidate: %s) asks for %s', async (invalidate, fields) => {
    const meta = createFakeMeta();
    meta.app.get('/v24.0/:flow', (c) => c.json(fixture('flows_get_preview__response.json')));
    const preview = await newClient(meta.fetch).getFlowPreview(
      'flow-1',
      invalidate === undefined ? {} : { invalidate },
    );
    expect(meta.requests[0]?.query.get('fields')).toBe(fields);
    expect(preview).toEqual({
      previewUrl: 'https://business.facebook.com/wa/manage/flows/550.../preview/?token=b9d6....',
      expiresAt: '2023-05-21T11:18:09+0000',
    });
  });

  it('listFlows GETs /<WABA_ID>/flows and maps every flow and the cursors', async () => {
    const meta = createFakeMeta();
    meta.app.get('/v24.0/:waba/flows', (c) => c.json(fixture('flows_list__response.json')));
    const list = await newClient(meta.fetch).listFlows('waba-1', { after: 'CUR', limit: 2 });
    expect(meta.requests[0]?.path).toBe('/v24.0/waba-1/flows');
    expect(meta.requests[0]?.query.get('after')).toBe('CUR');
    expect(meta.requests[0]?.query.get('limit')).toBe('2');
    expect(list.flows.map((f) => [f.id, f.name, f.status, f.categories])).toEqual([
      ['flow-1', 'my first flow', 'DRAFT', ['SIGN_UP']],
      ['flow-2', 'my second flow', 'DRAFT', ['SIGN_UP', 'SIGN_IN']],
      ['flow-3', 'another flow', 'PUBLISHED', ['CONTACT_US']],
    ]);
    expect(list.flows[1]?.validationErrors).toEqual([FIXTURE_VALIDATION_ERROR]);
    expect(list).toMatchObject({ before: 'QVFIUnpKT...', after: 'QVFIUnZAWV...', hasNext: false });
  });
});
