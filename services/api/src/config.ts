import { apiVars, loadSyncNodeEnv, type EnvSource } from '@sync/config';
import pkg from '../package.json' with { type: 'json' };

/** Flat env in, nested config out: callers never see env names. */
export function loadApiConfig(source: EnvSource) {
  const { env, settings, fingerprint } = loadSyncNodeEnv(apiVars, source);
  // The API answers its own probes (/healthz, /readyz): no separate probe server.
  const { probe: _probe, ...shared } = settings;
  return {
    version: pkg.version,
    ...shared,
    http: {
      host: env.API_HOST,
      port: env.API_PORT,
      adminToken: env.API_ADMIN_TOKEN,
      healthAuth: env.API_HEALTH_AUTH,
      checkTimeoutMs: env.API_CHECK_TIMEOUT_MS,
    },
    health: {
      maxScanAgeMs: env.HEALTH_MAX_SCAN_AGE_MS ?? 2 * env.GUN_SYNC_INTERVAL,
      maxStallMs: env.HEALTH_MAX_STALL_MS,
      errorWindowMinutes: env.HEALTH_ERROR_WINDOW_MINUTES,
      maxErrorPercent: env.HEALTH_MAX_ERROR_PERCENT,
      minSamples: env.HEALTH_MIN_SAMPLES,
    },
    fingerprint,
  } as const;
}

export type ApiConfig = ReturnType<typeof loadApiConfig>;
