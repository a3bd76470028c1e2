/**
 * Graceful shutdown shared by every service: steps run in reverse order of registration,
 * every step runs even when another fails, the run is memoized, and a second signal or the
 * timeout forces exit 1.
 */
import type { Logger } from 'pino';

export interface Shutdown {
  add(name: string, fn: () => Promise<void> | void): void;
  run(options?: { exitCode?: number; reason?: string }): Promise<void>;
  isShuttingDown(): boolean;
  listen(): void;
}

export interface ShutdownOptions {
  log: Logger;
  timeoutMs: number;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

export function createShutdown({
  log,
  timeoutMs,
  exit = (code) => process.exit(code),
  signals = ['SIGTERM', 'SIGINT'],
}: ShutdownOptions): Shutdown {
  const steps: { name: string; fn: () => Promise<void> | void }[] = [];
  let running: Promise<void> | undefined;

  async function runSteps(exitCode: number): Promise<void> {
    let failed = false;
    for (const step of [...steps].reverse()) {
      try {
        await step.fn();
        log.debug({ step: step.name }, 'shutdown step done');
      } catch (err) {
        failed = true;
        log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    log.info({ exitCode: failed ? 1 : exitCode }, 'shutdown complete');
    log.flush();
    exit(failed ? 1 : exitCode);
  }

  const shutdown: Shutdown = {
    add(name, fn) {
      steps.push({ name, fn });
    },
    run({ exitCode = 0, reason = 'requested' } = {}) {
      if (running) return running;
      log.info({ reason, timeoutMs }, 'shutting down');
      const timer = setTimeout(() => {
        log.fatal({ timeoutMs }, 'shutdown timed out, forcing exit');
        log.flush();
        exit(1);
      }, timeoutMs);
      timer.unref();
      running = runSteps(exitCode).finally(() => clearTimeout(timer));
      return running;
    },
    isShuttingDown() {
      return running !== undefined;
    },
    listen() {
      for (const signal of signals) {
        process.on(signal, () => {
          if (running) {
            log.fatal({ signal }, 'second signal, forcing exit');
            log.flush();
            exit(1);
            return;
          }
          void shutdown.run({ reason: signal });
        });
      }
      process.on('uncaughtException', (err) => {
        log.fatal({ err }, 'uncaught exception');
        void shutdown.run({ exitCode: 1, reason: 'uncaughtException' });
      });
      process.on('unhandledRejection', (err) => {
        log.fatal({ err }, 'unhandled rejection');
        void shutdown.run({ exitCode: 1, reason: 'unhandledRejection' });
      });
    },
  };
  return shutdown;
}
