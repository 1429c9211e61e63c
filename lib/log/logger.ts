import { redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; FC prefixes console.log output, so the default writes raw to stdout. */
  sink?: (line: string) => void;
  now?: () => number;
}

// Keys whose values must never be written, whatever a caller passes.
const SECRET_KEYS = new Set(['accessKeySecret', 'securityToken', 'stsToken', 'credentials', 'authorization', 'signature', 'hashKey', 'phoneMasking']);

/** Creates a JSON-lines logger: one object per line, fixed keys first. */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? Date.now;
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < threshold) return;
    const line = {
      level,
      message,
      timestamp: new Date(now()).toISOString(),
      service: options.service,
      ...bound,
      ...fields,
    };
    sink(`${JSON.stringify(line, scrub)}\n`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function scrub(key: string, value: unknown): unknown {
  if (SECRET_KEYS.has(key)) return '[redacted]';
  if (value instanceof Error) return serializeError(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Errors as `{name, message, code?, cause?}` with messages redacted. Stacks
 * only for bugs: an operational error (one with a stable `code` and `status`,
 * i.e. an AppError) is fully described by its chain of messages.
 */
export function serializeError(error: Error, depth = 0, withStack = !isOperational(error)): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out['code'] = code;
  if (withStack && error.stack) out['stack'] = redactText(error.stack, 2000);
  if (error.cause instanceof Error && depth < 4) out['cause'] = serializeError(error.cause, depth + 1, withStack);
  return out;
}

function isOperational(error: Error): boolean {
  return typeof (error as { status?: unknown }).status === 'number' && typeof (error as { code?: unknown }).code === 'string';
}

/** A logger that drops everything (for tests and benchmarks). */
export const silentLogger: Logger = createLogger({ service: 'silent', sink: () => {} });
