/**
 * infra/local/services.sh, driven through bash like the quick start does, with Redis and the GUN
 * relay only (Elasticsearch takes too long to start for the suite; its port is used to make an
 * `up` fail part-way). Each test works in two throwaway "clones" of the repo under a folder whose
 * name has spaces: the script and lib.sh are copied, the code and node_modules are links. Every
 * port is a fresh one, never the shared services' ports.
 *
 * Promises: an `up` that fails part-way stops what it started in that call and nothing else; a
 * later `up`, even from another clone, recognises the Redis and the relay this script started
 * (by port and command line, after their pid files are gone; a relay still starting too),
 * reuses them, and its `down` stops them; a port held by anything else still fails clearly and
 * is left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, symlink } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const linked = ['node_modules', 'packages', 'services', 'tooling', 'tsconfig.json'];

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

interface Ports {
  LOCAL_REDIS_PORT: string;
  LOCAL_ES_PORT: string;
  LOCAL_ES_TRANSPORT_PORT: string;
  LOCAL_GUN_PORT: string;
}

async function makeClone(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(join(dir, 'infra', 'local'), { recursive: true });
  await mkdir(join(dir, 'scripts'), { recursive: true });
  await copyFile(join(root, 'infra/local/services.sh'), join(dir, 'infra/local/services.sh'));
  await copyFile(join(root, 'scripts/lib.sh'), join(dir, 'scripts/lib.sh'));
  await copyFile(join(root, 'package.json'), join(dir, 'package.json'));
  await copyFile(join(root, '.nvmrc'), join(dir, '.nvmrc'));
  for (const entry of linked) await symlink(join(root, entry), join(dir, entry));
  return dir;
}

function services(clone: string, ports: Ports, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(clone, 'infra/local/services.sh'), ...args], {
      cwd: clone,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...ports },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function foreignListener(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function startChild(command: string, args: string[]): ChildProcess {
  return spawn(command, args, { stdio: 'ignore' });
}

async function waitForListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await listening(port))) {
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The trimmed content of a file once it exists and is not empty. */
async function waitForFile(path: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const content = (await readFile(path, 'utf8').catch(() => '')).trim();
    if (content !== '') return content;
    if (Date.now() > deadline) throw new Error(`${path} not written after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('infra/local/services.sh', () => {
  let parent: string;
  let cloneA: string;
  let cloneB: string;
  let ports: Ports;
  let redisPort: number;
  let gunPort: number;
  const servers: Server[] = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'gun sync services '));
    cloneA = await makeClone(parent, 'clone a');
    cloneB = await makeClone(parent, 'clone b');
    redisPort = await freePort();
    gunPort = await freePort();
    ports = {
      LOCAL_REDIS_PORT: String(redisPort),
      LOCAL_ES_PORT: String(await freePort()),
      LOCAL_ES_TRANSPORT_PORT: String(await freePort()),
      LOCAL_GUN_PORT: String(gunPort),
    };
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    // Whatever a test (or a broken script) left running on this test's ports, pid files restored.
    await rename(join(cloneA, '.local.crashed'), join(cloneA, '.local')).catch(() => undefined);
    for (const clone of [cloneB, cloneA]) {
      await services(clone, ports, 'down', 'gun');
      await services(clone, ports, 'down', 'redis');
    }
    await rm(parent, { recursive: true, force: true });
  });

  it('stops the redis it started when elasticsearch cannot start, and leaves the foreign listener alone', async () => {
    servers.push(await foreignListener(Number(ports.LOCAL_ES_PORT)));

    const up = await services(cloneA, ports, 'up');

    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      `port ${ports.LOCAL_ES_PORT} is taken by a process this script did not start`,
    );
    expect(up.stderr).toContain('up failed: stopping what it started (redis)');
    expect(await listening(redisPort), up.stderr).toBe(false);
    expect(await listening(gunPort)).toBe(false);
    expect(await listening(Number(ports.LOCAL_ES_PORT))).toBe(true);
  });

  it('leaves running what an earlier up started when a later up fails', async () => {
    expect((await services(cloneA, ports, 'up', 'redis')).code).toBe(0);
    servers.push(await foreignListener(Number(ports.LOCAL_ES_PORT)));

    const up = await services(cloneA, ports, 'up');

    expect(up.code).toBe(1);
    expect(await listening(redisPort), up.stderr).toBe(true);
  });

  it('reuses the redis and relay of a crashed run of another clone, and its down stops them', async () => {
    expect((await services(cloneA, ports, 'up', 'redis')).code).toBe(0);
    expect((await services(cloneA, ports, 'up', 'gun')).code).toBe(0);
    // The crash: the script is gone and so are its pid files.
    await rename(join(cloneA, '.local'), join(cloneA, '.local.crashed'));

    const redis = await services(cloneB, ports, 'up', 'redis');
    expect(redis.code, redis.stderr).toBe(0);
    expect(redis.stderr).toMatch(/reusing redis \(pid \d+\)/);
    const gun = await services(cloneB, ports, 'up', 'gun');
    expect(gun.code, gun.stderr).toBe(0);
    expect(gun.stderr).toMatch(/reusing gun relay \(pid \d+\)/);
    const status = await services(cloneB, ports, 'status', 'redis');
    expect(status.code, status.stdout).toBe(0);

    await services(cloneB, ports, 'down', 'gun');
    await services(cloneB, ports, 'down', 'redis');
    expect(await listening(redisPort)).toBe(false);
    expect(await listening(gunPort)).toBe(false);
  });

  it('waits for the relay a killed up was starting instead of starting a second one', async () => {
    const crashed = spawn('bash', [join(cloneA, 'infra/local/services.sh'), 'up', 'gun'], {
      cwd: cloneA,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...ports },
      stdio: 'ignore',
    });
    children.push(crashed);
    const pidFile = join(cloneA, '.local/gun-relay/relay.pid');
    const startedPid = await waitForFile(pidFile, 30_000);
    // The relay leads its own session and keeps starting; the next `up` runs in a fresh clone.
    crashed.kill('SIGKILL');

    const up = await services(cloneB, ports, 'up', 'gun');

    expect(up.code, up.stderr).toBe(0);
    expect((await readFile(join(cloneB, '.local/gun-relay/relay.pid'), 'utf8')).trim()).toBe(
      startedPid,
    );
    expect(await listening(gunPort)).toBe(true);
  });

  it('refuses a redis-server on its port that was not started with its flags', async () => {
    const other = startChild('redis-server', [
      '--bind',
      '127.0.0.1',
      '--port',
      String(redisPort),
      '--save',
      '',
    ]);
    children.push(other);
    await waitForListening(redisPort, 10_000);

    const up = await services(cloneA, ports, 'up', 'redis');

    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      `port ${redisPort} is taken by a process this script did not start`,
    );
    expect(other.exitCode).toBeNull();
    expect(await listening(redisPort)).toBe(true);
  });
});
