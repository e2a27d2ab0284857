// Flows management: create (JSON and form), Flow JSON assets with Meta-shaped validation errors,
// the DRAFT → PUBLISHED → DEPRECATED lifecycle with 139002/139003/139004 on invalid transitions,
// details with fields and previews, the WABA list, and FLOW_STATUS_CHANGE webhooks.

import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptFlowRequest, encryptFlowResponse, loadPrivateKey } from '../protocol/index.js';
import { createEmulator } from './emulator.js';
import { checkFlowJsonAsset } from './flow-asset-check.js';
import { createWebhookReceiver, manualClock, seededRandom } from './testing.js';
import type { Emulator, EmulatorOptions } from './types.js';

const FLOW_JSON_DIR = new URL('../../../shared/protocol/fixtures/flow_json/', import.meta.url);
const KEY = readFileSync(
  new URL('../../../shared/protocol/fixtures/crypto/pywa_flow_endpoint_public_key_derived.pem', import.meta.url),
  'utf8',
);
const PRIVATE_KEY = loadPrivateKey(
  readFileSync(
    new URL(
      '../../../shared/protocol/fixtures/crypto/pywa_flow_endpoint_private_key_encrypted_pass_pywa.pem',
      import.meta.url,
    ),
    'utf8',
  ),
  'pywa',
);
const WABA = '102290129340398';
const BASE = 'http://graph.test/v24.0';
const EMPTY_LAYOUT = { type: 'SingleColumnLayout', children: [] };
/** A terminal screen needs a Footer (MISSING_FOOTER_ON_TERMINAL_SCREEN). */
const DONE_LAYOUT = {
  type: 'SingleColumnLayout',
  children: [{ type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: {} } }],
};
const VALID = JSON.stringify(
  { version: '7.3', screens: [{ id: 'WELCOME', terminal: true, layout: DONE_LAYOUT }] },
  null,
  2,
);
/** One terminal screen "A" with a Footer, after the given top-level keys. */
const oneScreen = (top: string, screen = `{"id": "A", "terminal": true, "layout": ${JSON.stringify(DONE_LAYOUT)}}`) =>
  `{${top}"screens": [${screen}]}`;
let emulator: Emulator | null = null;

afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

function setup(options: Partial<EmulatorOptions> = {}) {
  const receiver = createWebhookReceiver({ appSecret: 'x' });
  emulator = createEmulator({
    appSecret: 'x',
    accessToken: 'flows',
    now: manualClock().now,
    random: seededRandom(9),
    fetch: receiver.fetch,
    ...options,
  });
  const em = emulator;
  const call = async (
    method: string,
    path: string,
    body?: NonNullable<RequestInit['body']> | Record<string, unknown>,
  ) => {
    const json = body !== undefined && !(body instanceof FormData) && typeof body === 'object';
    const response = await em.fetch(
      new Request(`${BASE}${path}`, {
        method,
        headers: { authorization: 'Bearer flows', ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(body === undefined
          ? {}
          : { body: json ? JSON.stringify(body) : (body as NonNullable<RequestInit['body']>) }),
      }),
    );
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const uploadJson = (flowId: string, text: string) => {
    const form = new FormData();
    form.set('name', 'flow.json');
    form.set('asset_type', 'FLOW_JSON');
    form.set('file', new Blob([text], { type: 'application/json' }), 'flow.json');
    return call('POST', `/${flowId}/assets`, form);
  };
  return { emulator: em, call, uploadJson, receiver };
}

describe('Flow JSON validation', () => {
  it.each(readdirSync(FLOW_JSON_DIR).filter((f) => f.endsWith('.json') && f !== 'pywa_v6_2__navigation_list.json'))(
    'finds no errors in the fixture %s',
    (file) => {
      expect(checkFlowJsonAsset(readFileSync(new URL(file, FLOW_JSON_DIR), 'utf8')).errors).toEqual([]);
    },
  );

  it('rejects the NavigationList fixture: its third item navigates to a screen the flow lacks, its fifth sends a boolean for a string', () => {
    // SPEC E.6/E.8: a navigate target must exist; the example's FOURTH_SCREEN does not.
    const text = readFileSync(new URL('pywa_v6_2__navigation_list.json', FLOW_JSON_DIR), 'utf8');
    const path = "screens[0].layout.children[0]['list-items'][2]['on-click-action'].next.name";
    const position = { line_start: 83, line_end: 83, column_start: 29, column_end: 44 };
    const typedPath = "screens[0].layout.children[0]['list-items'][4]['on-click-action'].payload.first_name";
    const typed = { line_start: 125, line_end: 125, column_start: 35, column_end: 39 };
    expect(checkFlowJsonAsset(text).errors).toEqual([
      {
        error: 'INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME',
        error_type: 'FLOW_JSON_ERROR',
        message: expect.stringContaining('FOURTH_SCREEN') as unknown,
        ...position,
        pointers: [{ ...position, path }],
      },
      {
        // SPEC E.6: a navigate payload becomes the next screen's data and must match its declared types.
        error: 'INVALID_NAVIGATE_ACTION_PAYLOAD',
        error_type: 'FLOW_JSON_ERROR',
        message: expect.stringContaining("Property is expecting 'string' but got boolean") as unknown,
        ...typed,
        pointers: [{ ...typed, path: typedPath }],
      },
    ]);
    expect(text.split('\n')[82]?.slice(28, 43)).toBe('"FOURTH_SCREEN"');
  });

  it('reports duplicate, reserved and malformed screen ids with their positions', () => {
    const layout = `"layout": ${JSON.stringify(EMPTY_LAYOUT)}`;
    const text = [
      '{',
      '  "version": "7.3",',
      '  "screens": [',
      `    { "id": "A", "terminal": true, "layout": ${JSON.stringify(DONE_LAYOUT)} },`,
      `    { "id": "A", ${layout} },`,
      `    { "id": "SUCCESS", ${layout} },`,
      `    { "id": "B2", ${layout} }`,
      '  ]',
      '}',
    ].join('\n');
    const { errors } = checkFlowJsonAsset(text);
    // The protocol validator also sees that SUCCESS and B2 are unreachable from the entry screen.
    expect(errors.map((e) => [e.error, e.pointers[0]?.path])).toEqual([
      ['DUPLICATE_SCREEN_IDS', 'screens[1].id'],
      ['SCREEN_ID_IS_RESERVED_KEYWORD', 'screens[2].id'],
      ['PATTERN_MISMATCH', 'screens[3].id'],
      ['INVALID_ROUTING_MODEL', 'screens[2]'],
      ['INVALID_ROUTING_MODEL', 'screens[3]'],
    ]);
    expect(errors[0]).toEqual({
      error: 'DUPLICATE_SCREEN_IDS',
      error_type: 'FLOW_JSON_ERROR',
      message: expect.stringContaining('A') as unknown,
      line_start: 5,
      line_end: 5,
      column_start: 13,
      column_end: 16,
      pointers: [{ line_start: 5, line_end: 5, column_start: 13, column_end: 16, path: 'screens[1].id' }],
    });
    expect(errors[2]?.error_type).toBe('JSON_SCHEMA_ERROR');
  });

  it('points an unknown key at the key itself, as Meta does', () => {
    const [error] = checkFlowJsonAsset(oneScreen('"version": "7.3", "extra": 1, ')).errors;
    expect(error).toMatchObject({
      error: 'INVALID_PROPERTY_KEY',
      error_type: 'JSON_SCHEMA_ERROR',
      line_start: 1,
      column_start: 20,
      column_end: 27,
      pointers: [{ path: 'extra' }],
    });
  });

  it('reports only errors: a finding the protocol validator calls a warning does not block publishing', () => {
    expect(checkFlowJsonAsset(oneScreen('"version": "7.3", ')).errors).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version": "7.3",', ['INVALID_FLOW_JSON']],
    ['no version', oneScreen(''), ['MISSING_FLOW_JSON_VERSION']],
    ['a numeric version', oneScreen('"version": 7.3, '), ['INVALID_FLOW_JSON_VERSION']],
    // The protocol validator files a version it does not know under INVALID_FLOW_JSON_VERSION.
    ['an unknown version', oneScreen('"version": "9.9", '), ['INVALID_FLOW_JSON_VERSION']],
    ['empty screens', '{"version": "7.3", "screens": []}', ['MIN_ITEMS_REQUIRED']],
    [
      'no terminal screen',
      oneScreen('"version": "7.3", ', `{"id": "A", "layout": ${JSON.stringify(EMPTY_LAYOUT)}}`),
      ['MISSING_TERMINAL_SCREEN'],
    ],
    [
      'data_api_version without routing_model',
      oneScreen('"version": "7.3", "data_api_version": "3.0", '),
      ['MISSING_REQUIRED_PROPERTY'],
    ],
    ['an unknown top-level key', oneScreen('"version": "7.3", "extra": 1, '), ['INVALID_PROPERTY_KEY']],
    [
      'a terminal screen without a Footer',
      oneScreen('"version": "7.3", ', `{"id": "A", "terminal": true, "layout": ${JSON.stringify(EMPTY_LAYOUT)}}`),
      ['MISSING_FOOTER_ON_TERMINAL_SCREEN'],
    ],
    [
      'a layout without type and children',
      oneScreen('"version": "7.3", ', '{"id": "A", "terminal": true, "layout": {}}'),
      ['INVALID_PROPERTY_VALUE', 'MISSING_REQUIRED_TYPE_PROPERTY', 'MISSING_FOOTER_ON_TERMINAL_SCREEN'],
    ],
  ])('reports %s', (_name, text, codes) => {
    expect(checkFlowJsonAsset(text).errors.map((e) => e.error)).toEqual(codes);
  });
});

describe('Flows management API', () => {
  it('runs the lifecycle and refuses invalid transitions with Meta’s codes', async () => {
    const { call, uploadJson, emulator } = setup();
    const created = await call('POST', `/${WABA}/flows`, { name: 'signup', categories: ['SIGN_UP'] });
    expect(created.json).toEqual({ id: expect.stringMatching(/^\d+$/) as unknown, success: true });
    const id = created.json.id as string;

    const broken = await uploadJson(id, '{"version": "7.3", "screens": []}');
    expect(broken.json).toMatchObject({
      success: true,
      validation_errors: [{ error: 'MIN_ITEMS_REQUIRED', error_type: 'JSON_SCHEMA_ERROR' }],
    });
    const refused = await call('POST', `/${id}/publish`);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      error: {
        code: 139002,
        type: 'OAuthException',
        error_user_msg: expect.stringMatching(/validation errors/) as unknown,
      },
    });

    expect((await call('POST', `/${id}/deprecate`)).json).toMatchObject({ error: { code: 139003 } });
    expect((await uploadJson(id, VALID)).json).toEqual({ success: true, validation_errors: [] });
    expect(emulator.flowJson(id)).toBe(VALID);
    expect((await call('POST', `/${id}/publish`)).json).toEqual({ success: true });
    expect((await call('GET', `/${id}`)).json).toEqual({
      id,
      name: 'signup',
      status: 'PUBLISHED',
      categories: ['SIGN_UP'],
      validation_errors: [],
    });

    expect((await call('POST', `/${id}/publish`)).json).toMatchObject({ error: { code: 139002 } });
    expect((await uploadJson(id, VALID)).json).toMatchObject({ error: { code: 139001 } });
    expect((await call('DELETE', `/${id}`)).json).toMatchObject({ error: { code: 139004 } });
    expect((await call('POST', `/${id}/deprecate`)).json).toEqual({ success: true });
    expect((await call('POST', `/${id}/deprecate`)).json).toMatchObject({ error: { code: 139003 } });
    expect((await call('DELETE', `/${id}`)).json).toMatchObject({ error: { code: 139004 } });
  });

  it('deletes drafts, after which the id is unknown', async () => {
    const { call } = setup();
    const id = (await call('POST', `/${WABA}/flows`, { name: 'temp', categories: ['OTHER'] })).json.id as string;
    expect((await call('DELETE', `/${id}`)).json).toEqual({ success: true });
    expect((await call('GET', `/${id}`)).json).toMatchObject({ error: { code: 100, error_subcode: 33 } });
  });

  it('accepts the Postman form (categories as a JSON string) and publishes on create with valid JSON', async () => {
    const { call } = setup();
    const form = new FormData();
    form.set('name', 'form flow');
    form.set('categories', '["OTHER","SURVEY"]');
    form.set('flow_json', VALID);
    form.set('publish', 'true');
    const created = await call('POST', `/${WABA}/flows`, form);
    expect(created.json).toMatchObject({ success: true, validation_errors: [] });
    expect(
      (await call('GET', `/${created.json.id as string}?fields=status,categories,json_version`)).json,
    ).toMatchObject({
      status: 'PUBLISHED',
      categories: ['OTHER', 'SURVEY'],
      json_version: '7.3',
    });
  });

  it('refuses a duplicate name, unknown categories and a missing name with code 100', async () => {
    const { call } = setup();
    await call('POST', `/${WABA}/flows`, { name: 'dup', categories: ['OTHER'] });
    expect((await call('POST', `/${WABA}/flows`, { name: 'dup', categories: ['OTHER'] })).json).toMatchObject({
      error: { code: 100, error_user_title: 'Flow name not unique' },
    });
    expect((await call('POST', `/${WABA}/flows`, { name: 'x', categories: ['GAMES'] })).json).toMatchObject({
      error: { code: 100 },
    });
    expect((await call('POST', `/${WABA}/flows`, { categories: ['OTHER'] })).json).toMatchObject({
      error: { code: 100 },
    });
    expect((await call('POST', `/999/flows`, { name: 'x', categories: ['OTHER'] })).json).toMatchObject({
      error: { code: 100, error_subcode: 33 },
    });
  });

  it('publishing an endpoint flow needs endpoint_uri, a validly signed key and a passing health check', async () => {
    // The business endpoint, reached through the injected fetch: it answers pings as `answer` says.
    const pings: { payload: unknown; signature: string | null }[] = [];
    type Mode = 'down' | 'clear' | 'inactive' | 'right';
    let answer = 'down' as Mode;
    const endpointFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== 'https://flows.example/endpoint') throw new TypeError(`unexpected call to ${url}`);
      if (answer === 'down') throw new TypeError('fetch failed');
      const raw = await new Response(init?.body).text();
      const request = decryptFlowRequest(JSON.parse(raw), PRIVATE_KEY);
      pings.push({ payload: request.payload, signature: new Headers(init?.headers).get('x-hub-signature-256') });
      const body = answer === 'inactive' ? { data: { status: 'inactive' } } : { data: { status: 'active' } };
      const text = answer === 'clear' ? JSON.stringify(body) : encryptFlowResponse(body, request.aesKey, request.iv);
      return new Response(text, { status: 200, headers: { 'content-type': 'text/plain' } });
    };
    const { call, uploadJson, emulator } = setup({ fetch: endpointFetch });
    const endpointFlow = JSON.stringify({
      version: '7.3',
      data_api_version: '3.0',
      routing_model: { A: [] },
      screens: [{ id: 'A', terminal: true, layout: DONE_LAYOUT }],
    });
    const id = (await call('POST', `/${WABA}/flows`, { name: 'ep', categories: ['OTHER'] })).json.id as string;
    await uploadJson(id, endpointFlow);
    expect((await call('POST', `/${id}/publish`)).json).toMatchObject({
      error: { code: 139002, error_user_msg: expect.stringMatching(/endpoint_uri/) as unknown },
    });
    expect((await call('POST', `/${id}`, { endpoint_uri: 'https://flows.example/endpoint' })).json).toEqual({
      success: true,
    });
    expect((await call('POST', `/${id}/publish`)).json).toMatchObject({
      error: { code: 139002, error_user_msg: expect.stringMatching(/public key/) as unknown },
    });
    await emulator.fetch(
      new Request(`${BASE}/106540352242922/whatsapp_business_encryption`, {
        method: 'POST',
        headers: { authorization: 'Bearer flows', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ business_public_key: KEY }).toString(),
      }),
    );
    emulator.setKeyStatus('MISMATCH');
    expect((await call('POST', `/${id}/publish`)).json).toMatchObject({ error: { code: 139002 } });
    emulator.setKeyStatus('VALID');

    // The health check (SPEC A.7): unreachable, answered in clear text, or not "active" → 139002 with the reason.
    const refusals: [Mode, RegExp][] = [
      ['down', /could not be reached/],
      ['clear', /not base64 AES-128-GCM/],
      ['inactive', /must be \{"data":\{"status":"active"\}\}/],
    ];
    for (const [mode, reason] of refusals) {
      answer = mode;
      expect((await call('POST', `/${id}/publish`)).json, mode).toMatchObject({
        error: { code: 139002, error_user_msg: expect.stringMatching(reason) as unknown },
      });
    }
    expect((await call('GET', `/${id}?fields=status`)).json).toMatchObject({ status: 'DRAFT' });
    answer = 'right';
    expect((await call('POST', `/${id}/publish`)).json).toEqual({ success: true });
    // Every ping was the documented one, signed with the app secret over the exact body.
    expect(pings.at(-1)).toEqual({
      payload: { version: '3.0', action: 'ping' },
      signature: expect.stringMatching(/^sha256=[0-9a-f]{64}$/) as unknown,
    });
    expect((await call('GET', `/${id}?fields=endpoint_uri,data_api_version`)).json).toEqual({
      endpoint_uri: 'https://flows.example/endpoint',
      data_api_version: '3.0',
      id,
    });
  });

  it('checks the flow again after its endpoint answered: a concurrent publish or a new asset meanwhile is refused', async () => {
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const slowEndpoint = async (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      await gate; // the endpoint takes its time, as it may (10 s)
      const request = decryptFlowRequest(JSON.parse(await new Response(init?.body).text()), PRIVATE_KEY);
      return new Response(encryptFlowResponse({ data: { status: 'active' } }, request.aesKey, request.iv));
    };
    const hold = () => {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    };
    const { call, uploadJson, emulator } = setup({ fetch: slowEndpoint });
    await emulator.fetch(
      new Request(`${BASE}/106540352242922/whatsapp_business_encryption`, {
        method: 'POST',
        headers: { authorization: 'Bearer flows', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ business_public_key: KEY }).toString(),
      }),
    );
    const endpointFlow = (layout: object) =>
      JSON.stringify({
        version: '7.3',
        data_api_version: '3.0',
        routing_model: { A: [] },
        screens: [{ id: 'A', terminal: true, layout }],
      });
    const create = async (name: string) => {
      const id = (
        await call('POST', `/${WABA}/flows`, {
          name,
          categories: ['OTHER'],
          endpoint_uri: 'https://flows.example/endpoint',
        })
      ).json.id as string;
      await uploadJson(id, endpointFlow(DONE_LAYOUT));
      return id;
    };

    const twice = await create('twice');
    hold();
    const both = [call('POST', `/${twice}/publish`), call('POST', `/${twice}/publish`)];
    release();
    const answers = (await Promise.all(both)).map((r) => r.json);
    expect(answers).toContainEqual({ success: true });
    expect(answers).toContainEqual(
      expect.objectContaining({ error: expect.objectContaining({ code: 139002 }) as unknown }),
    );

    const changed = await create('changed');
    hold();
    const publishing = call('POST', `/${changed}/publish`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await uploadJson(changed, endpointFlow(EMPTY_LAYOUT)); // a terminal screen without a Footer
    release();
    expect((await publishing).json).toMatchObject({ error: { code: 139002 } });
    expect((await call('GET', `/${changed}?fields=status`)).json).toMatchObject({ status: 'DRAFT' });
  });

  it('publishes an endpoint flow without the health check when flowHealthCheck is false', async () => {
    const { call, uploadJson, emulator } = setup({ flowHealthCheck: false });
    const id = (
      await call('POST', `/${WABA}/flows`, {
        name: 'ep',
        categories: ['OTHER'],
        endpoint_uri: 'https://flows.example/endpoint',
      })
    ).json.id as string;
    await uploadJson(
      id,
      JSON.stringify({
        version: '7.3',
        data_api_version: '3.0',
        routing_model: { A: [] },
        screens: [{ id: 'A', terminal: true, layout: DONE_LAYOUT }],
      }),
    );
    await emulator.fetch(
      new Request(`${BASE}/106540352242922/whatsapp_business_encryption`, {
        method: 'POST',
        headers: { authorization: 'Bearer flows', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ business_public_key: KEY }).toString(),
      }),
    );
    expect((await call('POST', `/${id}/publish`)).json).toEqual({ success: true });
  });

  it('refuses to publish a flow on a frozen Flow JSON version (SPEC E.9), though the asset only warns', async () => {
    const { call, uploadJson } = setup();
    for (const version of ['2.1', '5.0']) {
      const id = (await call('POST', `/${WABA}/flows`, { name: `frozen ${version}`, categories: ['OTHER'] })).json
        .id as string;
      const upload = await uploadJson(
        id,
        JSON.stringify({ version, screens: [{ id: 'A', terminal: true, layout: DONE_LAYOUT }] }),
      );
      expect(upload.json).toMatchObject({ success: true });
      expect((await call('POST', `/${id}/publish`)).json).toMatchObject({
        error: {
          code: 139002,
          error_user_msg: expect.stringMatching(new RegExp(`${version.replace('.', '\\.')} is frozen`)) as unknown,
        },
      });
    }
  });

  it('answers fields, previews (stable until invalidated) and refuses unknown fields', async () => {
    const { call, uploadJson, emulator } = setup();
    const id = (await call('POST', `/${WABA}/flows`, { name: 'preview me', categories: ['OTHER'] })).json.id as string;
    await uploadJson(id, VALID);
    const first = await call('GET', `/${id}?fields=preview.invalidate(false)`);
    expect(first.json).toEqual({
      preview: {
        preview_url: expect.stringMatching(
          new RegExp(`^http://graph\\.test/wa/manage/flows/${id}/preview/\\?token=`),
        ) as unknown,
        expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/) as unknown,
      },
      id,
    });
    const again = await call('GET', `/${id}?fields=preview.invalidate(false)`);
    expect(again.json).toEqual(first.json);
    const renewed = await call('GET', `/${id}?fields=preview.invalidate(true)`);
    const oldUrl = (first.json.preview as { preview_url: string }).preview_url;
    expect((renewed.json.preview as { preview_url: string }).preview_url).not.toBe(oldUrl);
    expect((await emulator.fetch(new Request(oldUrl))).status).toBe(404);
    expect(
      (await emulator.fetch(new Request((renewed.json.preview as { preview_url: string }).preview_url))).status,
    ).toBe(200);

    const detailed = await call(
      'GET',
      `/${id}?fields=id,name,status,health_status.phone_number(106540352242922),whatsapp_business_account,application`,
    );
    expect(detailed.json).toMatchObject({
      status: 'DRAFT',
      health_status: { can_send_message: 'AVAILABLE' },
      whatsapp_business_account: { id: WABA },
    });
    expect((await call('GET', `/${id}?fields=nope`)).json).toMatchObject({
      error: { code: 100, message: expect.stringMatching(/nonexisting field \(nope\)/) as unknown },
    });
    const assets = await call('GET', `/${id}/assets`);
    const url = (assets.json.data as { download_url: string }[])[0]!.download_url;
    expect(await (await emulator.fetch(new Request(url))).text()).toBe(VALID);
  });

  it('lists the WABA’s flows with cursors', async () => {
    const { call } = setup();
    for (const name of ['one', 'two', 'three']) await call('POST', `/${WABA}/flows`, { name, categories: ['OTHER'] });
    const first = await call('GET', `/${WABA}/flows?limit=2`);
    const data = first.json.data as { name: string }[];
    expect(data).toHaveLength(2);
    expect(data[0]).toEqual({
      name: expect.any(String) as unknown,
      status: 'DRAFT',
      categories: ['OTHER'],
      validation_errors: [],
      id: expect.any(String) as unknown,
    });
    const paging = first.json.paging as { cursors: { after: string }; next?: string };
    expect(paging.next).toBeDefined();
    const rest = await call('GET', `/${WABA}/flows?limit=2&after=${paging.cursors.after}`);
    const names = [...data, ...(rest.json.data as { name: string }[])].map((f) => f.name).sort();
    expect(names).toEqual(['one', 'three', 'two']);
  });

  it('sends FLOW_STATUS_CHANGE webhooks when flowWebhooks is on', async () => {
    const receiver = createWebhookReceiver({ appSecret: 'x' });
    const { call, uploadJson, emulator } = setup({
      flowWebhooks: true,
      fetch: receiver.fetch,
      webhookUrl: 'http://receiver.test/webhook',
    });
    const id = (await call('POST', `/${WABA}/flows`, { name: 'hooked', categories: ['OTHER'] })).json.id as string;
    await uploadJson(id, VALID);
    await call('POST', `/${id}/publish`);
    await emulator.idle();
    const events = receiver.events();
    expect(events.map((e) => e.kind)).toEqual(['flows.flow_status_change', 'flows.flow_status_change']);
    expect(events.map((e) => (e.category === 'flows' ? [e.flowId, e.value.new_status] : null))).toEqual([
      [id, 'DRAFT'],
      [id, 'PUBLISHED'],
    ]);
  });
});
