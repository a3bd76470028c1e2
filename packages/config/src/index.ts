export { ConfigError } from './config-error.js';
export {
  boolVar,
  enumVar,
  intVar,
  keyVar,
  listVar,
  portVar,
  stringVar,
  urlListVar,
  urlVar,
  type EnvVar,
} from './env-var.js';
export {
  apiVars,
  baseVars,
  cliVars,
  cryptoVars,
  discoveryVars,
  elasticsearchVars,
  envCatalog,
  gunVars,
  indexerVars,
  redisVars,
  relayVars,
  syncVars,
  transformVars,
  allEnvVars,
  requiredSealKey,
} from './catalog.js';
export {
  configFingerprint,
  loadEnv,
  type EnvSource,
  type EnvValues,
  type EnvVars,
  type LoadEnvOptions,
} from './load-env.js';
export { parseEnvNames, renderEnvExample } from './env-example.js';
export {
  baseSettings,
  elasticsearchRules,
  elasticsearchSettings,
  gunSettings,
  keyringSettings,
  redisSettings,
  syncRules,
  syncSettings,
  type ElasticsearchSettings,
  type GunSettings,
  type RedisSettings,
} from './settings.js';
export { loadSyncNodeEnv } from './sync-node.js';
