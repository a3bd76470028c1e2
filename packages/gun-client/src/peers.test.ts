import { describe, expect, it } from 'vitest';
import { toHttpBase, toWirePeer } from './peers.js';

describe(toWirePeer.name, () => {
  it('keeps a /gun endpoint', () => {
    expect(toWirePeer('http://127.0.0.1:8765/gun')).toBe('http://127.0.0.1:8765/gun');
    expect(toWirePeer('wss://relay.example/gun/')).toBe('wss://relay.example/gun');
  });

  it('adds /gun to a bare relay URL', () => {
    expect(toWirePeer('http://gun-relay:8765')).toBe('http://gun-relay:8765/gun');
  });

  it('refuses a /gun-relay proxy, which carries no WebSocket', () => {
    expect(toWirePeer('https://api.oip.onl/gun-relay')).toBeNull();
  });
});

describe(toHttpBase.name, () => {
  it('maps a /gun endpoint to the relay API root', () => {
    expect(toHttpBase('http://127.0.0.1:8765/gun')).toBe('http://127.0.0.1:8765');
    expect(toHttpBase('ws://127.0.0.1:8765/gun')).toBe('http://127.0.0.1:8765');
    expect(toHttpBase('wss://relay.example/gun')).toBe('https://relay.example');
  });

  it('keeps a /gun-relay proxy path', () => {
    expect(toHttpBase('https://api.oip.onl/gun-relay/')).toBe('https://api.oip.onl/gun-relay');
  });

  it('does not mangle host names that start with gun', () => {
    expect(toHttpBase('http://gun-relay:8765')).toBe('http://gun-relay:8765');
  });
});
