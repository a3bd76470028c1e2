import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { keepNodeId, resolveNodeId, type NodeIdStore } from './node-id.js';

function mapStore(values = new Map<string, string>()): NodeIdStore {
  return {
    async set(key, value) {
      if (values.has(key)) return null;
      values.set(key, value);
      return 'OK';
    },
    async get(key) {
      return values.get(key) ?? null;
    },
  };
}

describe(resolveNodeId.name, () => {
  it('uses the override when set', async () => {
    expect(await resolveNodeId({ override: 'node-a', redis: mapStore(), key: 'k' })).toBe('node-a');
  });

  it('keeps the first generated id across calls', async () => {
    const redis = mapStore();
    let n = 0;
    const generate = () => `id-${++n}`;
    expect(await resolveNodeId({ redis, key: 'k', generate })).toBe('id-1');
    expect(await resolveNodeId({ redis, key: 'k', generate })).toBe('id-1');
  });

  it('generates 16 hex characters by default', async () => {
    expect(await resolveNodeId({ redis: mapStore(), key: 'k' })).toMatch(/^[0-9a-f]{16}$/);
  });
});

/** A store that can lose its data, fail, and announce a reconnect like ioredis. */
function reconnectingStore() {
  const values = new Map<string, string>();
  const events = new EventEmitter();
  let down = false;
  const store = mapStore(values);
  return {
    values,
    setDown: (value: boolean) => void (down = value),
    reconnect: () => events.emit('ready'),
    redis: {
      set: (key: string, value: string, nx: 'NX') =>
        down ? Promise.reject(new Error('offline')) : store.set(key, value, nx),
      get: (key: string) => (down ? Promise.reject(new Error('offline')) : store.get(key)),
      on: (event: 'ready', listener: () => void) => events.on(event, listener),
      off: (event: 'ready', listener: () => void) => events.off(event, listener),
    },
    listeners: () => events.listenerCount('ready'),
  };
}

const quietLog = () => ({ warn: vi.fn(), info: vi.fn() });

describe(keepNodeId.name, () => {
  it('writes the id back after a reconnect to an empty store, and never replaces another', async () => {
    const store = reconnectingStore();
    const log = quietLog();
    const keeper = keepNodeId({ redis: store.redis, key: 'k', id: 'id-1', log, everyMs: 60_000 });
    store.reconnect();
    await vi.waitFor(() => expect(store.values.get('k')).toBe('id-1'));
    expect(log.warn).toHaveBeenCalledTimes(1);

    store.values.set('k', 'id-2');
    store.reconnect();
    store.reconnect();
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(2));
    store.reconnect();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.values.get('k')).toBe('id-2');
    // The conflict is reported once, not at every check.
    expect(log.warn).toHaveBeenCalledTimes(2);
    keeper.stop();
    expect(store.listeners()).toBe(0);
  });

  it('logs a failing check once, and its recovery', async () => {
    const store = reconnectingStore();
    const log = quietLog();
    const keeper = keepNodeId({ redis: store.redis, key: 'k', id: 'id-1', log, everyMs: 60_000 });
    store.values.set('k', 'id-1');
    store.setDown(true);
    store.reconnect();
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(1));
    store.reconnect();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.warn).toHaveBeenCalledTimes(1);
    store.setDown(false);
    store.reconnect();
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledTimes(1));
    keeper.stop();
  });

  it('does nothing under an override', () => {
    const store = reconnectingStore();
    const keeper = keepNodeId({
      override: 'node-a',
      redis: store.redis,
      key: 'k',
      id: 'node-a',
      log: quietLog(),
    });
    expect(store.listeners()).toBe(0);
    keeper.stop();
  });
});
