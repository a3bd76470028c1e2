/**
 * Peer URLs as operators write them (GUN_PEERS, GUN_EXTERNAL_PEERS): a relay's GUN WebSocket
 * (`http://host:8765/gun`, `ws://...`), a relay's HTTP API (`http://gun-relay:8765`) or a node's
 * public proxy (`https://host/gun-relay`). Each implementation needs a different form.
 */

function parse(url: string): URL {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

function trimPath(pathname: string): string {
  return pathname.replace(/\/+$/, '');
}

/**
 * The GUN WebSocket endpoint of a peer, or null for a `/gun-relay` proxy: OIP's proxy forwards
 * plain HTTP only, so nothing speaks GUN there (spec §1.10).
 */
export function toWirePeer(url: string): string | null {
  const parsed = parse(url);
  const path = trimPath(parsed.pathname);
  if (path.endsWith('/gun-relay')) return null;
  parsed.pathname = path === '' ? '/gun' : path;
  return parsed.toString();
}

/** Base URL of a peer's relay HTTP API (`${base}/get`, `${base}/put`). */
export function toHttpBase(url: string): string {
  const parsed = parse(url);
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  let path = trimPath(parsed.pathname);
  if (path.endsWith('/gun')) path = path.slice(0, -'/gun'.length);
  parsed.pathname = path === '' ? '/' : path;
  return parsed.toString().replace(/\/+$/, '');
}
