/** GET /peers/status: OIP's shape (spec §1.5), plus how many peers are connected right now. */
import { sendJson } from '../http-io.js';
import type { RelayStore } from '../relay-store.js';
import type { Route } from './route.js';

export function makePeersStatusRoute(peers: readonly string[], store: RelayStore): Route {
  return ({ res }) => {
    sendJson(
      res,
      200,
      {
        configuredPeers: peers,
        peerCount: peers.length,
        connectedPeers: store.openPeers(),
        // OIP filtered peers through a substring allow-list; every configured peer is used here.
        allowedDomains: [],
        isolationMode: peers.length > 0 ? 'multi-node' : 'isolated',
        multicastDisabled: true,
        axeDisabled: true,
        timestamp: new Date().toISOString(),
      },
      true,
    );
  };
}
