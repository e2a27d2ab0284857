// A registered flow (`app.flow(name, options)`): its Flow JSON checked once, its screen handlers and its
// completion handler; and the registry the endpoint and the completion handler look flows up in.
import { validateFlowJson, walkComponents, type FlowJson } from '../protocol/index.js';
import { patternSandbox } from './validate-input-rules.js';
import { entryScreens } from './check-response.js';
import type { FlowCompletionHandler, FlowOptions, FlowScreenHandler } from './types.js';

export const DEFAULT_TOKEN_TTL_MS = 3 * 24 * 60 * 60 * 1000;
/** The longest a flow token may live: 30 days (SPEC A.7 suggests 2–3 days; longer only keeps stale forms open). */
export const MAX_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A token lifetime: whole milliseconds, 1 to MAX_TOKEN_TTL_MS. */
export function validTokenTtl(ttl: number): boolean {
  return Number.isInteger(ttl) && ttl > 0 && ttl <= MAX_TOKEN_TTL_MS;
}

export function tokenTtlRule(ttl: number): string {
  return `tokenTtlMs must be a whole number of milliseconds from 1 to ${MAX_TOKEN_TTL_MS} (30 days), got ${String(ttl)}`;
}
const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class FlowDefinitionError extends Error {
  override readonly name = 'FlowDefinitionError';
  constructor(
    readonly code:
      | 'flowgate.flows.invalid_name'
      | 'flowgate.flows.invalid_json'
      | 'flowgate.flows.duplicate'
      | 'flowgate.flows.unknown'
      | 'flowgate.flows.invalid_option',
    message: string,
  ) {
    super(message);
  }
}

export class FlowDefinition {
  readonly json: FlowJson;
  readonly screens: Readonly<Record<string, FlowScreenHandler>>;
  readonly init: FlowScreenHandler | undefined;
  readonly awaitMedia: boolean;
  readonly tokenTtlMs: number;
  readonly allowedMimeTypes: readonly string[] | undefined;
  readonly formCopy: { readonly field: string; readonly message: string } | undefined;
  private completion: FlowCompletionHandler | undefined;
  private readonly options: FlowOptions;

  constructor(
    readonly name: string,
    options: FlowOptions,
  ) {
    if (!NAME_PATTERN.test(name)) {
      throw new FlowDefinitionError(
        'flowgate.flows.invalid_name',
        `flow name "${name}" must be 1–64 lower-case letters, digits, "-" or "_" (it is part of the URL /flows/<name>)`,
      );
    }
    const errors = validateFlowJson(options.json).filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      const list = errors
        .slice(0, 5)
        .map((f) => `${f.code} at ${f.path}: ${f.message}`)
        .join('; ');
      throw new FlowDefinitionError('flowgate.flows.invalid_json', `flow "${name}" has an invalid Flow JSON: ${list}`);
    }
    const ttl = options.tokenTtlMs;
    if (ttl !== undefined && !validTokenTtl(ttl))
      throw new FlowDefinitionError('flowgate.flows.invalid_option', `flow "${name}": ${tokenTtlRule(ttl)}`);
    if (options.allowedMimeTypes !== undefined && options.allowedMimeTypes.length === 0) {
      throw new FlowDefinitionError(
        'flowgate.flows.invalid_option',
        `flow "${name}": allowedMimeTypes is empty, so no picker file could be accepted; leave it out for the default list`,
      );
    }
    const copy = options.formCopy;
    const fine = (text: unknown, max: number) => typeof text === 'string' && text.trim() !== '' && text.length <= max;
    if (copy !== undefined && (!fine(copy.field, 80) || !fine(copy.message, 300))) {
      throw new FlowDefinitionError(
        'flowgate.flows.invalid_option',
        `flow "${name}": formCopy needs a field name and a message of 1-300 characters`,
      );
    }
    this.options = options;
    // A copy, frozen: what was validated above is what is served, and validation can walk each screen once.
    this.json = deepFreeze(structuredClone(options.json));
    this.screens = { ...options.screens };
    this.init = options.init;
    this.awaitMedia = options.awaitMedia ?? false;
    this.tokenTtlMs = options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.allowedMimeTypes = options.allowedMimeTypes;
    this.formCopy = options.formCopy === undefined ? undefined : { ...options.formCopy };
    this.completion = options.onComplete;
  }

  /** Runs once per completed flow (nfm_reply), as a gateway handler: retried on throw, never twice on success. */
  onComplete(fn: FlowCompletionHandler): this {
    this.completion = fn;
    return this;
  }

  get completionHandler(): FlowCompletionHandler | undefined {
    return this.completion;
  }

  /** What the Flow message names: `{ flowId }` or `{ flowName }` (default: this flow's name). */
  target(override: { flowId?: string; flowName?: string } = {}): { flowId: string } | { flowName: string } {
    const flowId = override.flowId ?? (override.flowName === undefined ? this.options.flowId : undefined);
    if (flowId !== undefined) return { flowId };
    return { flowName: override.flowName ?? this.options.flowName ?? this.name };
  }

  /** The routing model's first entry screen (where navigate starts by default). */
  get entryScreen(): string | undefined {
    return entryScreens(this.json)[0];
  }

  /** Whether sending with data_exchange makes sense: the flow has an endpoint and asks it for the first screen. */
  get startsWithInit(): boolean {
    return this.init !== undefined && this.json.data_api_version !== undefined;
  }
}

/** Whether any TextInput of the flow has a `pattern`. */
function hasPattern(json: FlowJson): boolean {
  return json.screens.some((screen) =>
    walkComponents(screen.layout.children, '').some(
      ({ node }) => node.type === 'TextInput' && node.pattern !== undefined,
    ),
  );
}

export class FlowRegistry {
  private readonly flows = new Map<string, FlowDefinition>();

  define(name: string, options: FlowOptions): FlowDefinition {
    if (this.flows.has(name)) {
      throw new FlowDefinitionError('flowgate.flows.duplicate', `a flow named "${name}" is already registered`);
    }
    const definition = new FlowDefinition(name, options);
    this.flows.set(name, definition);
    // Its patterns are matched on a worker thread: boot it (and its spare) now rather than on a request.
    if (hasPattern(definition.json)) void patternSandbox.whenReady();
    return definition;
  }

  get(name: string): FlowDefinition | undefined {
    return this.flows.get(name);
  }

  require(name: string): FlowDefinition {
    const definition = this.flows.get(name);
    if (definition === undefined) {
      throw new FlowDefinitionError('flowgate.flows.unknown', `no flow named "${name}" is registered`);
    }
    return definition;
  }

  names(): string[] {
    return [...this.flows.keys()];
  }

  get size(): number {
    return this.flows.size;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
