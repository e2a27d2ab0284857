// Builds the frozen config object once, from an optional JSON file and the environment (which wins).
// This is the only module that reads process.env.
import { readFileSync } from 'node:fs';
import { configSchema, ENV_NAMES, REQUIRED_TO_SERVE, type ConfigInput, type FlowgateConfig } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'flowgate.config.invalid';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Flowgate configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface LoadConfigOptions {
  /** Environment to read; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON config file (camelCase keys, same names as the config object). */
  file?: string | null;
  /** Values that win over both file and environment (CLI flags, tests). */
  overrides?: ConfigInput;
  /** Require the settings a serving gateway needs (app secret, verify token). */
  requireServing?: boolean;
}

export function loadConfig(options: LoadConfigOptions = {}): FlowgateConfig {
  const env = options.env ?? process.env;
  // Like every other variable, an empty FLOWGATE_CONFIG counts as unset.
  const filePath = options.file ?? (env.FLOWGATE_CONFIG === '' ? null : (env.FLOWGATE_CONFIG ?? null));
  const fromFile = filePath === null ? {} : readConfigFile(filePath);
  const input: Record<string, unknown> = { ...fromFile, ...fromEnv(env), ...stripUndefined(options.overrides ?? {}) };

  const parsed = configSchema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${describeKey(key)} ${issue.message}`);
    }
  }
  if (options.requireServing === true) {
    // Judged on the input, so a missing secret is reported together with any other problem.
    for (const key of REQUIRED_TO_SERVE) {
      if (input[key] === undefined || input[key] === null) problems.push(`${describeKey(key)} is required`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return Object.freeze({ ...parsed.data, forwardUrls: Object.freeze([...parsed.data.forwardUrls]),
    apps: Object.freeze([...parsed.data.apps]),
  }) as FlowgateConfig;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    out[key] =
      key === 'forwardUrls' || key === 'apps'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : value;
  }
  return out;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError([`config file ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError([`config file ${path} is not valid JSON`]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([`config file ${path} must hold a JSON object`]);
  }
  const known = new Set(Object.keys(ENV_NAMES));
  const unknownKeys = Object.keys(value).filter((k) => !known.has(k));
  if (unknownKeys.length > 0) {
    throw new ConfigError(unknownKeys.map((k) => `config file ${path}: unknown setting "${k}"`));
  }
  return value as Record<string, unknown>;
}

function describeKey(key: string): string {
  const envName = (ENV_NAMES as Record<string, string | undefined>)[key];
  return envName === undefined ? key : `${envName} (${key})`;
}

function stripUndefined(input: ConfigInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
