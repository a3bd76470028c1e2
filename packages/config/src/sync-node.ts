/**
 * The part of configuration shared by the services that see the whole node: the registry over
 * GUN, the index, the queues and the sync policy (discovery and the API). One call loads those
 * groups plus the service's own variables, checks the cross-variable rules and returns the
 * shared settings, the typed values for the service's own group, and the fingerprint of all.
 */
import { baseVars, elasticsearchVars, gunVars, redisVars, syncVars } from './catalog.js';
import { configFingerprint, loadEnv, type EnvSource, type EnvVars } from './load-env.js';
import {
  baseSettings,
  elasticsearchRules,
  elasticsearchSettings,
  gunSettings,
  redisSettings,
  syncRules,
  syncSettings,
} from './settings.js';

export function loadSyncNodeEnv<Own extends EnvVars>(own: Own, source: EnvSource) {
  const vars = { ...baseVars, ...redisVars, ...elasticsearchVars, ...gunVars, ...syncVars, ...own };
  const env = loadEnv(vars, source, { rules: (e) => [...elasticsearchRules(e), ...syncRules(e)] });
  return {
    env,
    settings: {
      ...baseSettings(env),
      redis: redisSettings(env),
      elasticsearch: elasticsearchSettings(env),
      gun: gunSettings(env),
      sync: syncSettings(env),
    },
    fingerprint: configFingerprint(vars, env),
  };
}
