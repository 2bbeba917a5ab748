// A tiny JSON-lines logger for plugins. One object per line on stderr:
//   {"level":"info","msg":"...","time":"2026-01-01T00:00:00.000Z","plugin":"quota", ...fields}
// The host forwards a plugin's stderr into the daemon's log under the plugin's name and keeps the
// `level` of lines that are JSON, so this is all a plugin needs. It never writes to stdout: the
// host treats stdout as untrusted noise, and a plugin's protocol never depends on it.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (for example the request id of one hook call). */
  child(fields: LogFields): Logger;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where lines go; a test passes its own sink to capture them. */
export type LogSink = (line: string) => void;

export interface LoggerOptions {
  /** Lines below this level are dropped. Defaults to HOOKD_LOG_LEVEL, else "info". */
  level?: LogLevel;
  sink?: LogSink;
}

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in LEVEL_RANK ? (value as LogLevel) : undefined;
}

const writeToStderr: LogSink = (line) => {
  process.stderr.write(line + '\n');
};

export function createLogger(plugin: string, options: LoggerOptions = {}): Logger {
  const minimum = LEVEL_RANK[options.level ?? parseLogLevel(process.env.HOOKD_LOG_LEVEL) ?? 'info'];
  const sink = options.sink ?? writeToStderr;

  const build = (bound: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (LEVEL_RANK[level] < minimum) return;
      const line = { level, msg, time: new Date().toISOString(), plugin, ...bound, ...describeErrors(fields) };
      sink(JSON.stringify(line));
    };
    return {
      debug: (msg, fields) => emit('debug', msg, fields),
      info: (msg, fields) => emit('info', msg, fields),
      warn: (msg, fields) => emit('warn', msg, fields),
      error: (msg, fields) => emit('error', msg, fields),
      child: (fields) => build({ ...bound, ...fields }),
    };
  };
  return build({});
}

// Error objects stringify to {}; log their message (and stack at debug-worthy detail) instead.
function describeErrors(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return undefined;
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { message: value.message, name: value.name } : value;
  }
  return out;
}
