/** redis-server flags for a test's own Redis: nothing persisted, and BullMQ's required policy. */
export const ephemeralRedisArgs = [
  '--save',
  '',
  '--appendonly',
  'no',
  '--maxmemory-policy',
  'noeviction',
] as const;
