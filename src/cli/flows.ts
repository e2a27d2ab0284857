// `flowgate flows …`: validate Flow JSON offline, and manage the WABA's Flows through the Graph API
// (push creates or updates the flow.json asset, publish, deprecate, preview, list), printing Meta's
// validation_errors. A flow is named on the command line and found by listing the WABA's flows.
// `flowgate flows send` lives in flows-send.ts and joins the same group through flowsCommand().

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { FlowgateConfig } from '../config/index.js';
// The emulator's locating JSON parser, only to say where a syntax error is.
import { JsonSyntaxError, parseLocated } from '../emulator/json-locate.js';
import {
  GraphArgumentError,
  GraphClient,
  GraphRequestError,
  type FlowDetails,
  type FlowValidationError,
} from '../graph/index.js';
import { GraphApiError, hasErrors, summarizeFindings, validateFlowJson, type FlowFinding } from '../protocol/index.js';
import { APP_NAMES } from '../config/schema.js';
import { CliError, configFor, globals } from './main.js';
import { readyFlowOptions } from './ready-flows.js';

/** The `flowgate flows` command group, created on first use so other files can add to it. */
export function flowsCommand(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'flows') ??
    program.command('flows').description('WhatsApp Flows: validate Flow JSON and manage flows through the Graph API')
  );
}

/** Reads and parses a Flow JSON file; unreadable or unparsable input is a CliError. */
export function readFlowJsonFile(file: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new CliError(`cannot read ${file} (${reason})`, 2);
  }
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${jsonErrorAt(text, error)}`, 1);
  }
}

/** Where and what the first syntax error is (V8's own message quotes the text, newlines included). */
function jsonErrorAt(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    parseLocated(text);
  } catch (located) {
    if (located instanceof JsonSyntaxError)
      return `${located.message} (line ${located.span.lineStart}, column ${located.span.columnStart})`;
  }
  return message;
}

/** Meta's wire shape of a validation error, for --json. */
function wireValidationError(e: FlowValidationError): Record<string, unknown> {
  return {
    error: e.error,
    error_type: e.errorType,
    message: e.message,
    line_start: e.lineStart,
    line_end: e.lineEnd,
    column_start: e.columnStart,
    column_end: e.columnEnd,
    pointers: e.pointers.map((p) => ({
      path: p.path,
      line_start: p.lineStart,
      line_end: p.lineEnd,
      column_start: p.columnStart,
      column_end: p.columnEnd,
    })),
  };
}

/** `  CODE at line 10, column 21 (screens[0].layout.children[0].type): message` */
export function formatValidationErrors(errors: readonly FlowValidationError[]): string {
  const lines = errors.map((e) => {
    const where = e.lineStart === null ? '' : ` at line ${e.lineStart}, column ${e.columnStart ?? '?'}`;
    const path = e.pointers.find((p) => p.path !== null)?.path;
    return `  ${e.error ?? 'ERROR'}${where}${path === undefined || path === null ? '' : ` (${path})`}: ${e.message ?? ''}`;
  });
  const count = `${errors.length} validation error${errors.length === 1 ? '' : 's'}`;
  return [`Meta reported ${count}:`, ...lines].join('\n');
}

interface FlowsContext {
  graph: GraphClient;
  wabaId: string;
}

function flowsContext(cmd: Command): FlowsContext {
  const config: FlowgateConfig = configFor(globals(cmd));
  if (config.accessToken === null) throw new CliError('FLOWGATE_ACCESS_TOKEN is required to manage flows', 2);
  if (config.wabaId === null) throw new CliError('FLOWGATE_WABA_ID is required to manage flows', 2);
  const graph = new GraphClient({
    baseUrl: config.graphUrl,
    version: config.graphVersion,
    accessToken: config.accessToken,
  });
  return { graph, wabaId: config.wabaId };
}

/** Graph failures become CliErrors carrying Meta's message and user-facing explanation. */
async function graphCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof GraphApiError) {
      const detail = [error.userTitle, error.userMessage].filter((s) => s !== null && s !== '').join(': ');
      const code = error.metaCode === null ? '' : ` (code ${error.metaCode})`;
      throw new CliError(`${what} failed: ${error.message}${code}${detail === '' ? '' : ` — ${detail}`}`, 1);
    }
    if (error instanceof GraphRequestError) throw new CliError(`${what} failed: ${error.message}. ${error.hint}`, 1);
    // An argument the client refuses before calling (e.g. --flow-id ".."): a usage error.
    if (error instanceof GraphArgumentError) throw new CliError(`${what} failed: ${error.message}`, 2);
    throw error;
  }
}

const MAX_LIST_PAGES = 100;

/** Every flow of the WABA, page after page (at most MAX_LIST_PAGES pages of 100). */
async function* allFlows(ctx: FlowsContext): AsyncGenerator<FlowDetails> {
  let after: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const list = await graphCall('listing flows', () =>
      ctx.graph.listFlows(ctx.wabaId, after === undefined ? { limit: 100 } : { after, limit: 100 }),
    );
    yield* list.flows;
    if (!list.hasNext || list.after === null) return;
    after = list.after;
  }
  throw new CliError(`the WABA lists more than ${MAX_LIST_PAGES * 100} flows; pass --flow-id`, 1);
}

/** The id of the WABA's flow called `name`, or null. */
async function findFlowId(ctx: FlowsContext, name: string): Promise<string | null> {
  for await (const flow of allFlows(ctx)) if (flow.name === name) return flow.id;
  return null;
}

async function requireFlowId(ctx: FlowsContext, name: string, flowId: string | undefined): Promise<string> {
  if (flowId !== undefined) return flowId;
  const id = await findFlowId(ctx, name);
  if (id === null) throw new CliError(`no flow named "${name}" in WABA ${ctx.wabaId}`, 1);
  return id;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface PushOptions {
  file?: string;
  category: string[];
  flowId?: string;
  endpointUri?: string;
  json?: boolean;
}

/** The Flow JSON to push: --file, else the ready flow of that name. */
function pushText(name: string, file: string | undefined): string {
  if (file !== undefined) return readFlowJsonFile(file).text;
  const ready = readyFlowOptions(name);
  if (ready === undefined) {
    throw new CliError(`--file is required: "${name}" is not a ready flow (${APP_NAMES.join(', ')})`, 2);
  }
  return `${JSON.stringify(ready.json, null, 2)}\n`;
}

async function push(cmd: Command, name: string, opts: PushOptions): Promise<void> {
  const text = pushText(name, opts.file);
  const ctx = flowsContext(cmd);
  const existing = opts.flowId ?? (await findFlowId(ctx, name));
  let id: string;
  let validationErrors: FlowValidationError[];
  if (existing === null) {
    const categories = opts.category.length === 0 ? ['OTHER'] : opts.category;
    const created = await graphCall('creating the flow', () =>
      ctx.graph.createFlow(ctx.wabaId, {
        name,
        categories,
        flowJson: text,
        ...(opts.endpointUri === undefined ? {} : { endpointUri: opts.endpointUri }),
      }),
    );
    ({ id, validationErrors } = created);
  } else {
    id = existing;
    const metadata = {
      ...(opts.category.length === 0 ? {} : { categories: opts.category }),
      ...(opts.endpointUri === undefined ? {} : { endpointUri: opts.endpointUri }),
    };
    if (Object.keys(metadata).length > 0)
      await graphCall('updating the flow', () => ctx.graph.updateFlowMetadata(id, metadata));
    ({ validationErrors } = await graphCall('uploading flow.json', () => ctx.graph.uploadFlowJson(id, text)));
  }
  const created = existing === null;
  if (opts.json === true) {
    console.log(
      JSON.stringify({ id, name, created, validation_errors: validationErrors.map(wireValidationError) }, null, 2),
    );
  } else {
    console.log(`${created ? 'created' : 'updated'} flow "${name}" (id ${id})`);
    console.log(
      validationErrors.length === 0 ? 'Meta reported no validation errors' : formatValidationErrors(validationErrors),
    );
  }
  // The asset is stored either way, but a flow with validation errors cannot be published.
  if (validationErrors.length > 0) process.exitCode = 1;
}

function validate(file: string, opts: { json?: boolean }): void {
  let findings: readonly FlowFinding[];
  try {
    // The text, not the parsed value: a file holding a JSON string is not Flow JSON, whatever the string says.
    findings = validateFlowJson(readFlowJsonFile(file).text);
  } catch (error) {
    if (!(error instanceof CliError) || opts.json !== true || error.exitCode !== 1) throw error;
    findings = [{ code: 'INVALID_FLOW_JSON', severity: 'error', message: error.message, path: '' }];
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (opts.json === true) {
    const out = { file, valid: errors === 0, errors, warnings: findings.length - errors, findings };
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(`${file}: ${summarizeFindings(findings)}`);
  }
  if (hasErrors(findings)) process.exitCode = 1;
}

export function registerFlowsCommands(program: Command): void {
  const flows = flowsCommand(program);

  flows
    .command('validate')
    .description('check a Flow JSON file offline against Meta’s static rules (exit 1 on any error)')
    .argument('<file>', 'Flow JSON file')
    .option('--json', 'print the findings as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      validate(file, opts);
    });

  flows
    .command('push')
    .description('create the flow (if new) or upload its flow.json; prints Meta’s validation errors')
    .argument('<name>', 'flow name (unique in the WABA)')
    .option('-f, --file <file>', 'Flow JSON file (default: the ready flow of that name)')
    .option('--category <category>', 'flow category (repeatable; default OTHER for a new flow)', collect, [])
    .option('--flow-id <id>', 'update this flow instead of looking the name up')
    .option('--endpoint-uri <url>', 'the flow’s data endpoint (endpoint_uri)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: PushOptions, cmd: Command) => {
      await push(cmd, name, opts);
    });

  for (const [verb, description] of [
    ['publish', 'publish the flow (irreversible: a published flow can no longer be edited)'],
    ['deprecate', 'deprecate a published flow'],
  ] as const) {
    flows
      .command(verb)
      .description(description)
      .argument('<name>', 'flow name')
      .option('--flow-id <id>', 'use this flow id instead of looking the name up')
      .action(async (name: string, opts: { flowId?: string }, cmd: Command) => {
        const ctx = flowsContext(cmd);
        const id = await requireFlowId(ctx, name, opts.flowId);
        try {
          await graphCall(`${verb === 'publish' ? 'publishing' : 'deprecating'} "${name}"`, () =>
            verb === 'publish' ? ctx.graph.publishFlow(id) : ctx.graph.deprecateFlow(id),
          );
        } catch (error) {
          // A flow.json with validation errors cannot be published: say which, as push does.
          if (verb === 'publish' && error instanceof CliError) {
            const details = await ctx.graph.getFlow(id, ['validation_errors']).catch(() => null);
            const errors = details?.validationErrors ?? [];
            if (errors.length > 0) throw new CliError(`${error.message}\n${formatValidationErrors(errors)}`, 1);
          }
          throw error;
        }
        console.log(`${verb === 'publish' ? 'published' : 'deprecated'} flow "${name}" (id ${id})`);
      });
  }

  flows
    .command('preview')
    .description('print the flow’s preview URL')
    .argument('<name>', 'flow name')
    .option('--flow-id <id>', 'use this flow id instead of looking the name up')
    .option('--invalidate', 'issue a new preview link, invalidating the old one')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { flowId?: string; invalidate?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = flowsContext(cmd);
      const id = await requireFlowId(ctx, name, opts.flowId);
      const preview = await graphCall(`previewing "${name}"`, () =>
        ctx.graph.getFlowPreview(id, { invalidate: opts.invalidate === true }),
      );
      if (opts.json === true)
        console.log(JSON.stringify({ id, preview_url: preview.previewUrl, expires_at: preview.expiresAt }, null, 2));
      else console.log(preview.previewUrl);
    });

  flows
    .command('list')
    .description('list the WABA’s flows')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = flowsContext(cmd);
      const rows = [];
      for await (const f of allFlows(ctx))
        rows.push({ id: f.id, name: f.name, status: f.status, categories: f.categories });
      if (opts.json === true) console.log(JSON.stringify(rows, null, 2));
      else for (const r of rows) console.log(`${r.id}  ${r.status ?? '?'}  ${r.name ?? ''}`);
    });
}
