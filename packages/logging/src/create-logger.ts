/**
 * The one way to make a logger: pino, structured, one JSON event per line, with the fields
 * that may carry secrets or record content redacted before they reach any output.
 */
import {
  pino,
  stdSerializers,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
} from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Paths censored in every event. Keys, passwords, tokens and anything that may hold record
 * content (decrypted or not) never leave the process.
 */
export const redactPaths: readonly string[] = [
  'key',
  '*.key',
  'privateKey',
  '*.privateKey',
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'plaintext',
  '*.plaintext',
  'data',
  '*.data',
  'record',
  '*.record',
  'document',
  '*.document',
  'envelope',
  '*.envelope',
  'job.data',
];

export interface CreateLoggerOptions {
  service: string;
  level?: LogLevel;
  /** Human-readable output; defaults to true only when stdout is a TTY. */
  pretty?: boolean;
  version?: string;
  /** For tests: where the JSON lines go. */
  destination?: DestinationStream;
}

export function createLogger({
  service,
  level = 'info',
  pretty,
  version = '0.0.0',
  destination,
}: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, version },
    redact: { paths: [...redactPaths], censor: '[redacted]' },
    serializers: { err: stdSerializers.err },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  const usePretty = pretty ?? process.stdout.isTTY === true;
  if (usePretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino(options);
}

/** A logger that writes nothing, for unit tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
