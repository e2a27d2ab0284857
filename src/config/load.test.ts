// loadConfig: defaults, environment, JSON file and overrides in that order of precedence, one error
// listing every problem, and secrets kept out of that error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, type LoadConfigOptions } from './load.js';
import { ENV_NAMES, REQUIRED_TO_SERVE, SECRET_KEYS, type FlowgateConfig } from './schema.js';
import { thrown } from '../protocol/thrown.test-util.js';

let dir: string;
let fileCount = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowgate-config-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function configFile(content: unknown): string {
  const path = join(dir, `config-${++fileCount}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const configError = (options: LoadConfigOptions): ConfigError => thrown(ConfigError, () => loadConfig(options));

const DEFAULTS: FlowgateConfig = {
  appSecret: null,
  appSecretPrevious: null,
  verifyToken: null,
  accessToken: null,
  phoneNumberId: null,
  wabaId: null,
  graphUrl: 'https://graph.facebook.com',
  graphVersion: 'v24.0',
  port: 3000,
  host: '0.0.0.0',
  dataDir: './data',
  adminToken: null,
  forwardUrls: [],
  forwardSecret: null,
  forwardTimeoutMs: 10_000,
  databaseUrl: null,
  redisUrl: null,
  webhookMaxBytes: 4 * 1024 * 1024,
  jobMaxAttempts: 8,
  outboundRate: 80,
  webhookUrl: null,
  sqliteSynchronous: 'full',
  logLevel: 'info',
  masterKey: null,
  keyRotationDays: null,
  keyGraceHours: 24,
  apps: [],
  flowHandlerBudgetMs: 2_500,
  flowMediaMaxBytes: 25 * 1024 * 1024,
  flowMediaHosts: ['*.whatsapp.net'],
  dispatchNice: 10,
  dispatchShareWhenContended: 0.25,
};

/** A valid value for every setting, as the environment spells it, and what it parses to. */
const FROM_ENV: Record<keyof FlowgateConfig, [env: string, parsed: unknown]> = {
  appSecret: ['app-secret-value', 'app-secret-value'],
  appSecretPrevious: ['previous-app-secret', 'previous-app-secret'],
  verifyToken: ['verify-token-value', 'verify-token-value'],
  accessToken: ['EAAG-access-token', 'EAAG-access-token'],
  phoneNumberId: ['106540352242922', '106540352242922'],
  wabaId: ['102290129340398', '102290129340398'],
  outboundRate: ['250', 250],
  webhookUrl: ['http://127.0.0.1:3000/webhook', 'http://127.0.0.1:3000/webhook'],
  graphUrl: ['http://localhost:4010', 'http://localhost:4010'],
  graphVersion: ['v23.0', 'v23.0'],
  port: ['8080', 8080],
  host: ['127.0.0.1', '127.0.0.1'],
  dataDir: ['/var/lib/flowgate', '/var/lib/flowgate'],
  adminToken: ['admin-token-0123456789', 'admin-token-0123456789'],
  forwardUrls: [
    ' https://a.example/hook, ,http://b.example:8080/x ,',
    ['https://a.example/hook', 'http://b.example:8080/x'],
  ],
  forwardSecret: ['forward-secret-0123456789', 'forward-secret-0123456789'],
  forwardTimeoutMs: ['2500', 2500],
  databaseUrl: ['postgres://flowgate:pw@db:5432/flowgate', 'postgres://flowgate:pw@db:5432/flowgate'],
  redisUrl: ['redis://cache:6379/0', 'redis://cache:6379/0'],
  webhookMaxBytes: ['1048576', 1_048_576],
  jobMaxAttempts: ['12', 12],
  sqliteSynchronous: ['normal', 'normal'],
  logLevel: ['debug', 'debug'],
  masterKey: ['AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='],
  keyRotationDays: ['30', 30],
  keyGraceHours: ['48', 48],
  apps: [' booking, kyc ,', ['booking', 'kyc']],
  flowHandlerBudgetMs: ['1500', 1500],
  flowMediaMaxBytes: ['1048576', 1_048_576],
  flowMediaHosts: [' mmg.whatsapp.net, http://127.0.0.1:*,', ['mmg.whatsapp.net', 'http://127.0.0.1:*']],
  dispatchNice: ['0', 0],
  dispatchShareWhenContended: ['0.5', 0.5],
};

const entries = Object.entries(FROM_ENV) as [keyof FlowgateConfig, [string, unknown]][];
const fullEnv = Object.fromEntries(entries.map(([key, [value]]) => [ENV_NAMES[key], value]));

describe('loadConfig defaults', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({ env: {} })).toEqual(DEFAULTS);
  });

  it('reads only the env it is given, not process.env', () => {
    vi.stubEnv('FLOWGATE_PORT', '1234');
    vi.stubEnv('FLOWGATE_CONFIG', join(dir, 'does-not-exist.json'));
    expect(loadConfig({ env: {} }).port).toBe(3000);
  });

  it('treats an empty variable as unset', () => {
    const env = Object.fromEntries(Object.values(ENV_NAMES).map((name) => [name, '']));
    expect(loadConfig({ env: { ...env, FLOWGATE_CONFIG: '' } })).toEqual(DEFAULTS);
  });
});

describe('loadConfig from the environment', () => {
  it('has a case for every setting', () => {
    expect(Object.keys(FROM_ENV).sort()).toEqual(Object.keys(ENV_NAMES).sort());
  });

  it.each(entries)('reads %s', (key, [value, parsed]) => {
    // forwardUrls needs its secret; everything else stands alone.
    const env: Record<string, string> = { [ENV_NAMES[key]]: value };
    if (key === 'forwardUrls') env.FLOWGATE_FORWARD_SECRET = 'forward-secret-0123456789';
    if (key === 'appSecretPrevious') env.FLOWGATE_APP_SECRET = 'app-secret-value';
    expect(loadConfig({ env })[key]).toEqual(parsed);
  });

  it('reads every variable at once', () => {
    const expected = Object.fromEntries(entries.map(([key, [, parsed]]) => [key, parsed]));
    expect(loadConfig({ env: fullEnv })).toEqual(expected);
  });

  it('accepts each supported DATABASE_URL scheme', () => {
    for (const url of ['postgres://h/db', 'postgresql://h/db', 'sqlite:./data/x.db', 'file:/tmp/x.db']) {
      expect(loadConfig({ env: { DATABASE_URL: url } }).databaseUrl).toBe(url);
    }
  });
});

describe('loadConfig precedence', () => {
  it('takes values from a JSON config file', () => {
    const file = configFile({ port: 4000, forwardUrls: ['https://a.example/hook'], forwardSecret: 'f'.repeat(16) });
    const config = loadConfig({ env: {}, file });
    expect(config.port).toBe(4000);
    expect(config.forwardUrls).toEqual(['https://a.example/hook']);
    expect(config.host).toBe(DEFAULTS.host);
  });

  it('finds the file through FLOWGATE_CONFIG', () => {
    const file = configFile({ logLevel: 'warn' });
    expect(loadConfig({ env: { FLOWGATE_CONFIG: file } }).logLevel).toBe('warn');
  });

  it('prefers the file option over FLOWGATE_CONFIG', () => {
    const chosen = configFile({ logLevel: 'warn' });
    const other = configFile({ logLevel: 'error' });
    expect(loadConfig({ env: { FLOWGATE_CONFIG: other }, file: chosen }).logLevel).toBe('warn');
  });

  it('lets the environment win over the file', () => {
    const file = configFile({ port: 4000, host: 'file-host', dataDir: '/from/file' });
    const config = loadConfig({ env: { FLOWGATE_PORT: '5000', FLOWGATE_HOST: 'env-host' }, file });
    expect(config).toMatchObject({ port: 5000, host: 'env-host', dataDir: '/from/file' });
  });

  it('lets overrides win over the environment and the file', () => {
    const file = configFile({ port: 4000, dataDir: '/from/file' });
    const config = loadConfig({
      env: { FLOWGATE_PORT: '5000', FLOWGATE_LOG_LEVEL: 'debug' },
      file,
      overrides: { port: 6000, dataDir: '/override', logLevel: undefined },
    });
    expect(config).toMatchObject({ port: 6000, dataDir: '/override', logLevel: 'debug' });
  });

  it('validates overrides like any other source', () => {
    const error = configError({ env: {}, overrides: { port: 70_000 } });
    expect(error.problems).toEqual([expect.stringContaining('FLOWGATE_PORT')]);
  });
});

describe('loadConfig result', () => {
  it('is frozen, forward URLs included', () => {
    const config = loadConfig({
      env: { FLOWGATE_FORWARD_URLS: 'https://a.example/hook', FLOWGATE_FORWARD_SECRET: 'f'.repeat(16) },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.forwardUrls)).toBe(true);
    // ES modules run in strict mode, where writing to a frozen object throws.
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      config.forwardUrls.push('https://evil.example');
    }).toThrow(TypeError);
    expect(config.port).toBe(3000);
    expect(config.forwardUrls).toEqual(['https://a.example/hook']);
  });

  it('is a fresh object each call', () => {
    expect(loadConfig({ env: {} })).not.toBe(loadConfig({ env: {} }));
  });
});

describe('loadConfig errors', () => {
  it('throws one ConfigError listing every problem by its variable', () => {
    const error = configError({
      env: {
        FLOWGATE_PORT: 'eighty',
        FLOWGATE_GRAPH_URL: 'graph.facebook.com',
        FLOWGATE_FORWARD_URLS: 'https://a.example/hook',
        FLOWGATE_ADMIN_TOKEN: 'short',
      },
    });
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('flowgate.config.invalid');
    expect(error.problems).toHaveLength(4);
    for (const name of ['FLOWGATE_PORT', 'FLOWGATE_GRAPH_URL', 'FLOWGATE_FORWARD_SECRET', 'FLOWGATE_ADMIN_TOKEN']) {
      expect(error.problems.filter((p) => p.startsWith(`${name} (`))).toHaveLength(1);
      expect(error.message).toContain(name);
    }
    expect(error.message).toMatch(/FLOWGATE_ADMIN_TOKEN \(adminToken\) must be at least 16 characters/);
    expect(error.message).toMatch(/FLOWGATE_FORWARD_SECRET \(forwardSecret\) is required when FLOWGATE_FORWARD_URLS/);
    expect(error.message.split('\n')).toHaveLength(1 + error.problems.length);
  });

  it.each([
    ['FLOWGATE_PORT', '65536'],
    ['FLOWGATE_PORT', '-1'],
    ['FLOWGATE_PORT', '80.5'],
    ['FLOWGATE_GRAPH_URL', 'ftp://graph.facebook.com'],
    ['FLOWGATE_GRAPH_VERSION', '24.0'],
    ['FLOWGATE_PHONE_NUMBER_ID', '+1 555 0100'],
    ['FLOWGATE_WABA_ID', 'waba-1'],
    ['FLOWGATE_FORWARD_URLS', 'https://ok.example,not a url'],
    ['FLOWGATE_FORWARD_TIMEOUT_MS', '0'],
    ['FLOWGATE_WEBHOOK_MAX_BYTES', 'lots'],
    ['FLOWGATE_JOB_MAX_ATTEMPTS', '101'],
    ['FLOWGATE_SQLITE_SYNC', 'off'],
    ['FLOWGATE_LOG_LEVEL', 'verbose'],
    ['FLOWGATE_FORWARD_SECRET', 'short'],
    ['FLOWGATE_MASTER_KEY', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd'],
    ['FLOWGATE_MASTER_KEY', 'not base64 at all, and long enough to be 32!'],
    ['FLOWGATE_KEY_ROTATION_DAYS', '0'],
    ['FLOWGATE_APPS', 'booking,checkout'],
    ['FLOWGATE_FLOW_HANDLER_BUDGET_MS', '20000'],
  ])('rejects %s=%s', (name, value) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'FLOWGATE_FORWARD_URLS') env.FLOWGATE_FORWARD_SECRET = 'f'.repeat(16);
    const error = configError({ env });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name} \\(`));
  });

  it('requires the app secret when a previous one is set, alongside other problems', () => {
    const error = configError({ env: { FLOWGATE_APP_SECRET_PREVIOUS: 'old-secret', FLOWGATE_PORT: 'x' } });
    expect(error.problems).toEqual([
      expect.stringMatching(/^FLOWGATE_PORT /),
      'FLOWGATE_APP_SECRET (appSecret) is required when FLOWGATE_APP_SECRET_PREVIOUS is set',
    ]);
  });

  it('rejects a DATABASE_URL of another engine, alongside other problems', () => {
    const error = configError({ env: { DATABASE_URL: 'mysql://db/flowgate', FLOWGATE_LOG_LEVEL: 'loud' } });
    expect(error.problems).toEqual([
      expect.stringMatching(/^FLOWGATE_LOG_LEVEL /),
      'DATABASE_URL (databaseUrl) must start with postgres://, sqlite: or file:',
    ]);
  });

  it('never prints a secret value, even an invalid one', () => {
    const secrets = {
      FLOWGATE_APP_SECRET: 'app-secret-SHOULD-NOT-LEAK',
      FLOWGATE_APP_SECRET_PREVIOUS: 'previous-SHOULD-NOT-LEAK',
      FLOWGATE_VERIFY_TOKEN: 'verify-SHOULD-NOT-LEAK',
      FLOWGATE_ACCESS_TOKEN: 'EAAG-SHOULD-NOT-LEAK',
      FLOWGATE_ADMIN_TOKEN: 'adm-NOLEAK-1', // too short
      FLOWGATE_FORWARD_SECRET: 'fwd-NOLEAK-2', // too short
      DATABASE_URL: 'mysql://root:hunter2-NOLEAK@db/prod', // wrong engine
      REDIS_URL: 'redis://:redispw-NOLEAK@cache:6379',
    };
    // Types that do not parse, through the file: a number where a secret string belongs.
    const file = configFile({ appSecret: 987_654_321_012, verifyToken: ['tok-NOLEAK-3'] });
    const fromEnv = configError({ env: { ...secrets, FLOWGATE_FORWARD_URLS: 'https://a.example' } });
    const fromFile = configError({ env: {}, file });

    expect(fromEnv.problems.length).toBeGreaterThanOrEqual(3);
    expect(fromFile.problems).toHaveLength(2);
    for (const error of [fromEnv, fromFile]) {
      const printed = [error.message, String(error), JSON.stringify(error), error.stack ?? ''].join('\n');
      for (const value of [...Object.values(secrets), '987654321012', 'tok-NOLEAK-3', 'hunter2']) {
        expect(printed).not.toContain(value);
      }
      expect(printed).not.toMatch(/LEAK/);
    }
    expect(fromEnv.message).toContain('DATABASE_URL');
    expect(fromFile.message).toContain('FLOWGATE_APP_SECRET');
  });

  it('lists every secret setting under its variable', () => {
    for (const key of SECRET_KEYS) expect(ENV_NAMES[key]).toMatch(/^(FLOWGATE_|DATABASE_URL$|REDIS_URL$)/);
  });
});

describe('loadConfig requireServing', () => {
  it('reports a missing app secret and verify token together', () => {
    const error = configError({ env: {}, requireServing: true });
    expect(REQUIRED_TO_SERVE).toEqual(['appSecret', 'verifyToken']);
    expect(error.problems).toEqual([
      'FLOWGATE_APP_SECRET (appSecret) is required',
      'FLOWGATE_VERIFY_TOKEN (verifyToken) is required',
    ]);
  });

  it('reports them together with any other problem', () => {
    const error = configError({ env: { FLOWGATE_PORT: 'x', FLOWGATE_APP_SECRET: 's3cret' }, requireServing: true });
    expect(error.problems).toEqual([
      expect.stringMatching(/^FLOWGATE_PORT /),
      'FLOWGATE_VERIFY_TOKEN (verifyToken) is required',
    ]);
  });

  it('passes when both are set, from any source', () => {
    const file = configFile({ verifyToken: 'verify-from-file' });
    const config = loadConfig({ env: { FLOWGATE_APP_SECRET: 's3cret' }, file, requireServing: true });
    expect(config).toMatchObject({ appSecret: 's3cret', verifyToken: 'verify-from-file' });
  });

  it('is not required by default', () => {
    expect(() => loadConfig({ env: {} })).not.toThrow();
  });
});

describe('loadConfig config file errors', () => {
  it('rejects an unknown setting, naming it and the file', () => {
    const file = configFile({ port: 4000, prot: 4001, verify_token: 'x' });
    const error = configError({ env: {}, file });
    expect(error.problems).toEqual([
      `config file ${file}: unknown setting "prot"`,
      `config file ${file}: unknown setting "verify_token"`,
    ]);
  });

  it('reports a file that cannot be read', () => {
    const file = join(dir, 'missing.json');
    const error = configError({ env: {}, file });
    expect(error.problems).toEqual([`config file ${file} cannot be read (ENOENT)`]);
  });

  it('reports a directory given as the file', () => {
    expect(configError({ env: {}, file: dir }).problems).toEqual([`config file ${dir} cannot be read (EISDIR)`]);
  });

  it('reports invalid JSON without echoing its content', () => {
    const file = configFile('{ "appSecret": "json-secret-NOLEAK", }');
    const error = configError({ env: {}, file });
    expect(error.problems).toEqual([`config file ${file} is not valid JSON`]);
    expect(error.message).not.toContain('NOLEAK');
  });

  it.each([['[]'], ['"port"'], ['null'], ['42']])('requires a JSON object, not %s', (text) => {
    const file = configFile(text);
    expect(configError({ env: {}, file }).problems).toEqual([`config file ${file} must hold a JSON object`]);
  });
});
