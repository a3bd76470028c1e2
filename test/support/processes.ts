/** Starts a service's main.ts as a real child process (node + tsx), to kill and restart it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hooks, no draining. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The V8 settings a service is measured with: its package.json's `nodeOptions`, put before the
 * caller's NODE_OPTIONS (which win), as the image's entrypoint.sh does.
 */
export function serviceNodeOptions(service: string, nodeOptions?: string): string | undefined {
  const manifest = JSON.parse(
    readFileSync(join(root, 'services', service, 'package.json'), 'utf8'),
  ) as { nodeOptions?: string };
  const options = [manifest.nodeOptions, nodeOptions].filter(Boolean).join(' ');
  return options || undefined;
}

export function startServiceProcess(service: string, env: Record<string, string>): ServiceProcess {
  const nodeOptions = serviceNodeOptions(service, env.NODE_OPTIONS);
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/main.ts`], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The probe port a service logged at start ("probes listening"), from its captured output. */
export function probePort(output: string): number | undefined {
  const m = /"port":(\d+)[^\n]*"msg":"probes listening"/.exec(output);
  return m?.[1] ? Number(m[1]) : undefined;
}
