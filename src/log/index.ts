// Structured logging with pino. Redaction is a safety net: code logs ids and kinds, never message
// content, and these paths catch secrets, tokens, phone numbers and media URLs if they slip in.
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, at the top level and one object down. */
const SECRET_KEYS = [
  'authorization',
  'appSecret',
  'appSecretPrevious',
  'accessToken',
  'adminToken',
  'forwardSecret',
  'verifyToken',
  'token',
  'secret',
  'password',
  'privateKey',
  'from',
  'to',
  'waId',
  'wa_id',
  'phone',
  'recipient',
  'url',
  'mediaId',
  'media_id',
] as const;

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers["x-hub-signature-256"]',
];

export interface LogOptions {
  level?: LoggerOptions['level'];
  /** Human-readable lines (for a terminal) instead of JSON. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  const base: LoggerOptions = {
    level: options.level ?? 'info',
    base: { app: 'flowgate' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  if (options.pretty === true) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,app' },
      },
    });
  }
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}

/** A logger that drops everything (tests, library use without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
