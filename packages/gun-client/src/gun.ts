/** GUN plumbing for services that run GUN themselves (the relay): instances, reads, writes. */
export {
  closeGun,
  countOpenOutgoingPeers,
  countOpenPeers,
  createClientGun,
  createServerGun,
  gunLoadMessages,
  gunState,
  type GunInstance,
  type GunListener,
  type ServerGunStore,
  type GunRoot,
} from './wire/gun-instance.js';
export { askNode, type AskOptions } from './wire/gun-ask.js';
export { putGraph, type PutGraphOptions } from './wire/gun-put.js';
export { toCleanNode } from './node-source.js';
export { isLink, toLink, toRelayIndexSoul } from './souls.js';
export { mapLimited } from './limiter.js';
