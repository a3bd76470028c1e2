import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenerPid } from './common.js';

describe('listenerPid', () => {
  const server = createServer();
  let port = 0;
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it('finds the process listening on the port the URL names', () => {
    expect(listenerPid(`http://127.0.0.1:${port}`)).toBe(process.pid);
    expect(listenerPid(`redis://localhost:${port}/0`)).toBe(process.pid);
  });

  it('is undefined for another host, a port nobody listens on, or no URL', async () => {
    expect(listenerPid(`http://10.1.2.3:${port}`)).toBeUndefined();
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const freed = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(listenerPid(`http://127.0.0.1:${freed}`)).toBeUndefined();
    expect(listenerPid('not a url')).toBeUndefined();
  });
});
