export {
  createLogger,
  createSilentLogger,
  redactPaths,
  type CreateLoggerOptions,
  type LogLevel,
  type Logger,
} from './create-logger.js';
