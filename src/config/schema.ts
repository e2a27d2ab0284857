// The one typed config object: its zod schema, the environment names it is read from, and which
// settings are secrets (never printed, not even in error messages).
import { z } from 'zod';
import { DEFAULT_FLOW_MEDIA_HOSTS, parseFlowMediaHost } from '../protocol/index.js';

const url = z.url({ protocol: /^https?$/ });
const optionalString = z.string().min(1).nullable().default(null);
const positiveInt = z.coerce.number().int().positive();

/** The ready flows of `src/apps/`, by the name they are served under (`/flows/<name>`). */
export const APP_NAMES = ['booking', 'expense', 'survey', 'preferences', 'schedule', 'budget', 'kyc'] as const;
export type AppName = (typeof APP_NAMES)[number];

function isBase64Of32Bytes(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

export const configSchema = z
  .object({
    appSecret: optionalString,
    appSecretPrevious: optionalString,
    verifyToken: optionalString,
    accessToken: optionalString,
    phoneNumberId: z.string().regex(/^\d+$/, 'must be digits').nullable().default(null),
    wabaId: z.string().regex(/^\d+$/, 'must be digits').nullable().default(null),
    graphUrl: url.default('https://graph.facebook.com'),
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/, 'must look like v24.0')
      .default('v24.0'),
    port: z.coerce.number().int().min(0).max(65535).default(3000),
    host: z.string().min(1).default('0.0.0.0'),
    dataDir: z.string().min(1).default('./data'),
    adminToken: z.string().min(16, 'must be at least 16 characters').nullable().default(null),
    forwardUrls: z.array(url).default([]),
    forwardSecret: z.string().min(16, 'must be at least 16 characters').nullable().default(null),
    forwardTimeoutMs: positiveInt.default(10_000),
    databaseUrl: z.string().min(1).nullable().default(null),
    redisUrl: z.string().min(1).nullable().default(null),
    webhookMaxBytes: positiveInt.default(4 * 1024 * 1024),
    jobMaxAttempts: positiveInt.max(100).default(8),
    outboundRate: positiveInt.max(10_000).default(80),
    webhookUrl: url.nullable().default(null),
    sqliteSynchronous: z.enum(['full', 'normal']).default('full'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Base64 of 32 bytes: the AES-256-GCM key that protects private keys at rest. */
    masterKey: z
      .string()
      .refine((v) => isBase64Of32Bytes(v), 'must be 32 bytes in base64 (openssl rand -base64 32)')
      .nullable()
      .default(null),
    keyRotationDays: positiveInt.max(3650).nullable().default(null),
    keyGraceHours: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24),
    apps: z
      .array(
        z.enum(APP_NAMES, {
          error: (issue) => `unknown ready flow ${JSON.stringify(issue.input)} (known: ${APP_NAMES.join(', ')})`,
        }),
      )
      .default([]),
    // WhatsApp gives up on the endpoint after 10 s (SPEC A.7); decrypting, storing and answering need some.
    flowHandlerBudgetMs: positiveInt.max(9_000).default(2_500),
    flowMediaMaxBytes: positiveInt.default(25 * 1024 * 1024),
    /**
     * Where picker files' cdn_url may point (src/flows/flow-media-hosts.ts): `host`, `*.domain` (https) or an
     * origin (`http://127.0.0.1:4010`, `:*` any port). The emulator's CDN on graphUrl is allowed besides when graphUrl is on loopback.
     */
    flowMediaHosts: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
            : v,
        z.array(
          z.string().refine((entry) => parseFlowMediaHost(entry) !== null, {
            error: (issue) => `${JSON.stringify(issue.input)} is not a host, *.domain or http(s) origin`,
          }),
        ),
      )
      .default([...DEFAULT_FLOW_MEDIA_HOSTS])
      .transform((hosts): readonly string[] => Object.freeze([...hosts])),
    /** The dispatch thread's nice value (Linux): 0 runs it like the HTTP thread, 19 lowest. */
    dispatchNice: z.coerce.number().int().min(0).max(19).default(10),
    /**
     * While the HTTP thread waits for a core (Linux), a drain keeps this share of its pace and leaves the rest
     * to the webhook answers; 1 never slows it.
     */
    dispatchShareWhenContended: z.coerce.number().gt(0).max(1).default(0.25),
  })
  .superRefine(
    (c, ctx) => {
      // Also runs when another field is invalid (see `when`), so a field may hold its raw input here.
      if (Array.isArray(c.forwardUrls) && c.forwardUrls.length > 0 && c.forwardSecret === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['forwardSecret'],
          message: 'is required when FLOWGATE_FORWARD_URLS is set',
        });
      }
      if (c.appSecretPrevious !== null && c.appSecret === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['appSecret'],
          message: 'is required when FLOWGATE_APP_SECRET_PREVIOUS is set',
        });
      }
      if (typeof c.databaseUrl === 'string' && !/^(postgres(ql)?:\/\/|sqlite:|file:)/.test(c.databaseUrl)) {
        ctx.addIssue({
          code: 'custom',
          path: ['databaseUrl'],
          message: 'must start with postgres://, sqlite: or file:',
        });
      }
    },
    // By default zod skips refinements once a field failed to parse; one error should list every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type FlowgateConfig = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = Partial<Record<keyof FlowgateConfig, unknown>>;

/** Environment variable for each setting. */
export const ENV_NAMES: Readonly<Record<keyof FlowgateConfig, string>> = {
  appSecret: 'FLOWGATE_APP_SECRET',
  appSecretPrevious: 'FLOWGATE_APP_SECRET_PREVIOUS',
  verifyToken: 'FLOWGATE_VERIFY_TOKEN',
  accessToken: 'FLOWGATE_ACCESS_TOKEN',
  phoneNumberId: 'FLOWGATE_PHONE_NUMBER_ID',
  wabaId: 'FLOWGATE_WABA_ID',
  graphUrl: 'FLOWGATE_GRAPH_URL',
  graphVersion: 'FLOWGATE_GRAPH_VERSION',
  port: 'FLOWGATE_PORT',
  host: 'FLOWGATE_HOST',
  dataDir: 'FLOWGATE_DATA_DIR',
  adminToken: 'FLOWGATE_ADMIN_TOKEN',
  forwardUrls: 'FLOWGATE_FORWARD_URLS',
  forwardSecret: 'FLOWGATE_FORWARD_SECRET',
  forwardTimeoutMs: 'FLOWGATE_FORWARD_TIMEOUT_MS',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  webhookMaxBytes: 'FLOWGATE_WEBHOOK_MAX_BYTES',
  jobMaxAttempts: 'FLOWGATE_JOB_MAX_ATTEMPTS',
  outboundRate: 'FLOWGATE_OUTBOUND_RATE',
  webhookUrl: 'FLOWGATE_WEBHOOK_URL',
  sqliteSynchronous: 'FLOWGATE_SQLITE_SYNC',
  logLevel: 'FLOWGATE_LOG_LEVEL',
  masterKey: 'FLOWGATE_MASTER_KEY',
  keyRotationDays: 'FLOWGATE_KEY_ROTATION_DAYS',
  keyGraceHours: 'FLOWGATE_KEY_GRACE_HOURS',
  apps: 'FLOWGATE_APPS',
  flowHandlerBudgetMs: 'FLOWGATE_FLOW_HANDLER_BUDGET_MS',
  flowMediaMaxBytes: 'FLOWGATE_FLOW_MEDIA_MAX_BYTES',
  flowMediaHosts: 'FLOWGATE_FLOW_MEDIA_HOSTS',
  dispatchNice: 'FLOWGATE_DISPATCH_NICE',
  dispatchShareWhenContended: 'FLOWGATE_DISPATCH_SHARE_WHEN_CONTENDED',
};

export const SECRET_KEYS: ReadonlySet<keyof FlowgateConfig> = new Set([
  'appSecret',
  'appSecretPrevious',
  'verifyToken',
  'accessToken',
  'adminToken',
  'forwardSecret',
  'databaseUrl',
  'redisUrl',
  'masterKey',
]);

/** Settings a running gateway (`flowgate start`) cannot do without. */
export const REQUIRED_TO_SERVE: readonly (keyof FlowgateConfig)[] = ['appSecret', 'verifyToken'];
