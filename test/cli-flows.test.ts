// `flowgate flows …` run as a process: validate real fixture Flow JSONs and a broken variant
// offline, then push (create, then update), publish, preview and deprecate a flow against the
// emulator's Graph API on loopback, with Meta's validation_errors printed readably and as JSON.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingFlowJson } from '../src/apps/booking/flow-json.js';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { fixturePath } from './helpers.js';

const run = promisify(execFile);
const CLI = new URL('./fixtures/flowgate-cli.ts', import.meta.url).pathname;
const ACCESS_TOKEN = 'cli-flows-access-token';
const WABA_ID = '102290129340398';
const PURCHASE = fixturePath('flow_json/meta_docs_example__purchase_intent_v7_2.json');
const LOAN = fixturePath('flow_json/meta_docs_example__pre_approved_loan_v7_2_endpoint.json');

let dir = '';
let emulator: Emulator;
let graphUrl = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowgate-cli-flows-'));
  emulator = createEmulator({ appSecret: 'cli-flows-secret', accessToken: ACCESS_TOKEN });
  graphUrl = (await emulator.listen()).url;
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args, '--data-dir', dir], {
      env: {
        ...process.env,
        FLOWGATE_GRAPH_URL: graphUrl,
        FLOWGATE_ACCESS_TOKEN: ACCESS_TOKEN,
        FLOWGATE_WABA_ID: WABA_ID,
        FLOWGATE_LOG_LEVEL: 'silent',
        ...env,
      },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The purchase-intent fixture with its third screen given the first one's id. */
function brokenVariant(): string {
  const json = JSON.parse(readFileSync(PURCHASE, 'utf8')) as { screens: { id: string }[] };
  const third = json.screens[2];
  if (third === undefined) throw new Error('fixture changed: expected three screens');
  third.id = 'JOIN_NOW';
  const file = join(dir, 'broken.json');
  writeFileSync(file, JSON.stringify(json, null, 2));
  return file;
}

describe('flowgate flows validate', { timeout: 60_000 }, () => {
  it.each([PURCHASE, LOAN])('finds no errors in %s', async (file) => {
    const human = await cli(['flows', 'validate', file]);
    expect(human).toMatchObject({ code: 0 });
    expect(human.stdout).toContain('Flow JSON is valid');
    const json = await cli(['flows', 'validate', file, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ file, valid: true, errors: 0, warnings: 0, findings: [] });
  });

  it('exits 1 on a broken variant and names the code and JSON path', async () => {
    const file = brokenVariant();
    const human = await cli(['flows', 'validate', file]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/error DUPLICATE_SCREEN_IDS at screens\[2\]\.id: /);
    const json = await cli(['flows', 'validate', file, '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { valid: boolean; findings: { code: string; path: string }[] };
    expect(out.valid).toBe(false);
    expect(out.findings).toContainEqual(
      expect.objectContaining({ code: 'DUPLICATE_SCREEN_IDS', severity: 'error', path: 'screens[2].id' }),
    );
  });

  it('exits 1 on a file holding Flow JSON as a JSON string, and on components that are not objects', async () => {
    const wrapped = join(dir, 'wrapped.json');
    writeFileSync(wrapped, JSON.stringify(readFileSync(PURCHASE, 'utf8')));
    const refused = await cli(['flows', 'validate', wrapped]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/error INVALID_FLOW_JSON at \(root\): Flow JSON must be a JSON object/);
    const json = JSON.parse(readFileSync(PURCHASE, 'utf8')) as { screens: { layout: { children: unknown[] } }[] };
    json.screens[0]?.layout.children.unshift(null, 5);
    const holes = join(dir, 'holes.json');
    writeFileSync(holes, JSON.stringify(json));
    const found = await cli(['flows', 'validate', holes]);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/error INVALID_PROPERTY_TYPE at screens\[0\]\.layout\.children\[0\]: /);
    expect(found.stdout).toMatch(/error INVALID_PROPERTY_TYPE at screens\[0\]\.layout\.children\[1\]: /);
  });

  it('says clearly when the file is missing or not JSON', async () => {
    const missing = await cli(['flows', 'validate', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json \(ENOENT\)/);
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{\n  "version": "7.3",\n  "screens": [\n}');
    const bad = await cli(['flows', 'validate', notJson]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not-json\.json is not valid JSON: .*\(line 4, column 1\)/);
    const badJson = await cli(['flows', 'validate', notJson, '--json']);
    expect(badJson.code).toBe(1);
    expect(JSON.parse(badJson.stdout)).toMatchObject({ valid: false, findings: [{ code: 'INVALID_FLOW_JSON' }] });
  });
});

describe('flowgate flows push / publish / preview / deprecate', { timeout: 60_000 }, () => {
  // About a dozen CLI processes in a row; each one starts tsx.
  it(
    'creates, updates with Meta’s validation errors, then publishes, previews and deprecates',
    { timeout: 180_000 },
    async () => {
      const created = await cli(['flows', 'push', 'purchase', '--file', PURCHASE, '--category', 'SURVEY', '--json']);
      expect(created.code).toBe(0);
      const first = JSON.parse(created.stdout) as { id: string; created: boolean; validation_errors: unknown[] };
      expect(first).toEqual({
        id: expect.stringMatching(/^\d+$/) as unknown,
        name: 'purchase',
        created: true,
        validation_errors: [],
      });
      expect(emulator.flowJson(first.id)).toBe(readFileSync(PURCHASE, 'utf8'));

      // The same name again updates the asset; Meta keeps it but reports what is wrong.
      const broken = await cli(['flows', 'push', 'purchase', '--file', brokenVariant()]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`updated flow "purchase" (id ${first.id})`);
      expect(broken.stdout).toMatch(/Meta reported \d+ validation errors?:/);
      expect(broken.stdout).toMatch(/DUPLICATE_SCREEN_IDS at line \d+, column \d+ \(screens\[2\]\.id\): /);
      const brokenJson = await cli(['flows', 'push', 'purchase', '--file', brokenVariant(), '--json']);
      const wire = JSON.parse(brokenJson.stdout) as { created: boolean; validation_errors: Record<string, unknown>[] };
      expect(wire.created).toBe(false);
      expect(wire.validation_errors).toContainEqual(
        expect.objectContaining({
          error: 'DUPLICATE_SCREEN_IDS',
          error_type: 'FLOW_JSON_ERROR',
          line_start: expect.any(Number) as unknown,
          pointers: [expect.objectContaining({ path: 'screens[2].id' })],
        }),
      );

      const refused = await cli(['flows', 'publish', 'purchase']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/publishing "purchase" failed: .*code 139002.*validation errors/);
      // Which errors, as push printed them.
      expect(refused.stderr).toMatch(/DUPLICATE_SCREEN_IDS at line \d+, column \d+ \(screens\[2\]\.id\): /);

      expect((await cli(['flows', 'push', 'purchase', '--file', PURCHASE])).stdout).toContain(
        'Meta reported no validation errors',
      );
      const published = await cli(['flows', 'publish', 'purchase']);
      expect(published).toMatchObject({ code: 0, stdout: `published flow "purchase" (id ${first.id})\n` });

      const preview = await cli(['flows', 'preview', 'purchase']);
      expect(preview.code).toBe(0);
      const url = preview.stdout.trim();
      expect(url).toMatch(new RegExp(`^${graphUrl}/wa/manage/flows/${first.id}/preview/\\?token=`));
      expect((await fetch(url)).status).toBe(200);
      const previewJson = JSON.parse((await cli(['flows', 'preview', 'purchase', '--json'])).stdout) as {
        preview_url: string;
      };
      expect(previewJson.preview_url).toBe(url);

      const list = JSON.parse((await cli(['flows', 'list', '--json'])).stdout) as { name: string; status: string }[];
      expect(list).toContainEqual(expect.objectContaining({ name: 'purchase', status: 'PUBLISHED' }));

      expect(await cli(['flows', 'deprecate', 'purchase'])).toMatchObject({ code: 0 });
      const again = await cli(['flows', 'deprecate', 'purchase']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/code 139003/);
    },
  );

  it('pushes a ready flow by its name alone, and asks for --file for any other name', async () => {
    const pushed = await cli(['flows', 'push', 'booking', '--json']);
    expect(pushed.code).toBe(0);
    const out = JSON.parse(pushed.stdout) as { id: string; created: boolean; validation_errors: unknown[] };
    expect(out).toMatchObject({ created: true, validation_errors: [] });
    expect(JSON.parse(emulator.flowJson(out.id) ?? 'null')).toEqual(bookingFlowJson());
    const other = await cli(['flows', 'push', 'my-own-flow']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--file is required: "my-own-flow" is not a ready flow (booking, expense');
  });

  it('names the flow it cannot find and the settings it needs', async () => {
    const unknown = await cli(['flows', 'publish', 'no-such-flow']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain(`no flow named "no-such-flow" in WABA ${WABA_ID}`);
    const noToken = await cli(['flows', 'preview', 'purchase'], { FLOWGATE_ACCESS_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('FLOWGATE_ACCESS_TOKEN is required');
  });
  it('lists every flow, past the first page of 100', async () => {
    for (let i = 0; i < 105; i += 1) {
      const response = await emulator.fetch(
        new Request(`http://graph.test/v24.0/${WABA_ID}/flows`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `bulk ${i}`, categories: ['OTHER'] }),
        }),
      );
      expect(response.status).toBe(200);
    }
    const listed = await cli(['flows', 'list', '--json']);
    expect(listed.code).toBe(0);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((f) => f.name);
    expect(names.filter((n) => n.startsWith('bulk '))).toHaveLength(105);
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses an unusable --flow-id as a usage error, without a stack trace', async () => {
    for (const id of ['..', '']) {
      const refused = await cli(['flows', 'publish', 'purchase', '--flow-id', id]);
      expect(refused.code, id).toBe(2);
      expect(refused.stderr).toContain('publishing "purchase" failed: invalid id');
      expect(refused.stderr).not.toMatch(/\n\s+at |\^/);
    }
  });
});
